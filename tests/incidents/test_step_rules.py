"""Handling steps (issue 13 item 8): recorded by the secretariat, the report's author, or an
operator of an agency already handling the report; only the secretariat's step moves the report
to another stage. The service refuses the same people the pages refuse."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from accounts.choices import Role
from incidents import services
from incidents.models import HandlingStep, Incident, StepAgencyEvent, StepContactEvent
from tests.factories import AgencyFactory, ContactFactory, IncidentFactory, UserFactory

pytestmark = pytest.mark.django_db

STEP_BUTTON = "Tambah tindak lanjut"


@pytest.fixture
def dinsos(db):
    return AgencyFactory(name="Dinas Sosial", acronym="Dinsos")


@pytest.fixture
def polres(db):
    return AgencyFactory(name="Kepolisian Resor Jombang", acronym="Polres", kind="polri")


@pytest.fixture
def operator(roles, dinsos):
    return UserFactory(username="operator-dinsos", agency=dinsos, roles=[Role.PETUGAS])


@pytest.fixture
def other_operator(roles, polres):
    return UserFactory(username="operator-polres", agency=polres, roles=[Role.PETUGAS])


@pytest.fixture
def report(petugas, kecamatan):
    """Verified, by the scoped officer, in the prevention stage."""
    return IncidentFactory(
        kecamatan=kecamatan, reported_by=petugas, status="diverifikasi", stage="pencegahan"
    )


def new_step(stage="pencegahan"):
    return HandlingStep(
        date=timezone.localdate(),
        stage=stage,
        action_type="mediasi",
        description="Mediasi tokoh dua dusun di balai desa.",
    )


def step_payload(stage="pencegahan"):
    return {
        "date": timezone.localdate().isoformat(),
        "stage": stage,
        "action_type": "dialog",
        "description": "Dialog dengan pemuda kedua dusun.",
    }


def test_secretariat_step_moves_the_report_to_its_stage(sekretariat, report, dinsos):
    services.step_add(incident=report, step=new_step("penghentian"), by=sekretariat)
    report.refresh_from_db()
    assert report.stage == "penghentian"


def test_author_records_a_step_but_does_not_change_the_stage(client, petugas, report):
    client.force_login(petugas)
    assert STEP_BUTTON in client.get(f"/laporan/{report.pk}/").content.decode()
    response = client.post(f"/laporan/{report.pk}/tindak-lanjut/", step_payload("pemulihan"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.steps.get().stage == "pemulihan"
    assert report.stage == "pencegahan"


def test_operator_of_a_handling_agency_may_add_a_step(
    client, sekretariat, operator, other_operator, report, dinsos
):
    # Before any agency handles the report, an operator may not record steps on it.
    client.force_login(operator)
    assert client.get(f"/laporan/{report.pk}/tindak-lanjut/").status_code == 403
    services.step_add(incident=report, step=new_step(), agencies=[dinsos], by=sekretariat)

    page = client.get(f"/laporan/{report.pk}/").content.decode()
    assert STEP_BUTTON in page
    response = client.post(f"/laporan/{report.pk}/tindak-lanjut/", step_payload("penghentian"))
    assert response.status_code == 302
    assert report.steps.count() == 2
    report.refresh_from_db()
    assert report.stage == "pencegahan"

    # Polres took no part: its operator is refused, and so is the service called directly.
    client.force_login(other_operator)
    assert STEP_BUTTON not in client.get(f"/laporan/{report.pk}/").content.decode()
    response = client.post(f"/laporan/{report.pk}/tindak-lanjut/", step_payload())
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.step_add(incident=report, step=new_step(), by=other_operator)
    assert report.steps.count() == 2


def test_other_field_officers_and_leadership_may_not_add_steps(
    client, petugas_unscoped, pimpinan, admin_user, report
):
    for user in (petugas_unscoped, pimpinan, admin_user):
        client.force_login(user)
        assert STEP_BUTTON not in client.get(f"/laporan/{report.pk}/").content.decode()
        response = client.post(f"/laporan/{report.pk}/tindak-lanjut/", step_payload())
        assert response.status_code == 403, user
        with pytest.raises(PermissionDenied):
            services.step_add(incident=report, step=new_step(), by=user)
    assert not report.steps.exists()


@pytest.mark.parametrize("status", ["draft", "diajukan", "ditolak", "ditutup"])
def test_nobody_adds_steps_before_verification_or_after_closing(
    petugas, sekretariat, kecamatan, status
):
    report = IncidentFactory(
        kecamatan=kecamatan,
        reported_by=petugas,
        status=status,
        rejection_reason="Lokasi tidak jelas." if status == "ditolak" else "",
    )
    for user in (petugas, sekretariat):
        with pytest.raises(PermissionDenied):
            services.step_add(incident=report, step=new_step(), by=user)


def test_the_agencies_and_leaders_of_a_step_are_history_with_the_actor(sekretariat, report, dinsos):
    leader = ContactFactory()

    step = services.step_add(
        incident=report, step=new_step(), agencies=[dinsos], contacts=[leader], by=sekretariat
    )

    agency_events = StepAgencyEvent.objects.filter(handlingstep=step)
    contact_events = StepContactEvent.objects.filter(handlingstep=step)
    assert [(e.pgh_label, e.agency_id, e.pgh_context.metadata["user"]) for e in agency_events] == [
        ("insert", dinsos.pk, sekretariat.pk)
    ]
    assert [(e.pgh_label, e.contact_id) for e in contact_events] == [("insert", leader.pk)]


def test_a_step_is_refused_on_a_report_closed_after_the_form_was_read(sekretariat, report):
    as_read = Incident.objects.get(pk=report.pk)  # verified when the form was opened
    Incident.objects.filter(pk=report.pk).update(status="ditutup", resolution="damai")
    with pytest.raises(PermissionDenied):
        services.step_add(incident=as_read, step=new_step(), by=sekretariat)
    assert not HandlingStep.objects.filter(incident=report).exists()
