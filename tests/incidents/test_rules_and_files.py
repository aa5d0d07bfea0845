"""A report's data rules live in the model (services refuse what the form refuses, the database
what slips past both); evidence files exist exactly for committed records; the reference-number
lock is taken after the uploads are checked."""

from datetime import date, timedelta

import psycopg
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone

from core.models import ActivityLog
from incidents import services
from incidents.models import Evidence, HandlingStep, Incident, Party
from tests.factories import IncidentFactory, RegionFactory, jpeg_bytes

pytestmark = pytest.mark.django_db

RISK_REQUIRED = "Wajib diisi untuk potensi konflik (penilaian risiko)."


def new_incident(kecamatan, **fields):
    data = dict(
        kind="kejadian",
        title="Tawuran pelajar",
        chronology="Dua kelompok pelajar bentrok.",
        occurred_at=timezone.now() - timedelta(hours=1),
        information_source="bhabinkamtibmas",
        conflict_source="poleksosbud",
        aspect="keamanan",
        form="bentrokan",
        kecamatan=kecamatan,
    )
    return Incident(**(data | fields))


def create(incident, by, files=()):
    return services.incident_create(
        incident=incident, parties=[Party(name="Pelajar", party_type="pemuda")], files=files, by=by
    )


def photo(name="foto.jpg"):
    return SimpleUploadedFile(name, jpeg_bytes(), content_type="image/jpeg")


def stored_files(media_root) -> list:
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"kind": "potensi"}, {"likelihood": [RISK_REQUIRED], "impact": [RISK_REQUIRED]}),
        ({"kind": "potensi", "likelihood": 2}, {"impact": [RISK_REQUIRED]}),
        (
            {"occurred_at": timezone.now() + timedelta(days=1)},
            {"occurred_at": ["Waktu kejadian tidak boleh di masa depan."]},
        ),
    ],
    ids=["potential-without-risk", "potential-without-impact", "future"],
)
def test_service_refuses_what_the_form_refuses_next_to_the_field(
    petugas, kecamatan, fields, errors
):
    with pytest.raises(ValidationError) as refused:
        create(new_incident(kecamatan, **fields), petugas)
    assert refused.value.message_dict == errors
    assert not Incident.objects.exists()


def test_desa_of_another_kecamatan_is_refused_by_the_service(
    petugas_unscoped, kecamatan, other_kecamatan
):
    elsewhere = RegionFactory(
        code="35.17.02.2001", name="Desa Lain", level="desa", parent=other_kecamatan
    )
    with pytest.raises(ValidationError) as refused:
        create(new_incident(kecamatan, desa=elsewhere), petugas_unscoped)
    assert refused.value.message_dict == {
        "desa": ["Desa ini tidak berada di kecamatan yang dipilih."]
    }


def test_database_refuses_a_potential_without_risk_and_a_resolution_without_resolving(
    petugas, kecamatan
):
    incident = IncidentFactory(kecamatan=kecamatan, reported_by=petugas)
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(impact=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(status="selesai")
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(resolution="damai")


def test_future_handling_step_is_refused_by_the_service(sekretariat, petugas, kecamatan):
    incident = IncidentFactory(kecamatan=kecamatan, reported_by=petugas, status="diverifikasi")
    step = HandlingStep(
        date=date.today() + timedelta(days=2),
        stage="pencegahan",
        action_type="mediasi",
        description="Mediasi",
    )
    with pytest.raises(ValidationError) as refused:
        services.step_add(incident=incident, step=step, by=sekretariat)
    assert refused.value.message_dict == {
        "date": ["Tanggal tindak lanjut tidak boleh di masa depan."]
    }


def test_workflow_entries_read_in_indonesian(petugas, sekretariat, kecamatan):
    incident = create(new_incident(kecamatan), petugas)
    services.incident_transition(incident=incident, by=petugas, action="submit")
    services.incident_transition(
        incident=incident, by=sekretariat, action="reject", note="Kronologi belum lengkap."
    )
    entry = ActivityLog.objects.for_object(incident).get(action="incidents.report.reject")
    assert entry.action_label == "Laporan ditolak"
    assert dict(entry.details) == {
        "status sebelumnya": "Diajukan",
        "status baru": "Ditolak",
        "catatan": "Kronologi belum lengkap.",
    }


# --- files ---------------------------------------------------------------------------------------


def test_file_is_written_only_when_the_report_commits(
    petugas, kecamatan, fast_and_isolated, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        incident = create(new_incident(kecamatan), petugas, files=[photo()])
        assert stored_files(fast_and_isolated) == []  # not before the commit
    [evidence] = incident.evidence.all()
    assert (fast_and_isolated / evidence.file.name).read_bytes() == jpeg_bytes()


def test_rolled_back_save_leaves_no_file(
    petugas, kecamatan, fast_and_isolated, django_capture_on_commit_callbacks
):
    incident = IncidentFactory(kecamatan=kecamatan, reported_by=petugas, status="draft")
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.evidence_attach(incident=incident, upload=photo(), by=petugas)
        raise RuntimeError("a later step of the same save fails")
    assert not Evidence.objects.exists()
    assert stored_files(fast_and_isolated) == []


def test_deleted_record_takes_its_file_along(
    petugas, kecamatan, fast_and_isolated, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        incident = create(new_incident(kecamatan), petugas, files=[photo(), photo("b.jpg")])
    assert len(stored_files(fast_and_isolated)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        incident.evidence.first().delete()
    assert len(stored_files(fast_and_isolated)) == 1
    # Removing the report removes the rest through the cascade.
    with django_capture_on_commit_callbacks(execute=True):
        Party.objects.filter(incident=incident).delete()
        incident.delete()
    assert stored_files(fast_and_isolated) == []


def test_reference_lock_is_taken_after_the_uploads_are_checked(petugas, kecamatan):
    """Another report holds this year's counter: a bad upload is refused at once, without
    waiting; a good one reaches the counter only after its file was read."""
    year = timezone.localdate().year
    other = psycopg.connect(**connection.get_connection_params())
    try:
        other.execute(
            "INSERT INTO incidents_referencecounter (year, last_number) VALUES (%s, 1) "
            "ON CONFLICT (year) DO UPDATE SET last_number = 2",
            [year],
        )
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '500ms'")
        fake = SimpleUploadedFile("foto.jpg", b"<html>bukan foto</html>", content_type="image/jpeg")
        with pytest.raises(ValidationError):
            create(new_incident(kecamatan), petugas, files=[fake])
        with pytest.raises(OperationalError, match="lock timeout"):
            create(new_incident(kecamatan), petugas, files=[photo()])
    finally:
        other.rollback()
        other.close()
    assert not Incident.objects.exists()
