"""Reference numbers, the workflow, optimistic locking and trigger-kept history."""

from datetime import date

import pghistory
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from core.models import ActivityLog
from incidents import services
from incidents.models import Incident, Party
from tests.directory.test_geography import region_change
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db


def workflow_log(incident) -> list:
    """The report's workflow entries in the activity log: (action, status reached, actor)."""
    entries = ActivityLog.objects.for_object(incident).order_by("at", "pk")
    return [(e.action, e.data["to_status"], e.actor_id) for e in entries]


def new_incident(kecamatan, **fields):
    data = dict(
        kind="kejadian",
        title="Tawuran pelajar",
        chronology="Dua kelompok pelajar bentrok.",
        occurred_at=timezone.now(),
        information_source="bhabinkamtibmas",
        conflict_source="poleksosbud",
        aspect="keamanan",
        form="bentrokan",
        kecamatan=kecamatan,
    )
    data.update(fields)
    return Incident(**data)


def test_reference_numbers_count_up_per_year(petugas, kecamatan):
    year = timezone.localdate().year
    first = services.incident_create(incident=new_incident(kecamatan), parties=[], by=petugas)
    second = services.incident_create(incident=new_incident(kecamatan), parties=[], by=petugas)
    assert first.reference == f"PKS-{year}-0001"
    assert second.reference == f"PKS-{year}-0002"
    assert services.reference_next(year=2024) == "PKS-2024-0001"


def test_created_report_is_a_draft_with_a_timeline_entry(petugas, kecamatan):
    incident = services.incident_create(
        incident=new_incident(kecamatan),
        parties=[Party(name="Pelajar SMK A", party_type="pemuda", estimated_size=30)],
        by=petugas,
    )
    assert incident.status == "draft"
    assert incident.parties.get().estimated_size == 30
    assert workflow_log(incident) == [("incidents.report.create", "draft", petugas.pk)]


def test_submit_needs_a_party(petugas, kecamatan):
    incident = services.incident_create(incident=new_incident(kecamatan), parties=[], by=petugas)
    with pytest.raises(ValidationError, match="satu pihak"):
        services.incident_transition(incident=incident, by=petugas, action="submit")


def test_full_workflow_records_who_and_when(petugas, sekretariat, kecamatan):
    incident = services.incident_create(
        incident=new_incident(kecamatan),
        parties=[Party(name="A", party_type="warga")],
        by=petugas,
        submit=True,
    )
    assert incident.status == "diajukan"
    for action, extra in [
        ("verify", {}),
        ("handle", {}),
        ("resolve", {"resolution": "damai"}),
        ("close", {}),
    ]:
        incident = services.incident_transition(
            incident=incident, by=sekretariat, action=action, **extra
        )
    assert incident.status == "ditutup"
    assert incident.resolution == "damai"
    assert workflow_log(incident) == [
        ("incidents.report.create", "draft", petugas.pk),
        ("incidents.report.submit", "diajukan", petugas.pk),
        ("incidents.report.verify", "diverifikasi", sekretariat.pk),
        ("incidents.report.handle", "ditangani", sekretariat.pk),
        ("incidents.report.resolve", "selesai", sekretariat.pk),
        ("incidents.report.close", "ditutup", sekretariat.pk),
    ]


def test_nobody_verifies_their_own_report(sekretariat, kecamatan):
    incident = IncidentFactory(kecamatan=kecamatan, reported_by=sekretariat)
    with pytest.raises(PermissionDenied, match="pelapornya sendiri"):
        services.incident_transition(incident=incident, by=sekretariat, action="verify")
    incident.refresh_from_db()
    assert incident.status == "diajukan"


def test_field_officer_cannot_verify(petugas, petugas_unscoped, kecamatan):
    incident = IncidentFactory(kecamatan=kecamatan, reported_by=petugas_unscoped)
    with pytest.raises(PermissionDenied):
        services.incident_transition(incident=incident, by=petugas, action="verify")


def test_reject_needs_a_reason_and_keeps_it(petugas, sekretariat, kecamatan):
    incident = IncidentFactory(kecamatan=kecamatan, reported_by=petugas)
    with pytest.raises(ValidationError):
        services.incident_transition(incident=incident, by=sekretariat, action="reject", note=" ")
    incident = services.incident_transition(
        incident=incident, by=sekretariat, action="reject", note="Lokasi tidak jelas"
    )
    assert incident.status == "ditolak"
    assert incident.rejection_reason == "Lokasi tidak jelas"
    # The reporter corrects it and submits again.
    incident = services.incident_transition(incident=incident, by=petugas, action="submit")
    assert incident.status == "diajukan"


@pytest.mark.parametrize("action", ["publish", "", "delete", "verify"])
def test_unknown_or_out_of_order_actions_are_refused(action, sekretariat, petugas, kecamatan):
    incident = IncidentFactory(kecamatan=kecamatan, reported_by=petugas, status="ditutup")
    with pytest.raises((ValidationError, PermissionDenied)):
        services.incident_transition(incident=incident, by=sekretariat, action=action)


def test_resolution_must_be_a_known_choice(sekretariat, petugas, kecamatan):
    incident = IncidentFactory(kecamatan=kecamatan, reported_by=petugas, status="ditangani")
    with pytest.raises(ValidationError):
        services.incident_transition(
            incident=incident, by=sekretariat, action="resolve", resolution="dibiarkan"
        )


