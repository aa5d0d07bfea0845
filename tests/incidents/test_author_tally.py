"""The per-author tally behind the dashboard's "my reports by status": the database keeps it
equal to counting the reports through every kind of write (a new report, a status change, a
move to another kecamatan or author, a deletion, a deleted user), and `my_reports` reads from it
exactly what `Incident.objects.visible_to(user)` shows the user of their own reports."""

import pytest
from django.db import connection
from django.db.models import Count, ProtectedError
from django.test.utils import CaptureQueriesContext

from incidents.models import Incident, IncidentAuthorTally
from incidents.selectors import my_reports
from tests.factories import IncidentFactory, UserFactory
from tests.helpers import author_tally_counted as counted
from tests.helpers import author_tally_rows as tallied

pytestmark = pytest.mark.django_db


def by_status(values):
    """{(author id, kecamatan id, status): count} of such a dict."""
    totals = {}
    for (author, kecamatan, status, *_rest), n in values.items():
        totals[author, kecamatan, status] = totals.get((author, kecamatan, status), 0) + n
    return totals


def own_by_status(user):
    """The user's own reports by status the slow, obviously right way."""
    mine = Incident.objects.visible_to(user).filter(reported_by=user)
    return dict(mine.values_list("status").annotate(n=Count("*")).order_by())


def shown(user):
    return {status: n for status, _label, n, _query in my_reports(user)["by_status"] if n}


def test_the_tally_equals_counting_the_reports_through_every_write(
    petugas, petugas_unscoped, sekretariat, kecamatan, other_kecamatan
):
    people = [petugas, petugas_unscoped, sekretariat, UserFactory()]
    IncidentFactory(reported_by=petugas, kecamatan=kecamatan, status="draft")
    IncidentFactory(reported_by=petugas, kecamatan=kecamatan, confidentiality="terbatas")
    moving = IncidentFactory(reported_by=petugas_unscoped, kecamatan=other_kecamatan)
    handed_over = IncidentFactory(reported_by=petugas_unscoped, kecamatan=kecamatan)
    gone = IncidentFactory(reported_by=sekretariat, kecamatan=kecamatan, status="diverifikasi")
    edited = IncidentFactory(reported_by=sekretariat, kecamatan=other_kecamatan)
    event = IncidentFactory(event=True, reported_by=sekretariat, kecamatan=kecamatan)
    assert tallied() == counted()
    assert by_status(tallied())[(petugas.pk, kecamatan.pk, "draft")] == 1
    assert tallied()[(petugas.pk, kecamatan.pk, "diajukan", "terbatas", "sedang")] == 1
    assert tallied()[(sekretariat.pk, kecamatan.pk, "diajukan", "internal", "")] == 1
    for person in people:
        assert shown(person) == own_by_status(person), person

    # A status change through save(), a move to another kecamatan, to another author, a
    # deletion, a bulk status change, a report made restricted in bulk, risk assessments
    # changed (through save(), and in bulk through the impact the stored level comes from),
    # and an edit of the text only.
    moving.status = "diverifikasi"
    moving.save()
    Incident.objects.filter(pk=moving.pk).update(kecamatan=kecamatan)
    Incident.objects.filter(pk=handed_over.pk).update(reported_by=petugas)
    Incident.objects.filter(pk=gone.pk).delete()
    Incident.objects.filter(reported_by=petugas, status="draft").update(status="diajukan")
    Incident.objects.filter(pk=handed_over.pk).update(confidentiality="terbatas")
    edited.likelihood = 4
    edited.save()
    Incident.objects.filter(pk=event.pk).update(likelihood=5, impact=5)
    Incident.objects.filter(pk=moving.pk).update(title="Judul yang diperbaiki")

    assert tallied() == counted()
    assert tallied()[(sekretariat.pk, other_kecamatan.pk, "diajukan", "internal", "tinggi")] == 1
    assert tallied()[(sekretariat.pk, kecamatan.pk, "diajukan", "internal", "sangat_tinggi")] == 1
    assert tallied()[(petugas.pk, kecamatan.pk, "diajukan", "terbatas", "sedang")] == 2
    assert by_status(tallied())[(petugas.pk, kecamatan.pk, "diajukan")] == 3
    assert (petugas_unscoped.pk, other_kecamatan.pk, "diajukan") not in by_status(tallied())
    assert (sekretariat.pk, kecamatan.pk, "diverifikasi") not in by_status(tallied())
    for person in people:
        assert shown(person) == own_by_status(person), person
    assert not IncidentAuthorTally.objects.filter(count__lt=0).exists()


