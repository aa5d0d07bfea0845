"""Reports linked to an activity that its editor may not see: the edit form cannot show them, and
saving the form must not unlink them."""

import html

import pytest

from accounts.choices import Role
from action_plans.models import ActivityIncidentEvent
from tests.action_plans.conftest import revisions
from tests.action_plans.test_bad_input import edit_activity, opened_field
from tests.factories import IncidentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def diwek_secretariat(roles, kecamatan):
    """A secretariat account scoped to one kecamatan (Diwek)."""
    return UserFactory(username="sekretariat-diwek", kecamatan=kecamatan, roles=[Role.SEKRETARIAT])


@pytest.fixture
def linked(established, sekretariat, kecamatan, other_kecamatan, petugas_unscoped):
    """Activity 1.1 linked by the regency-wide secretariat to a Diwek report, a Wonosalam one
    and a restricted one, plus a draft of someone else (none of the last three in a Diwek
    secretariat's reach but the restricted one)."""
    activity = established.activities.get(code="1.1")
    reports = {
        "diwek": IncidentFactory(kecamatan=kecamatan, title="Ketegangan di Diwek"),
        "wonosalam": IncidentFactory(kecamatan=other_kecamatan, title="Sengketa di Wonosalam"),
        "restricted": IncidentFactory(
            kecamatan=kecamatan, title="Informasi intelijen", confidentiality="terbatas"
        ),
        "draft": IncidentFactory(
            kecamatan=kecamatan, reported_by=petugas_unscoped, title="Draf", status="draft"
        ),
    }
    activity.incidents.set(reports.values())
    return activity, reports


def test_saving_an_activity_keeps_the_links_its_editor_cannot_see(
    client, linked, diwek_secretariat
):
    activity, reports = linked
    url = f"/rat/2024/kegiatan/{activity.pk}/ubah/"
    client.force_login(diwek_secretariat)
    page = " ".join(html.unescape(client.get(url).content.decode()).split())
    assert "Ketegangan di Diwek" in page
    assert "Sengketa di Wonosalam" not in page and reports["wonosalam"].reference not in page
    assert (
        "2 laporan terkait lain tidak ditampilkan karena di luar akses Anda; tautannya tetap "
        "tersimpan." in page
    )
    before = ActivityIncidentEvent.objects.count()

    # The browser sends back what the page showed: the reports this editor can see.
    data = edit_activity(
        activity,
        budget="7500000",
        incidents=[reports["diwek"].pk, reports["restricted"].pk],
        reason="Anggaran disesuaikan hasil rapat.",
    )
    response = client.post(url, data)

    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.budget == 7500000
    assert set(activity.incidents.all()) == set(reports.values())
    # Nothing about the links happened, so nothing about them is in the history or the revision.
    assert ActivityIncidentEvent.objects.count() == before
    assert [c["field"] for c in revisions().get().data["changes"]] == ["anggaran (Rp)"]


def test_an_editor_still_unlinks_a_report_they_can_see(client, linked, diwek_secretariat):
    activity, reports = linked
    url = f"/rat/2024/kegiatan/{activity.pk}/ubah/"
    client.force_login(diwek_secretariat)

    data = edit_activity(activity, incidents=[reports["restricted"].pk])
    assert client.post(url, data).status_code == 302

    assert set(activity.incidents.all()) == {
        reports["restricted"],
        reports["wonosalam"],
        reports["draft"],
    }
    unlinked = ActivityIncidentEvent.objects.filter(pgh_label="delete")
    assert [e.incident_id for e in unlinked] == [reports["diwek"].pk]


def test_an_editor_who_sees_every_linked_report_is_told_nothing(client, linked, sekretariat):
    activity, reports = linked
    reports["draft"].delete()
    client.force_login(sekretariat)
    page = client.get(f"/rat/2024/kegiatan/{activity.pk}/ubah/").content.decode()
    assert "di luar akses Anda" not in page


def test_a_report_linked_meanwhile_out_of_the_editors_reach_neither_blocks_nor_shows(
    client, linked, sekretariat, diwek_secretariat, other_kecamatan
):
    # The Diwek account opens the activity; meanwhile the regency-wide secretariat links another
    # Wonosalam report. Saving was refused as "changed meanwhile", naming that report's number.
    activity, reports = linked
    url = f"/rat/2024/kegiatan/{activity.pk}/ubah/"
    client.force_login(diwek_secretariat)
    opened = opened_field(client.get(url).content.decode())
    meanwhile = IncidentFactory(kecamatan=other_kecamatan, title="Pembakaran di Wonosalam")
    activity.incidents.add(meanwhile)

    data = edit_activity(
        activity,
        title="Judul diperbaiki",
        incidents=[reports["diwek"].pk, reports["restricted"].pk],
        reason="Judul diperbaiki.",
        opened=opened,
    )
    response = client.post(url, data)

    assert response.status_code == 302
    assert meanwhile.reference not in response.content.decode()
    activity.refresh_from_db()
    assert activity.title == "Judul diperbaiki"
    assert {meanwhile, reports["wonosalam"]} <= set(activity.incidents.all())
