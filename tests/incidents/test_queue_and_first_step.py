"""The secretariat's queues at scale: "waiting since" is the report's own submission time (set
by the submit transition, again on a resubmission), and "awaiting a first step" is a flag the
database keeps from the handling steps, counted through the tally; both stay exactly what the
list shows."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents import services
from incidents.models import HandlingStep, Incident, IncidentTally
from incidents.selectors import awaiting_first_step, incident_summary, verification_queue
from tests.factories import HandlingStepFactory, IncidentFactory

pytestmark = pytest.mark.django_db


def test_submitting_stamps_the_time_and_a_resubmission_stamps_it_again(
    petugas, sekretariat, kecamatan
):
    report = IncidentFactory(kecamatan=kecamatan, reported_by=petugas, status="draft")
    assert report.submitted_at is None
    before = timezone.now()
    report = services.incident_transition(incident=report, by=petugas, action="submit")
    first = Incident.objects.get(pk=report.pk).submitted_at
    assert first >= before
    report = services.incident_transition(
        incident=report, by=sekretariat, action="reject", note="Lengkapi kronologi."
    )
    report = services.incident_transition(incident=report, by=petugas, action="submit")
    assert Incident.objects.get(pk=report.pk).submitted_at > first


def test_queue_is_longest_waiting_first_and_counts_exactly(
    client, petugas, sekretariat, kecamatan, other_kecamatan
):
    now = timezone.now()
    newest = IncidentFactory(kecamatan=kecamatan, reported_by=petugas, submitted_at=now)
    oldest = IncidentFactory(
        kecamatan=other_kecamatan, reported_by=petugas, submitted_at=now - timedelta(days=3)
    )
    middle = IncidentFactory(
        kecamatan=kecamatan, reported_by=petugas, submitted_at=now - timedelta(days=1)
    )
    IncidentFactory(kecamatan=kecamatan, reported_by=petugas, confidentiality="terbatas")
    IncidentFactory(kecamatan=kecamatan, reported_by=petugas, status="diverifikasi")
    items = verification_queue(sekretariat)
    assert [i.pk for i in items][:3] == [oldest.pk, middle.pk, newest.pk]
    client.force_login(sekretariat)
    count = incident_summary(sekretariat)["submitted"]
    assert count == 4 == client.get("/laporan/?status=diajukan").context["paginator"].count
    # The officer's own restricted report counts for its author, in their kecamatan only.
    items = verification_queue(petugas)
    assert incident_summary(petugas)["submitted"] == 3 == len(items)
    page = client.get("/").content.decode()
    assert "menunggu 3\xa0hari" in page


def _plain_awaiting(user):
    return (
        Incident.objects.visible_to(user)
        .filter(status__in=["diverifikasi", "ditangani"], steps__isnull=True)
        .count()
    )


def test_awaiting_first_step_follows_every_step_written_and_deleted(
    client, petugas, sekretariat, pimpinan, kecamatan
):
    people = [petugas, sekretariat, pimpinan]
    verified = IncidentFactory(kecamatan=kecamatan, reported_by=petugas, status="diverifikasi")
    IncidentFactory(
        kecamatan=kecamatan, reported_by=petugas, status="ditangani", confidentiality="terbatas"
    )
    IncidentFactory(kecamatan=kecamatan, reported_by=sekretariat, status="ditangani")
    for person in people:
        assert awaiting_first_step(person)[0] == _plain_awaiting(person), person
    assert awaiting_first_step(sekretariat)[0] == 3

    first = HandlingStepFactory(incident=verified, created_by=sekretariat)
    second = HandlingStepFactory(incident=verified, created_by=sekretariat)
    verified.refresh_from_db()
    assert verified.has_steps
    for person in people:
        assert awaiting_first_step(person)[0] == _plain_awaiting(person), person
    assert verified.pk not in [i.pk for i in awaiting_first_step(sekretariat)[1]]

    first.delete()
    verified.refresh_from_db()
    assert verified.has_steps  # one step left
    second.delete()
    verified.refresh_from_db()
    assert not verified.has_steps
    for person in people:
        assert awaiting_first_step(person)[0] == _plain_awaiting(person), person
    # The list's "no follow-up yet" filter shows the same reports.
    client.force_login(sekretariat)
    listed = client.get("/laporan/?status=diverifikasi&status=ditangani&has_steps=false")
    assert listed.context["paginator"].count == awaiting_first_step(sekretariat)[0]
    assert not IncidentTally.objects.filter(count__lt=0).exists()


def test_a_step_moved_to_another_report_moves_the_flag(sekretariat, kecamatan):
    one = IncidentFactory(kecamatan=kecamatan, reported_by=sekretariat, status="ditangani")
    other = IncidentFactory(kecamatan=kecamatan, reported_by=sekretariat, status="ditangani")
    step = HandlingStepFactory(incident=one, created_by=sekretariat)
    HandlingStep.objects.filter(pk=step.pk).update(incident=other)
    one.refresh_from_db()
    other.refresh_from_db()
    assert (one.has_steps, other.has_steps) == (False, True)


def test_queues_cost_the_same_however_many_reports(
    sekretariat, kecamatan, django_assert_num_queries
):
    IncidentFactory.create_batch(3, kecamatan=kecamatan, reported_by=sekretariat)
    verification_queue(sekretariat)  # the role check, cached on the user from here on
    # The queue: its ten rows. The first step: its ten rows, and the tally (the secretariat has
    # no author-only reports to add).
    with django_assert_num_queries(3):
        verification_queue(sekretariat)
        awaiting_first_step(sekretariat)
    IncidentFactory.create_batch(5, kecamatan=kecamatan, reported_by=sekretariat)
    with django_assert_num_queries(3):
        verification_queue(sekretariat)
        awaiting_first_step(sekretariat)
