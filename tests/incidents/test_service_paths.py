"""The report services' less travelled paths: an edit that removes a party and adds a photo, a
handling step with its evidence, refusals with their Indonesian messages, and the history that
names the kecamatan a report was moved from and to."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from incidents import services
from incidents.models import Evidence, HandlingStep, Incident, Party
from tests.factories import HandlingStepFactory, IncidentFactory, PartyFactory, jpeg_bytes

pytestmark = pytest.mark.django_db


def photo(name="foto-lokasi.jpg"):
    return SimpleUploadedFile(name, jpeg_bytes(), "image/jpeg")


def test_an_edit_removes_the_deleted_party_and_keeps_the_new_photo(petugas, kecamatan):
    report = IncidentFactory(
        kecamatan=kecamatan, reported_by=petugas, status="draft", parties=["Warga A", "Warga B"]
    )
    gone = report.parties.get(name="Warga B")
    elsewhere = PartyFactory()  # another report's party, slipped into the deleted list
    report.title = "Judul yang diperbaiki"

    saved = services.incident_update(
        incident=report,
        expected_version=report.version,
        by=petugas,
        parties=[],
        deleted_parties=[gone, elsewhere],
        files=[photo()],
    )

    assert Incident.objects.get(pk=saved.pk).title == "Judul yang diperbaiki"
    assert list(saved.parties.values_list("name", flat=True)) == ["Warga A"]
    assert Party.objects.filter(pk=elsewhere.pk).exists()
    assert Evidence.objects.get(incident=saved, step=None).original_name == "foto-lokasi.jpg"


def test_a_handling_step_keeps_its_evidence(sekretariat, petugas, kecamatan):
    report = IncidentFactory(kecamatan=kecamatan, reported_by=petugas, status="ditangani")
    step = HandlingStep(
        date=timezone.localdate(),
        stage="pencegahan",
        action_type="mediasi",
        description="Mediasi di balai desa.",
    )

    services.step_add(incident=report, step=step, files=[photo("notulen-foto.jpg")], by=sekretariat)

    assert Evidence.objects.get(step=step).original_name == "notulen-foto.jpg"


def test_leadership_cannot_create_a_report(pimpinan, kecamatan):
    report = Incident(title="Laporan", kecamatan=kecamatan)
    with pytest.raises(PermissionDenied, match="Anda tidak berwenang membuat laporan"):
        services.incident_create(incident=report, parties=[], by=pimpinan)
    assert not Incident.objects.exists()


def test_a_quick_report_needs_its_desa(petugas, kecamatan):
    with pytest.raises(ValidationError) as caught:
        services.incident_quick_report(
            incident=Incident(kind="kejadian", title="Keributan"), by=petugas
        )
    assert caught.value.message_dict == {"desa": ["Pilih desa/kelurahan."]}
    assert not Incident.objects.exists()


def test_the_history_names_the_kecamatan_before_and_after_a_move(
    client, sekretariat, petugas, kecamatan, other_kecamatan
):
    report = IncidentFactory(kecamatan=kecamatan, reported_by=petugas)
    report.kecamatan = other_kecamatan
    services.incident_update(incident=report, expected_version=report.version, by=sekretariat)

    client.force_login(sekretariat)
    page = client.get(f"/laporan/{report.pk}/").content.decode()

    history = page[page.index('data-testid="history"') :]
    assert "Diwek" in history and "Wonosalam" in history


def test_an_edit_read_before_a_step_was_added_keeps_the_report_handled(
    sekretariat, petugas, kecamatan
):
    report = IncidentFactory(kecamatan=kecamatan, reported_by=petugas)
    opened = Incident.objects.get(pk=report.pk)  # the edit form was read here
    HandlingStepFactory(incident=report, created_by=sekretariat)  # meanwhile, a first step
    opened.title = "Judul diperbaiki"
    services.incident_update(incident=opened, expected_version=opened.version, by=sekretariat)

    report.refresh_from_db()
    assert report.title == "Judul diperbaiki"
    assert report.has_steps  # not back among the reports awaiting a first step
