"""Editing through the page: a stale save is refused, shows what changed meanwhile, keeps what
the second person typed, and a deliberate second save then goes through."""

import pytest

from incidents.models import Incident
from tests.factories import IncidentFactory
from tests.helpers import submission_token
from tests.incidents.test_bad_input import edit_payload

pytestmark = pytest.mark.django_db


def test_second_of_two_edits_is_refused_with_the_changes_shown(
    client, petugas, sekretariat, kecamatan
):
    from django.test import Client

    report = IncidentFactory(kecamatan=kecamatan, reported_by=petugas, title="Judul awal")
    url = f"/laporan/{report.pk}/ubah/"
    officer, secretariat = client, Client()
    officer.force_login(petugas)
    secretariat.force_login(sekretariat)
    # Both open the form at the same version.
    officer_form = edit_payload(report, address="Balai Desa Ceweng")
    secretariat_form = edit_payload(report, title="Judul dari sekretariat", likelihood="4")

    assert secretariat.post(url, secretariat_form).status_code == 302
    response = officer.post(url, officer_form)

    assert response.status_code == 400
    page = response.content.decode()
    assert "sudah diubah orang lain" in page
    assert "Judul awal → Judul dari sekretariat" in page
    assert "Budi Sekretariat" in page
    assert 'value="Balai Desa Ceweng"' in page  # the officer's typing is kept
    saved = Incident.objects.get(pk=report.pk)
    assert (saved.title, saved.version) == ("Judul dari sekretariat", 2)
    assert saved.address != "Balai Desa Ceweng"

    # Having seen the change, the officer saves again on top of the new version.
    officer_form["version"] = response.context["form"]["version"].value()
    officer_form["title"] = "Judul dari sekretariat"
    assert officer.post(url, officer_form).status_code == 302
    saved.refresh_from_db()
    assert (saved.title, saved.address, saved.version) == (
        "Judul dari sekretariat",
        "Balai Desa Ceweng",
        3,
    )


def test_edit_saved_after_the_report_was_verified_is_refused_with_a_message(
    client, petugas, sekretariat, kecamatan
):
    from incidents import services

    report = IncidentFactory(kecamatan=kecamatan, reported_by=petugas, title="Judul awal")
    client.force_login(petugas)
    typed = edit_payload(report, address="Alamat yang diketik petugas")
    services.incident_transition(incident=report, by=sekretariat, action="verify")

    response = client.post(f"/laporan/{report.pk}/ubah/", typed)

    assert response.status_code == 400
    page = response.content.decode()
    assert "tidak dapat Anda ubah lagi karena statusnya kini Diverifikasi" in page
    assert 'value="Alamat yang diketik petugas"' in page
    assert Incident.objects.get(pk=report.pk).address != "Alamat yang diketik petugas"


def changed_by_its_author(report, author) -> int:
    """The author saves an edit after the report was opened: returns the version then seen."""
    from incidents import services

    seen_version = report.version
    changed = Incident.objects.get(pk=report.pk)
    changed.title = "Diubah pelapor"
    services.incident_update(incident=changed, expected_version=seen_version, by=author)
    return seen_version


def test_verifying_a_report_changed_since_it_was_opened_is_refused(
    client, petugas, sekretariat, kecamatan
):
    report = IncidentFactory(kecamatan=kecamatan, reported_by=petugas)
    client.force_login(sekretariat)
    seen_version = changed_by_its_author(report, petugas)

    response = client.post(
        f"/laporan/{report.pk}/status/", {"action": "verify", "version": seen_version}, follow=True
    )

    assert "baru saja diubah" in response.content.decode()
    assert Incident.objects.get(pk=report.pk).status == "diajukan"


def test_a_refused_rejection_keeps_its_reason_on_the_report_page(
    client, petugas, sekretariat, kecamatan
):
    report = IncidentFactory(kecamatan=kecamatan, reported_by=petugas)
    client.force_login(sekretariat)
    seen_version = changed_by_its_author(report, petugas)
    reason = "Identitas saksi belum dilengkapi & lokasi <tidak jelas>"

    response = client.post(
        f"/laporan/{report.pk}/status/",
        {"action": "reject", "version": seen_version, "note": reason},
        follow=True,
    )

    page = response.content.decode()
    assert "baru saja diubah" in page
    # What was typed is there to send again, escaped.
    assert 'value="Identitas saksi belum dilengkapi &amp; lokasi &lt;tidak jelas&gt;"' in page
    assert Incident.objects.get(pk=report.pk).status == "diajukan"
    # Only once: the next visit shows an empty field.
    assert "Identitas saksi" not in client.get(f"/laporan/{report.pk}/").content.decode()
    # Another report opened in between (a second tab) leaves it for this report's page.
    other = IncidentFactory(kecamatan=kecamatan, reported_by=petugas)
    client.post(
        f"/laporan/{report.pk}/status/",
        {"action": "reject", "version": seen_version, "note": "Alasan kedua"},
    )
    assert "Alasan kedua" not in client.get(f"/laporan/{other.pk}/").content.decode()
    assert 'value="Alasan kedua"' in client.get(f"/laporan/{report.pk}/").content.decode()


def test_a_handling_step_cannot_be_undone_by_an_older_edit_form(
    client, petugas, sekretariat, kecamatan
):
    from datetime import date

    from incidents import services
    from incidents.models import HandlingStep

    report = IncidentFactory(kecamatan=kecamatan, reported_by=petugas, status="diverifikasi")
    typed = edit_payload(report)  # opened while the stage was still pencegahan
    services.step_add(
        incident=report,
        by=sekretariat,
        step=HandlingStep(
            date=date.today(), stage="penghentian", action_type="mediasi", description="Mediasi"
        ),
    )
    client.force_login(sekretariat)

    response = client.post(f"/laporan/{report.pk}/ubah/", typed)

    assert response.status_code == 400
    assert "sudah diubah orang lain" in response.content.decode()
    assert Incident.objects.get(pk=report.pk).stage == "penghentian"


def test_an_edit_sent_twice_is_saved_once_not_reported_as_someone_else_s(
    client, petugas, kecamatan
):
    # The second tap found a newer version (the first tap's) and said the report had been
    # changed by someone else, listing the person's own change.
    report = IncidentFactory(kecamatan=kecamatan, reported_by=petugas, title="Judul awal")
    url = f"/laporan/{report.pk}/ubah/"
    client.force_login(petugas)
    data = {
        **edit_payload(report, title="Judul yang diperbaiki"),
        "submission_token": submission_token(client.get(url)),
    }

    assert client.post(url, data).status_code == 302
    again = client.post(url, data, follow=True)

    page = again.content.decode()
    assert again.redirect_chain == [(report.get_absolute_url(), 302)]
    assert "Formulir ini sudah terkirim sebelumnya dan tidak disimpan dua kali." in page
    assert "sudah diubah orang lain" not in page
    saved = Incident.objects.get(pk=report.pk)
    assert (saved.title, saved.version) == ("Judul yang diperbaiki", report.version + 1)