def test_a_user_whose_reports_went_elsewhere_can_be_deleted_and_others_stay_counted(
    petugas, petugas_unscoped, kecamatan
):
    leaving = UserFactory(username="pindah-tugas")
    handed_over = IncidentFactory(reported_by=leaving, kecamatan=kecamatan)
    withdrawn = IncidentFactory(reported_by=leaving, kecamatan=kecamatan, status="draft")
    IncidentFactory(reported_by=petugas, kecamatan=kecamatan)
    Incident.objects.filter(pk=handed_over.pk).update(reported_by=petugas)
    withdrawn.delete()
    # Their rows now count zero; they must not stand in the way of the deletion.
    assert IncidentAuthorTally.objects.filter(reported_by=leaving, count=0).count() == 2

    leaving.delete()

    assert not IncidentAuthorTally.objects.filter(reported_by_id=leaving.pk).exists()
    assert tallied() == counted()
    assert by_status(tallied()) == {(petugas.pk, kecamatan.pk, "diajukan"): 2}
    assert shown(petugas) == {"diajukan": 2}


def test_a_user_who_still_has_reports_is_not_deleted_and_the_tally_is_untouched(petugas, kecamatan):
    IncidentFactory(reported_by=petugas, kecamatan=kecamatan, status="selesai")
    before = tallied()
    with pytest.raises(ProtectedError):
        petugas.delete()
    assert tallied() == before == counted()


def test_the_technical_owner_deletes_a_user_without_reports_left(client, petugas, kecamatan):
    """The administration's deletion page (only a superuser may delete accounts; the admin role
    deactivates them): the user's empty tally rows go with them."""
    report = IncidentFactory(reported_by=petugas, kecamatan=kecamatan)
    report.delete()
    client.force_login(UserFactory(username="pemilik", is_staff=True, is_superuser=True))
    url = f"/admin/accounts/user/{petugas.pk}/delete/"
    confirmation = client.get(url).content.decode()
    # The empty row is listed among what goes with the account, in the portal's language.
    assert "Rekap laporan per pelapor" in confirmation
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not type(petugas).objects.filter(pk=petugas.pk).exists()
    assert not IncidentAuthorTally.objects.exists()


def test_a_kecamatan_officer_counts_only_own_reports_in_their_kecamatan(
    petugas, kecamatan, other_kecamatan
):
    IncidentFactory(reported_by=petugas, kecamatan=kecamatan, status="draft")
    IncidentFactory(reported_by=petugas, kecamatan=kecamatan, confidentiality="terbatas")
    # Filed elsewhere (before the officer was scoped to this kecamatan): not theirs to see now.
    IncidentFactory.create_batch(2, reported_by=petugas, kecamatan=other_kecamatan)
    IncidentFactory(
        reported_by=petugas, kecamatan=other_kecamatan, status="ditolak", rejection_reason="Ulang"
    )

    assert shown(petugas) == own_by_status(petugas) == {"draft": 1, "diajukan": 1}


def test_an_account_without_a_role_is_shown_no_counts(kecamatan, roles):
    nobody = UserFactory(username="tanpa-peran")
    IncidentFactory(reported_by=nobody, kecamatan=kecamatan)
    assert by_status(tallied()) == {(nobody.pk, kecamatan.pk, "diajukan"): 1}
    assert shown(nobody) == own_by_status(nobody) == {}


def test_the_counts_are_one_query_on_the_tally_however_many_reports(
    petugas, kecamatan, django_assert_num_queries
):
    IncidentFactory.create_batch(5, reported_by=petugas, kecamatan=kecamatan)
    IncidentFactory(
        reported_by=petugas,
        kecamatan=kecamatan,
        status="ditolak",
        title="Kembali",
        rejection_reason="Lokasi?",
    )
    with CaptureQueriesContext(connection) as queries:
        own = my_reports(petugas)
    # The user's roles (read once per request), the counts from the tally, the returned
    # reports' ten newest from the reports.
    assert len(queries) == 3
    _roles_sql, counts_sql, returned_sql = (q["sql"] for q in queries.captured_queries)
    assert "incidents_incidentauthortally" in counts_sql
    assert "incidents_incident" not in counts_sql.replace("incidents_incidentauthortally", "")
    assert "incidents_incidentauthortally" not in returned_sql
    assert [r.title for r in own["returned"]] == ["Kembali"]

    IncidentFactory.create_batch(5, reported_by=petugas, kecamatan=kecamatan)
    with django_assert_num_queries(2):
        assert shown(petugas) == {"diajukan": 10, "ditolak": 1}


def test_the_recount_rebuilds_what_the_trigger_keeps(petugas, sekretariat, kecamatan):
    """The function `seed_bench` runs after a load written with the triggers off."""
    IncidentFactory.create_batch(3, reported_by=petugas, kecamatan=kecamatan)
    IncidentFactory(reported_by=sekretariat, kecamatan=kecamatan, status="draft")
    kept = tallied()
    IncidentAuthorTally.objects.update(count=99)
    with connection.cursor() as cursor:
        cursor.execute("SELECT incident_author_tally_rebuild()")
    assert tallied() == kept == counted()
