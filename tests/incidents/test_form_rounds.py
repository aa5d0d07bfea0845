"""Every refusal of a report form comes in one round: the model's rules (Incident.clean() and its
constraints) answer with the form's own field checks, each message next to its field, and a
field shows one message. A field officer on a phone who sends a potential with a bad photo and
no risk assessment is told both at once, instead of fixing the photo, choosing the photos again,
and only then hearing about the risk assessment."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from incidents.models import ConflictStatus, Evidence, Incident
from tests.factories import IncidentFactory
from tests.helpers import field_errors, jpeg_upload
from tests.incidents.test_bad_input import (
    BAD_DATE,
    CONFLICT_STATUS_URL,
    CREATE_URL,
    HTML_PAGE,
    conflict_status_payload,
    valid_payload,
)
from tests.incidents.test_quick_report import quick_payload

pytestmark = pytest.mark.django_db

RISK_REQUIRED = "Wajib diisi untuk potensi konflik (penilaian risiko)."
REQUIRED = "Bidang ini tidak boleh kosong."
FAKE_PHOTO = "Isi berkas palsu.jpg tidak sesuai dengan jenisnya (.jpg). Unggah berkas asli."
NO_PARTY = "Tambahkan paling sedikit satu pihak yang terlibat."


def good_and_fake_photo():
    return [jpeg_upload("baik.jpg"), SimpleUploadedFile("palsu.jpg", HTML_PAGE, "image/jpeg")]


def without_parties(data):
    for key in [k for k in data if k.startswith(("parties-0-", "parties-1-"))]:
        data[key] = ""
    return data


def test_a_bad_photo_and_a_missing_risk_assessment_are_refused_in_one_round(
    client, petugas, kecamatan, desa, fast_and_isolated
):
    client.force_login(petugas)
    data = valid_payload(kecamatan, desa, likelihood="", impact="", files=good_and_fake_photo())
    response = client.post(CREATE_URL, data)
    assert response.status_code == 400
    errors = field_errors(response)
    assert errors["files"] == [FAKE_PHOTO]
    assert errors["likelihood"] == [RISK_REQUIRED]
    assert errors["impact"] == [RISK_REQUIRED]
    # The browser cannot keep the chosen files: the page names them, to be chosen again.
    assert 'data-testid="files-not-saved"' in response.content.decode()
    assert not Incident.objects.exists()
    assert not Evidence.objects.exists()


def test_missing_parties_and_classification_come_with_the_risk_assessment(
    client, petugas, kecamatan, desa
):
    client.force_login(petugas)
    data = without_parties(
        valid_payload(
            kecamatan, desa, likelihood="", impact="", conflict_source="", aspect="", form=""
        )
    )
    response = client.post(CREATE_URL, data)
    errors = field_errors(response)
    assert NO_PARTY in errors[None]
    assert errors["likelihood"] == [RISK_REQUIRED]
    assert errors["impact"] == [RISK_REQUIRED]
    for name in ("conflict_source", "aspect", "form"):
        assert errors[name] == [REQUIRED]


def test_an_empty_form_shows_one_message_per_field(client, petugas):
    client.force_login(petugas)
    errors = field_errors(client.post(CREATE_URL, {}))
    for name in ("title", "kind", "conflict_source", "aspect", "form"):
        assert errors[name] == [REQUIRED], name


@pytest.fixture
def quick_report(petugas, kecamatan, desa):
    """A quick report as "Lapor cepat" files it: submitted, unclassified, without risk and
    parties, to be completed through the full form."""
    return IncidentFactory(
        kecamatan=kecamatan,
        desa=desa,
        reported_by=petugas,
        needs_completion=True,
        conflict_source="",
        aspect="",
        form="",
        likelihood=None,
        impact=None,
        parties=[],
    )


def test_completing_a_quick_report_is_refused_in_one_round(
    client, petugas, kecamatan, desa, quick_report, fast_and_isolated
):
    client.force_login(petugas)
    data = valid_payload(
        kecamatan,
        desa,
        likelihood="",
        impact="",
        conflict_source="",
        version=quick_report.version,
        files=good_and_fake_photo(),
    )
    response = client.post(f"/laporan/{quick_report.pk}/ubah/", data)
    assert response.status_code == 400
    errors = field_errors(response)
    assert errors["files"] == [FAKE_PHOTO]
    assert errors["likelihood"] == [RISK_REQUIRED]
    assert errors["impact"] == [RISK_REQUIRED]
    assert errors["conflict_source"] == [REQUIRED]
    quick_report.refresh_from_db()
    assert quick_report.needs_completion
    # Sent again with everything filled in, it is completed.
    data = valid_payload(kecamatan, desa, version=quick_report.version)
    response = client.post(f"/laporan/{quick_report.pk}/ubah/", data)
    assert response.status_code == 302
    quick_report.refresh_from_db()
    assert not quick_report.needs_completion
    assert quick_report.risk_score == 6


def test_a_quick_report_s_day_and_photos_are_refused_in_one_round(
    client, petugas, desa, fast_and_isolated
):
    client.force_login(petugas)
    tomorrow = (timezone.localdate() + timedelta(days=1)).strftime("%d/%m/%Y")
    data = quick_payload(desa, occurred_at=tomorrow, files=good_and_fake_photo())
    response = client.post("/laporan/lapor-cepat/", data)
    assert response.status_code == 400
    errors = field_errors(response)
    assert errors["files"] == [FAKE_PHOTO]
    assert errors["occurred_at"] == ["Waktu kejadian tidak boleh di masa depan."]
    assert 'data-testid="files-not-saved"' in response.content.decode()
    assert not Incident.objects.exists()


def test_a_conflict_status_date_typed_wrong_shows_one_message(client, sekretariat):
    """An extension's date typed wrong was also "missing" to the model's rule on extensions."""
    client.force_login(sekretariat)
    data = conflict_status_payload(extension_decree_number="188/20/2026", extended_until="31/13")
    response = client.post(CONFLICT_STATUS_URL, data)
    assert response.status_code == 400
    assert field_errors(response)["extended_until"] == [BAD_DATE]
    assert not ConflictStatus.objects.exists()
