"""Concurrent submissions and edits, each thread on its own database connection."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from core import mixins
from core.models import ActivityLog
from directory.models import Agency
from incidents import services
from incidents.models import ConflictStatus, HandlingStep, Incident, Party
from incidents.selectors import awaiting_first_step
from tests.factories import AgencyFactory, HandlingStepFactory, IncidentFactory
from tests.helpers import field_errors, run_in_threads, submission_token
from tests.incidents.test_bad_input import (
    CONFLICT_STATUS_URL,
    conflict_status_payload,
    step_payload,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_fifty_parallel_submissions_get_fifty_distinct_references(petugas, kecamatan):
    def submit(index):
        incident = Incident(
            kind="potensi",
            title=f"Laporan paralel {index}",
            chronology="Uji serentak.",
            occurred_at=timezone.now(),
            information_source="masyarakat",
            conflict_source="poleksosbud",
            aspect="sosial_budaya",
            form="intimidasi",
            likelihood=2,
            impact=2,
            kecamatan=kecamatan,
        )
        party = Party(name=f"Pihak {index}", party_type="warga")
        return services.incident_create(
            incident=incident, parties=[party], by=petugas, submit=True
        ).reference

    references, errors = run_in_threads(50, submit)

    assert errors == []
    assert len(references) == 50
    assert len(set(references)) == 50
    year = timezone.localdate().year
    assert sorted(references) == [f"PKS-{year}-{n:04d}" for n in range(1, 51)]
    assert Incident.objects.filter(status="diajukan").count() == 50


def test_two_concurrent_edits_one_succeeds_one_is_refused(petugas, sekretariat, kecamatan):
    incident = IncidentFactory(kecamatan=kecamatan, reported_by=petugas)
    version = incident.version
    editors = [petugas, sekretariat]

    def edit(index):
        copy = Incident.objects.get(pk=incident.pk)
        copy.address = f"Alamat versi {index}"
        try:
            services.incident_update(incident=copy, expected_version=version, by=editors[index])
        except services.StaleEdit:
            return "refused"
        return "saved"

    outcomes, errors = run_in_threads(2, edit)

    assert errors == []
    assert sorted(outcomes) == ["refused", "saved"]
    saved = Incident.objects.get(pk=incident.pk)
    assert saved.version == version + 1
    assert saved.address in {"Alamat versi 0", "Alamat versi 1"}


def _waiting_on_a_lock() -> bool:
    """Whether some session is waiting for a lock another holds (pg_locks is read live, not
    from the transaction's snapshot)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0] > 0


def _overlapping(first, second):
    """`first()` and `second()` in two transactions on two connections, overlapping: the
    second starts once the first has run and before it commits; the first commits once the
    second has finished or is waiting for a lock the first holds. Returns the errors."""
    first_done, second_done, errors = threading.Event(), threading.Event(), []

    def run_first():
        try:
            with transaction.atomic():
                first()
                first_done.set()
                deadline = time.monotonic() + 20
                while not second_done.is_set() and not _waiting_on_a_lock():
                    assert time.monotonic() < deadline, "the second transaction never ran"
                    time.sleep(0.02)
        except Exception as error:  # asserted on by the caller
            errors.append(error)
        finally:
            first_done.set()
            connection.close()

    def run_second():
        try:
            first_done.wait(timeout=20)
            with transaction.atomic():
                second()
        except Exception as error:  # asserted on by the caller
            errors.append(error)
        finally:
            second_done.set()
            connection.close()

    threads = [threading.Thread(target=run_first), threading.Thread(target=run_second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_deleting_a_reports_last_two_steps_at_once_clears_its_flag(sekretariat, kecamatan):
    report = IncidentFactory(kecamatan=kecamatan, reported_by=sekretariat, status="ditangani")
    one, two = HandlingStepFactory.create_batch(2, incident=report, created_by=sekretariat)
    assert Incident.objects.get(pk=report.pk).has_steps

    errors = _overlapping(
        lambda: HandlingStep.objects.filter(pk=one.pk).delete(),
        lambda: HandlingStep.objects.filter(pk=two.pk).delete(),
    )

    assert errors == []
    assert not HandlingStep.objects.filter(incident=report).exists()
    report = Incident.objects.get(pk=report.pk)
    assert not report.has_steps
    # Back among the reports awaiting a first step, for the dashboard and the list alike.
    assert report.pk in [i.pk for i in awaiting_first_step(sekretariat)[1]]


def test_a_step_added_while_the_last_one_is_deleted_keeps_the_flag(sekretariat, kecamatan):
    report = IncidentFactory(kecamatan=kecamatan, reported_by=sekretariat, status="ditangani")
    old = HandlingStepFactory(incident=report, created_by=sekretariat)

    errors = _overlapping(
        lambda: HandlingStepFactory(incident=report, created_by=sekretariat),
        lambda: HandlingStep.objects.filter(pk=old.pk).delete(),
    )

    assert errors == []
    assert HandlingStep.objects.filter(incident=report).count() == 1
    assert Incident.objects.get(pk=report.pk).has_steps


def test_a_conflict_status_tapped_four_times_at_once_is_recorded_once_and_all_say_so(
    sekretariat,
):
    clients = [Client(raise_request_exception=False) for _ in range(4)]
    for client in clients:
        client.force_login(sekretariat)
    token = submission_token(clients[0].get(CONFLICT_STATUS_URL))
    data = {**conflict_status_payload(), "submission_token": token}

    answers, errors = run_in_threads(
        len(clients), lambda i: clients[i].post(CONFLICT_STATUS_URL, data)
    )

    assert errors == []
    # Not "this number is already recorded" for the taps after the first: that was theirs.
    assert [answer.status_code for answer in answers] == [302] * 4
    assert ConflictStatus.objects.filter(decree_number=data["decree_number"]).count() == 1


def test_a_conflict_status_sent_four_times_at_once_without_a_token_is_recorded_once(
    sekretariat,
):
    # A script, or a page from before the token: the database's unique number decides.
    clients = [Client(raise_request_exception=False) for _ in range(4)]
    for client in clients:
        client.force_login(sekretariat)
    data = conflict_status_payload()

    answers, errors = run_in_threads(
        len(clients), lambda i: clients[i].post(CONFLICT_STATUS_URL, data)
    )

    assert errors == []
    # One is saved; the others get the form again with the number refused next to its field.
    assert sorted(answer.status_code for answer in answers) == [302, 400, 400, 400]
    for answer in answers:
        if answer.status_code == 400:
            assert "Nomor keputusan ini sudah tercatat." in answer.content.decode()
    assert ConflictStatus.objects.filter(decree_number=data["decree_number"]).count() == 1


def test_a_handling_step_tapped_four_times_at_once_is_added_once(petugas, kecamatan):
    incident = IncidentFactory(kecamatan=kecamatan, reported_by=petugas, status="diverifikasi")
    url = f"/laporan/{incident.pk}/tindak-lanjut/"
    clients = [Client(raise_request_exception=False) for _ in range(4)]
    for client in clients:
        client.force_login(petugas)
    data = {**step_payload(), "submission_token": submission_token(clients[0].get(url))}

    answers, errors = run_in_threads(len(clients), lambda i: clients[i].post(url, data))

    assert errors == []
    assert [answer.status_code for answer in answers] == [302] * 4
    assert all(answer.url == incident.get_absolute_url() for answer in answers)
    assert HandlingStep.objects.filter(incident=incident).count() == 1
    # Sent again later (a resend after a lost answer): still one, and the user is told.
    again = clients[0].post(url, data, follow=True)
    assert "Formulir ini sudah terkirim sebelumnya" in again.content.decode()
    assert HandlingStep.objects.filter(incident=incident).count() == 1


def test_an_agency_deleted_while_a_step_naming_it_is_saved_is_refused_next_to_its_field(
    petugas, kecamatan, monkeypatch
):
    incident = IncidentFactory(kecamatan=kecamatan, reported_by=petugas, status="diverifikasi")
    agency = AgencyFactory(name="Instansi yang dihapus")
    url = f"/laporan/{incident.pk}/tindak-lanjut/"
    client = Client(raise_request_exception=False)
    client.force_login(petugas)
    real_step_add = services.step_add

    def deleted_meanwhile(**kwargs):
        # An administrator deletes the agency after the form was checked, before the step is
        # stored with it: the reference breaks when the step's transaction commits.
        run_in_threads(1, lambda _i: Agency.objects.filter(pk=agency.pk).delete())
        return real_step_add(**kwargs)

    monkeypatch.setattr(services, "step_add", deleted_meanwhile)
    data = {
        **step_payload(agencies=[agency.pk]),
        "submission_token": submission_token(client.get(url)),
    }

    answer = client.post(url, data)

    assert answer.status_code == 400
    assert field_errors(answer)["agencies"] == [
        f"Masukkan pilihan yang valid. {agency.pk} bukan salah satu dari pilihan yang tersedia."
    ]
    assert HandlingStep.objects.filter(incident=incident).count() == 0


def test_verify_pressed_four_times_at_once_is_done_once_and_each_answer_says_so(
    sekretariat, petugas, kecamatan
):
    report = IncidentFactory(kecamatan=kecamatan, reported_by=petugas)
    clients = [Client(raise_request_exception=False) for _ in range(4)]
    for client in clients:
        client.force_login(sekretariat)
    data = {"action": "verify", "version": report.version}

    answers, errors = run_in_threads(
        len(clients), lambda i: clients[i].post(f"/laporan/{report.pk}/status/", data)
    )

    assert errors == []
    assert [a.status_code for a in answers] == [302] * 4
    report.refresh_from_db()
    assert report.status == "diverifikasi" and report.version == data["version"] + 1
    assert (
        ActivityLog.objects.for_object(report).filter(action="incidents.report.verify").count() == 1
    )
    # Not "the report was just changed, check it and repeat": the person's own action did that.
    told = [
        [str(m) for m in client.get(report.get_absolute_url()).context["messages"]]
        for client in clients
    ]
    assert (
        sorted(told)
        == [["Status laporan kini: Diverifikasi."]]
        + [
            [
                "Tindakan ini sudah tercatat dan tidak dicatat dua kali. Status laporan kini: "
                "Diverifikasi."
            ]
        ]
        * 3
    )


def test_an_action_after_someone_else_s_is_still_refused_as_stale(sekretariat, petugas, kecamatan):
    report = IncidentFactory(kecamatan=kecamatan, reported_by=petugas)
    colleague = type(sekretariat).objects.create_user("sekretariat2")
    colleague.groups.set(sekretariat.groups.all())
    services.incident_transition(
        incident=report, by=colleague, action="verify", expected_version=report.version
    )
    client = Client()
    client.force_login(sekretariat)

    answer = client.post(
        f"/laporan/{report.pk}/status/",
        {"action": "verify", "version": report.version},
        follow=True,
    )

    assert "baru saja diubah" in answer.content.decode()


def test_verify_pressed_again_after_the_report_was_viewed_still_says_it_is_done(
    sekretariat, petugas, kecamatan
):
    # Opening the report logs a view of its parties; the second press must still be
    # recognised as the person's own, not as "the report was just changed".
    report = IncidentFactory(kecamatan=kecamatan, reported_by=petugas)
    client = Client()
    client.force_login(sekretariat)
    data = {"action": "verify", "version": report.version}
    client.post(f"/laporan/{report.pk}/status/", data, follow=True)
    assert (
        ActivityLog.objects.for_object(report)
        .exclude(action__startswith="incidents.report.")
        .exists()
    )

    again = client.post(f"/laporan/{report.pk}/status/", data, follow=True)

    assert [str(m) for m in again.context["messages"]] == [
        "Tindakan ini sudah tercatat dan tidak dicatat dua kali. Status laporan kini: Diverifikasi."
    ]


def test_a_tap_checked_before_the_other_committed_and_refused_after_is_told_it_went_through(
    sekretariat, monkeypatch
):
    # The race CI met: this tap's look for an earlier submission ran before the other tap
    # committed, its form's unique check after: "Nomor keputusan ini sudah tercatat" (400), by
    # the other tap. Reproduced in order: the look finds nothing once, as it did then.
    client = Client()
    client.force_login(sekretariat)
    token = submission_token(client.get(CONFLICT_STATUS_URL))
    data = {**conflict_status_payload(), "submission_token": token}
    assert client.post(CONFLICT_STATUS_URL, data).status_code == 302
    looks = []
    real_earlier = mixins.submission_earlier

    def too_early(**kwargs):
        looks.append(kwargs)
        return None if len(looks) == 1 else real_earlier(**kwargs)

    monkeypatch.setattr(mixins, "submission_earlier", too_early)

    again = client.post(CONFLICT_STATUS_URL, data, follow=True)

    assert again.redirect_chain[-1][1] == 302
    assert "Formulir ini sudah terkirim sebelumnya" in again.content.decode()
    assert ConflictStatus.objects.filter(decree_number=data["decree_number"]).count() == 1