def test_risk_level_follows_likelihood_times_impact_even_on_bulk_update(petugas, kecamatan):
    # An event (kejadian): its risk assessment is optional, so it may also be cleared.
    incident = IncidentFactory(
        kecamatan=kecamatan, reported_by=petugas, kind="kejadian", likelihood=1, impact=3
    )
    expectations = [
        ((1, 3), "rendah"),
        ((2, 2), "sedang"),
        ((2, 3), "sedang"),
        ((2, 4), "tinggi"),
        ((3, 3), "tinggi"),
        ((3, 4), "sangat_tinggi"),
        ((4, 4), "sangat_tinggi"),
        ((None, None), None),
    ]
    for (likelihood, impact), level in expectations:
        Incident.objects.filter(pk=incident.pk).update(likelihood=likelihood, impact=impact)
        assert Incident.objects.get(pk=incident.pk).risk_level == level


def test_stale_edit_is_refused_and_says_what_changed(petugas, sekretariat, kecamatan):
    incident = IncidentFactory(kecamatan=kecamatan, reported_by=petugas)
    mine = Incident.objects.get(pk=incident.pk)
    theirs = Incident.objects.get(pk=incident.pk)
    version = mine.version

    theirs.title = "Judul dari sekretariat"
    services.incident_update(incident=theirs, expected_version=version, by=sekretariat)

    mine.address = "Balai desa"
    with pytest.raises(services.StaleEdit) as stale:
        services.incident_update(incident=mine, expected_version=version, by=petugas)
    changes = {str(label): (old, new) for label, old, new in stale.value.changes}
    assert changes["judul"][1] == "Judul dari sekretariat"
    assert stale.value.by == sekretariat
    saved = Incident.objects.get(pk=incident.pk)
    assert saved.title == "Judul dari sekretariat"
    assert saved.address == ""


def test_history_is_kept_by_triggers_for_raw_sql_too(petugas, sekretariat, kecamatan):
    incident = IncidentFactory(kecamatan=kecamatan, reported_by=petugas)
    with pghistory.context(user=sekretariat.pk), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE incidents_incident SET title = %s WHERE id = %s",
            ["Diubah lewat SQL", incident.pk],
        )
    from pghistory.models import Events

    events = list(Events.objects.references(incident).order_by("pgh_id"))
    last = [e for e in events if e.pgh_obj_model == "incidents.Incident"][-1]
    assert last.pgh_diff["title"] == [incident.title, "Diubah lewat SQL"]
    assert last.pgh_context["user"] == sekretariat.pk
    Party.objects.filter(incident=incident).update(estimated_size=99)
    assert any(
        e.pgh_obj_model == "incidents.Party" and e.pgh_label == "update"
        for e in Events.objects.references(incident)
    )


def test_step_moves_the_report_stage_and_needs_verified_report(
    sekretariat, petugas, kecamatan, agency
):
    from incidents.models import HandlingStep

    incident = IncidentFactory(kecamatan=kecamatan, reported_by=petugas)
    step = HandlingStep(
        date=date.today(),
        stage="penghentian",
        action_type="mediasi",
        description="Mediasi di balai desa",
    )
    with pytest.raises(PermissionDenied):
        services.step_add(incident=incident, step=step, by=sekretariat)
    Incident.objects.filter(pk=incident.pk).update(status="diverifikasi")
    incident.refresh_from_db()
    services.step_add(incident=incident, step=step, agencies=[agency], by=sekretariat)
    incident.refresh_from_db()
    assert incident.stage == "penghentian"
    assert list(incident.steps.get().agencies.all()) == [agency]


def test_an_event_keeps_no_risk_assessment(petugas, sekretariat, kecamatan):
    # Sent by the form's hidden risk fields: the event counted among the high risks.
    event = services.incident_create(
        incident=new_incident(kecamatan, likelihood=4, impact=4),
        parties=[Party(name="Pelajar SMK", party_type="warga")],
        by=petugas,
    )
    event.refresh_from_db()
    assert (event.likelihood, event.impact, event.risk_level) == (None, None, None)
    # A potential conflict that turned violent loses its risk assessment with its kind.
    potential = services.incident_create(
        incident=new_incident(kecamatan, kind="potensi", likelihood=4, impact=4),
        parties=[Party(name="Pemuda dusun", party_type="warga")],
        by=petugas,
    )
    potential.refresh_from_db()
    assert potential.risk_level == "sangat_tinggi"
    potential.kind = "kejadian"
    services.incident_update(incident=potential, expected_version=potential.version, by=petugas)
    potential.refresh_from_db()
    assert (potential.likelihood, potential.impact, potential.risk_level) == (None, None, None)


def test_a_desa_moved_to_another_kecamatan_takes_its_reports_along(
    client, admin_user, sekretariat, petugas_unscoped, desa, other_kecamatan
):
    report = services.incident_create(
        incident=new_incident(desa.parent, desa=desa),
        parties=[Party(name="Warga", party_type="warga")],
        by=petugas_unscoped,
        submit=True,
    )
    client.force_login(admin_user)
    moved = region_change(
        client, desa, code=f"{other_kecamatan.code}.2001", parent=other_kecamatan.pk
    )
    assert moved.status_code == 302

    report.refresh_from_db()
    assert report.kecamatan_id == other_kecamatan.pk
    # Its workflow goes on (it failed "Desa ini tidak berada di kecamatan yang dipilih").
    services.incident_transition(incident=report, by=sekretariat, action="verify")
    assert Incident.objects.get(pk=report.pk).status == "diverifikasi"
