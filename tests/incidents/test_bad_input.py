"""Bad input on the report, handling-step and conflict-status forms, and on the workflow.

Each refusal must be a 400 with a message in Indonesian right under the field concerned, save
nothing, keep what else the user typed, and never be a 500. Every test starts from a payload
that is first proven valid, and breaks exactly one thing.
"""

import html
import re
from datetime import date, datetime, time, timedelta
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.models import ActivityLog
from directory.choices import RegionLevel
from incidents import services
from incidents.models import ConflictStatus, Evidence, HandlingStep, Incident, Party
from tests.factories import (
    ContactFactory,
    HandlingStepFactory,
    IncidentFactory,
    RegionFactory,
    jpeg_bytes,
)
from tests.helpers import assert_field_error, field_errors, jpeg_upload, local_input

BAD_DATE = "Tanggal tidak valid; gunakan format HH/BB/TTTT."
pytestmark = pytest.mark.django_db

CREATE_URL = "/laporan/baru/"
NOT_SAVED = "Laporan belum tersimpan. Periksa isian yang ditandai."
TITLE = "Ketegangan antarperguruan silat di Ceweng"
CHRONOLOGY = "Dua perguruan silat saling tantang di media sosial menjelang pengesahan warga baru."
ADDRESS = "Lapangan Desa Ceweng"
PARTY = "Perguruan Silat Sinar Timur"


# --- the report form ----------------------------------------------------------------------------


def valid_payload(kecamatan, desa, /, **changes):
    """A complete report as the intake form posts it: two parties, submitted at once."""
    data = {
        "kind": "potensi",
        "title": TITLE,
        "chronology": CHRONOLOGY,
        "occurred_at": local_input(timezone.now() - timedelta(days=1)),
        "occurred_precision": "hari",
        "information_source": "bhabinkamtibmas",
        "kecamatan": kecamatan.pk,
        "desa": desa.pk,
        "address": ADDRESS,
        "latitude": "",
        "longitude": "",
        "location_precision": "desa",
        "conflict_source": "poleksosbud",
        "aspect": "keamanan",
        "form": "intimidasi",
        "likelihood": "3",
        "impact": "2",
        "killed": "",
        "injured": "0",
        "displaced": "",
        "houses_damaged": "",
        "public_facilities_damaged": "",
        "worship_places_damaged": "",
        "loss_rupiah": "",
        "stage": "pencegahan",
        "confidentiality": "internal",
        "conflict_status": "",
        "parties-TOTAL_FORMS": "2",
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "0",
        "parties-MAX_NUM_FORMS": "1000",
        "parties-0-name": PARTY,
        "parties-0-party_type": "ormas",
        "parties-0-estimated_size": "40",
        "parties-1-name": "Perguruan Silat Bayu Kencana",
        "parties-1-party_type": "ormas",
        "parties-1-estimated_size": "",
        "submit": "1",
    }
    data.update(changes)
    return data


@pytest.fixture
def payload(kecamatan, desa):
    def make(**changes):
        return valid_payload(kecamatan, desa, **changes)

    return make


@pytest.fixture
def as_petugas(client, petugas):
    client.force_login(petugas)
    return client


def assert_nothing_saved(media_root=None):
    assert Incident.objects.count() == 0
    assert Party.objects.count() == 0
    assert not ActivityLog.objects.filter(action__startswith="incidents.report.").exists()
    assert Evidence.objects.count() == 0
    if media_root is not None:
        stored = [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []
        assert stored == []


def assert_typed_values_kept(response, *, broken=()):
    """What the user typed in the other fields is still in the form."""
    html = response.content.decode()
    assert NOT_SAVED in html
    if "title" not in broken:
        assert f'value="{TITLE}"' in html
    if "chronology" not in broken:
        assert CHRONOLOGY in html
    if "address" not in broken:
        assert f'value="{ADDRESS}"' in html
    if "parties" not in broken:
        assert f'value="{PARTY}"' in html


def test_valid_payload_creates_one_submitted_report(as_petugas, petugas, payload, desa):
    response = as_petugas.post(CREATE_URL, payload())
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert response.url == f"/laporan/{incident.pk}/"
    assert incident.status == "diajukan"
    assert incident.reference == f"PKS-{timezone.localdate().year}-0001"
    assert incident.reported_by == petugas
    assert incident.desa == desa
    assert incident.injured == 0
    assert incident.killed is None  # left empty: unknown, not zero
    assert sorted(incident.parties.values_list("name", flat=True)) == [
        "Perguruan Silat Bayu Kencana",
        PARTY,
    ]
    page = as_petugas.get(response.url).content.decode()
    assert f"Laporan {incident.reference} diajukan untuk diverifikasi." in page


def test_valid_payload_saved_as_draft(as_petugas, payload):
    data = payload(draft="1")
    del data["submit"]
    response = as_petugas.post(CREATE_URL, data)
    assert response.status_code == 302
    assert Incident.objects.get().status == "draft"


def test_phone_clock_a_few_minutes_ahead_is_accepted(as_petugas, payload):
    ahead = local_input(timezone.now() + timedelta(minutes=5))
    response = as_petugas.post(CREATE_URL, payload(occurred_at=ahead))
    assert response.status_code == 302
    assert Incident.objects.count() == 1


def test_occurred_at_is_read_as_jakarta_time(as_petugas, payload):
    response = as_petugas.post(CREATE_URL, payload(occurred_at="2025-08-17T07:30"))
    assert response.status_code == 302
    occurred = Incident.objects.get().occurred_at
    assert timezone.localtime(occurred).strftime("%Y-%m-%d %H:%M %Z") == "2025-08-17 07:30 WIB"


BAD_FIELDS = [
    # id, changes, field, message shown under the field
    (
        "future-occurrence",
        {"occurred_at": local_input(timezone.now() + timedelta(days=1))},
        "occurred_at",
        "Waktu kejadian tidak boleh di masa depan.",
    ),
    (
        "occurrence-not-a-date",
        {"occurred_at": "kemarin sore"},
        "occurred_at",
        "Waktu tidak valid; gunakan format HH/BB/TTTT JJ:MM.",
    ),
    (
        "negative-killed",
        {"killed": "-1"},
        "killed",
        "Pastikan nilai ini lebih besar dari atau sama dengan 0.",
    ),
    (
        "negative-loss",
        {"loss_rupiah": "-500000"},
        "loss_rupiah",
        "Jumlah rupiah tidak boleh negatif.",
    ),
    ("count-in-words", {"injured": "banyak"}, "injured", "Masukkan keseluruhan angka bilangan."),
    (
        "count-beyond-integer",
        {"displaced": "3000000000"},
        "displaced",
        "Pastikan nilai ini lebih kecil dari atau sama dengan",
    ),
    (
        "missing-likelihood",
        {"likelihood": ""},
        "likelihood",
        "Wajib diisi untuk potensi konflik (penilaian risiko).",
    ),
    (
        "missing-impact",
        {"impact": ""},
        "impact",
        "Wajib diisi untuk potensi konflik (penilaian risiko).",
    ),
    (
        "likelihood-not-offered",
        {"likelihood": "9"},
        "likelihood",
        "Masukkan pilihan yang valid. 9 bukan salah satu dari pilihan yang tersedia.",
    ),
    (
        "form-not-offered",
        {"form": "xyz"},
        "form",
        "Masukkan pilihan yang valid. xyz bukan salah satu dari pilihan yang tersedia.",
    ),
    (
        "confidentiality-not-offered",
        {"confidentiality": "rahasia"},
        "confidentiality",
        "Masukkan pilihan yang valid. rahasia bukan salah satu dari pilihan yang tersedia.",
    ),
    (
        "kind-not-offered",
        {"kind": "kerusuhan"},
        "kind",
        "Masukkan pilihan yang valid. kerusuhan bukan salah satu dari pilihan yang tersedia.",
    ),
    (
        "huge-title",
        {"title": "T" * 5000},
        "title",
        "Pastikan nilai ini mengandung paling banyak 200 karakter (sekarang 5000 karakter).",
    ),
    (
        "huge-chronology",
        {"chronology": "K" * 30000},
        "chronology",
        "Pastikan nilai ini mengandung paling banyak 20000 karakter (sekarang 30000 karakter).",
    ),
    ("empty-title", {"title": "   "}, "title", "Bidang ini tidak boleh kosong."),
    ("nul-in-chronology", {"chronology": "awal\x00akhir"}, "chronology", "Karakter null"),
    (
        "latitude-without-longitude",
        {"latitude": "-7.5861"},
        "longitude",
        "Isi lintang dan bujur bersama-sama.",
    ),
    (
        "longitude-without-latitude",
        {"longitude": "112.2309"},
        "latitude",
        "Isi lintang dan bujur bersama-sama.",
    ),
    (
        "latitude-off-the-globe",
        {"latitude": "95", "longitude": "112.2309"},
        "latitude",
        "Pastikan nilai ini lebih kecil dari atau sama dengan 90.",
    ),
    (
        # The marker landed in the South China Sea.
        "latitude-without-its-minus-sign",
        {"latitude": "7.55", "longitude": "112.23"},
        "latitude",
        "Lintang di Kabupaten Jombang bernilai negatif (contoh -7,55): tanda minus mungkin "
        "terlewat.",
    ),
    (
        "point-outside-the-regency",
        {"latitude": "-6.2", "longitude": "106.8"},
        "latitude",
        "Titik ini berada di luar Kabupaten Jombang (lintang -8,00 sampai -7,10, bujur 111,80 "
        "sampai 112,70). Periksa lintang dan bujurnya.",
    ),
    (
        "latitude-not-a-number",
        {"latitude": "tujuh", "longitude": "112.2309"},
        "latitude",
        "Masukkan sebuah bilangan.",
    ),
    (
        "negative-party-size",
        {"parties-0-estimated_size": "-5"},
        "estimated_size",
        "Pastikan nilai ini lebih besar dari atau sama dengan 0.",
    ),
    (
        "party-type-not-offered",
        {"parties-0-party_type": "teroris"},
        "party_type",
        "Masukkan pilihan yang valid. teroris bukan salah satu dari pilihan yang tersedia.",
    ),
]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [case[1:] for case in BAD_FIELDS],
    ids=[case[0] for case in BAD_FIELDS],
)
def test_bad_field_is_refused_next_to_it(as_petugas, payload, changes, field, message):
    response = as_petugas.post(CREATE_URL, payload(**changes))
    assert_field_error(response, field, message)
    assert_nothing_saved()
    assert_typed_values_kept(response, broken={field})


def test_desa_outside_the_chosen_kecamatan(
    client, petugas_unscoped, payload, kecamatan, other_kecamatan
):
    elsewhere = RegionFactory(
        code="35.17.05.2003", name="Carangwulung", level=RegionLevel.DESA, parent=other_kecamatan
    )
    client.force_login(petugas_unscoped)
    response = client.post(CREATE_URL, payload(kecamatan=kecamatan.pk, desa=elsewhere.pk))
    assert_field_error(response, "desa", "Masukkan pilihan yang valid.")
    assert_nothing_saved()
    assert_typed_values_kept(response)


def test_kecamatan_outside_the_officers_scope(as_petugas, payload, other_kecamatan):
    response = as_petugas.post(CREATE_URL, payload(kecamatan=other_kecamatan.pk, desa=""))
    assert_field_error(response, "kecamatan", "Masukkan pilihan yang valid.")
    assert_nothing_saved()
    assert_typed_values_kept(response)


def test_unknown_conflict_status_id(as_petugas, payload):
    response = as_petugas.post(CREATE_URL, payload(conflict_status="999999"))
    assert_field_error(response, "conflict_status", "Masukkan pilihan yang valid.")
    assert_nothing_saved()


@pytest.mark.parametrize("total", ["1", "0"])
def test_report_without_any_party(as_petugas, payload, total):
    data = payload(**{"parties-TOTAL_FORMS": total})
    for key in [k for k in data if k.startswith(("parties-0-", "parties-1-"))]:
        data[key] = ""
    response = as_petugas.post(CREATE_URL, data)
    assert response.status_code == 400
    assert "Tambahkan paling sedikit satu pihak yang terlibat." in response.content.decode()
    assert 'data-testid="parties-error"' in response.content.decode()
    assert_nothing_saved()
    assert_typed_values_kept(response, broken={"parties"})


def test_tampered_parties_management_form_is_a_400_not_a_crash(as_petugas, payload):
    data = payload()
    del data["parties-TOTAL_FORMS"]
    del data["parties-INITIAL_FORMS"]
    response = as_petugas.post(CREATE_URL, data)
    assert response.status_code == 400
    # Django replaces the management-form error with the formset's own clean() error, so the
    # message is the "no party" one; what matters is a readable 400 instead of a crash.
    assert 'data-testid="parties-error"' in response.content.decode()
    assert_nothing_saved()
    assert_typed_values_kept(response, broken={"parties"})


def test_too_many_parties(as_petugas, payload):
    data = payload(**{"parties-TOTAL_FORMS": "31"})
    for index in range(31):
        data[f"parties-{index}-name"] = f"Kelompok {index}"
        data[f"parties-{index}-party_type"] = "warga"
    response = as_petugas.post(CREATE_URL, data)
    assert response.status_code == 400
    assert "Harap ajukan paling banyak 30 formulir." in response.content.decode()
    assert_nothing_saved()


@pytest.mark.parametrize(
    "button",
    [
        "submit",
        "draft",
    ],
)
def test_occurrence_in_year_one_is_refused_not_a_crash(as_petugas, payload, button):
    """A mistyped year must be answered with a message, not stored: every page reading the
    report back would fail."""
    data = payload(occurred_at="0001-01-01T00:00")
    del data["submit"]
    data[button] = "1"
    response = as_petugas.post(CREATE_URL, data)
    assert response.status_code == 400
    assert field_errors(response).get("occurred_at"), field_errors(response)
    assert_nothing_saved()


# --- evidence files -----------------------------------------------------------------------------


def jpeg(name="foto.jpg", content=None):
    return jpeg_upload(name, content)


HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"
TEN_MB = 10 * 1024 * 1024

BAD_FILES = [
    # id, the upload, message under the files field
    (
        "oversized",
        lambda: jpeg("foto-besar.jpg", b"\xff\xd8\xff" + b"\0" * TEN_MB),
        # (the non-breaking spaces of filesizeformat are read as plain spaces)
        "Berkas foto-besar.jpg terlalu besar (10,0 MB): paling besar 10 MB per berkas.",
    ),
    (
        "html-named-jpg",
        lambda: SimpleUploadedFile("foto.jpg", HTML_PAGE, "image/jpeg"),
        "Isi berkas foto.jpg tidak sesuai dengan jenisnya (.jpg). Unggah berkas asli.",
    ),
    (
        "executable",
        lambda: SimpleUploadedFile("pembaruan.exe", b"MZ\x90\x00" + b"\0" * 64, "image/jpeg"),
        "Jenis berkas pembaruan.exe tidak diterima. Gunakan JPEG, PNG, PDF, DOCX, XLSX.",
    ),
    (
        "no-extension",
        lambda: SimpleUploadedFile("foto", jpeg_bytes(), "image/jpeg"),
        "Jenis berkas foto tidak diterima.",
    ),
    (
        "fake-docx",
        lambda: SimpleUploadedFile("notulen.docx", b"PK\x03\x04 bukan zip", "application/zip"),
        "Isi berkas notulen.docx tidak sesuai dengan jenisnya (.docx).",
    ),
]


@pytest.mark.parametrize(
    ("make_upload", "message"),
    [case[1:] for case in BAD_FILES],
    ids=[case[0] for case in BAD_FILES],
)
def test_bad_evidence_file_on_the_report(
    as_petugas, payload, fast_and_isolated, make_upload, message
):
    response = as_petugas.post(CREATE_URL, payload(files=[jpeg("foto-baik.jpg"), make_upload()]))
    assert_field_error(response, "files", message)
    # The good photo sent along is not stored either.
    assert_nothing_saved(media_root=fast_and_isolated)
    assert_typed_values_kept(response)


def test_good_evidence_file_is_stored(
    as_petugas, payload, fast_and_isolated, django_capture_on_commit_callbacks
):
    """The counterpart of the file refusals: the same form with a real photo saves it (the
    file is written once the save has committed)."""
    with django_capture_on_commit_callbacks(execute=True):
        response = as_petugas.post(CREATE_URL, payload(files=[jpeg("foto-lokasi.jpg")]))
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.original_name == "foto-lokasi.jpg"
    assert evidence.content_type == "image/jpeg"
    assert len([p for p in fast_and_isolated.rglob("*") if p.is_file()]) == 1


def test_more_than_ten_files(as_petugas, payload, fast_and_isolated):
    files = [jpeg(f"foto-{n}.jpg") for n in range(11)]
    response = as_petugas.post(CREATE_URL, payload(files=files))
    assert_field_error(response, "files", "Paling banyak 10 berkas sekali simpan.")
    assert_nothing_saved(media_root=fast_and_isolated)


# --- editing a report ---------------------------------------------------------------------------


def edit_payload(incident, **changes):
    return {**edit_payload_of(incident, incident.parties.get()), **changes}


def edit_payload_of(incident, party):
    data = {
        "version": incident.version,
        "kind": incident.kind,
        "title": incident.title,
        "chronology": incident.chronology,
        "occurred_at": local_input(incident.occurred_at),
        "occurred_precision": incident.occurred_precision,
        "information_source": incident.information_source,
        "kecamatan": incident.kecamatan_id,
        "desa": "",
        "address": ADDRESS,
        "latitude": "",
        "longitude": "",
        "location_precision": incident.location_precision,
        "conflict_source": incident.conflict_source,
        "aspect": incident.aspect,
        "form": incident.form,
        "likelihood": incident.likelihood,
        "impact": incident.impact,
        "stage": incident.stage,
        "confidentiality": incident.confidentiality,
        "conflict_status": "",
        "parties-TOTAL_FORMS": "1",
        "parties-INITIAL_FORMS": "1",
        "parties-MIN_NUM_FORMS": "0",
        "parties-MAX_NUM_FORMS": "1000",
        "parties-0-id": party.pk,
        "parties-0-name": party.name,
        "parties-0-party_type": party.party_type,
        "parties-0-estimated_size": "",
    }
    return data


@pytest.fixture
def own_report(petugas, kecamatan):
    return IncidentFactory(kecamatan=kecamatan, reported_by=petugas, title=TITLE)


def two_party_payload(incident, **changes):
    """The edit form of a report with two parties, as the browser sends it back."""
    first, second = incident.parties.order_by("pk")
    data = edit_payload_of(incident, first)
    data.update(
        {
            "parties-TOTAL_FORMS": "2",
            "parties-INITIAL_FORMS": "2",
            "parties-1-id": second.pk,
            "parties-1-name": second.name,
            "parties-1-party_type": second.party_type,
            "parties-1-estimated_size": "",
        }
    )
    data.update(changes)
    return data


def test_a_party_deleted_by_a_colleague_meanwhile_is_said_and_the_edit_can_be_saved(
    as_petugas, petugas, kecamatan
):
    # The other form sent the deleted party's id: refused as an invalid choice on a hidden
    # field, with nothing marked on the page, on every resend; only a reload (losing the
    # typing) got out.
    report = IncidentFactory(
        kecamatan=kecamatan, reported_by=petugas, title=TITLE, parties=["Pihak Satu", "Pihak Dua"]
    )
    url = f"/laporan/{report.pk}/ubah/"
    mine = two_party_payload(report, title="Judul saya")
    colleague = two_party_payload(report, **{"parties-1-DELETE": "on"})
    assert as_petugas.post(url, colleague).status_code == 302

    response = as_petugas.post(url, mine)

    assert response.status_code == 400
    page = " ".join(html.unescape(response.content.decode()).split())
    assert 'data-testid="stale-edit"' in page
    assert "<strong>Pihak</strong>: Pihak Dua → dihapus" in page
    assert 'value="Judul saya"' in page and 'value="Pihak Dua"' in page
    # Sent again knowingly without that party, it saves.
    report.refresh_from_db()
    shown = response.context["parties"]
    assert (shown.initial_form_count(), shown.total_form_count()) == (1, 2)
    again = {
        **mine,
        "version": report.version,
        "parties-INITIAL_FORMS": "1",
        "parties-1-id": "",
        "parties-1-DELETE": "on",
    }
    assert as_petugas.post(url, again).status_code == 302
    report.refresh_from_db()
    assert report.title == "Judul saya"
    assert list(report.parties.values_list("name", flat=True)) == ["Pihak Satu"]


def test_an_edit_form_opened_before_a_party_was_anonymised_does_not_bring_the_name_back(
    as_petugas, own_report, admin_user
):
    # The version did not move with the anonymisation: the form, still showing the name, was
    # saved over it and the erased name was stored again.
    typed = edit_payload(own_report, killed="2")
    party = own_report.parties.get()
    services.party_anonymise(parties=[party], by=admin_user, ip=None)
    url = f"/laporan/{own_report.pk}/ubah/"

    response = as_petugas.post(url, typed)

    assert response.status_code == 400
    assert 'data-testid="stale-edit"' in response.content.decode()
    party.refresh_from_db()
    assert party.name == f"Anonim #{party.pk}"
    # Sent again knowingly (the newer version), the edit saves and the name stays erased.
    own_report.refresh_from_db()
    assert as_petugas.post(url, {**typed, "version": own_report.version}).status_code == 302
    party.refresh_from_db()
    own_report.refresh_from_db()
    assert party.name == f"Anonim #{party.pk}" and own_report.killed == 2
    assert not Party.pgh_event_model.objects.filter(pgh_obj=party, name=typed["parties-0-name"])


def test_a_quick_report_completed_reads_ya_tidak_in_the_history(
    as_petugas, own_report, client, sekretariat
):
    # The history showed the flag as "Perlu dilengkapi: True → False", in English.
    Incident.objects.filter(pk=own_report.pk).update(needs_completion=True)
    own_report.refresh_from_db()
    url = f"/laporan/{own_report.pk}/ubah/"
    assert as_petugas.post(url, edit_payload(own_report)).status_code == 302
    client.force_login(sekretariat)

    page = client.get(f"/laporan/{own_report.pk}/").content.decode()

    history = " ".join(page.split('data-testid="history"')[1].split())
    assert "Perlu dilengkapi: Ya → Tidak" in history
    assert "True" not in history and "False" not in history


def test_the_history_shows_numbers_as_the_pages_do(as_petugas, own_report, client, sekretariat):
    # "Kerugian (Rp): 1250000 → 1500000" and "Lintang: -7.556000" read like raw data.
    Incident.objects.filter(pk=own_report.pk).update(loss_rupiah=1_250_000, latitude=None)
    own_report.refresh_from_db()
    payload = edit_payload(own_report, loss_rupiah="1500000", latitude="-7.556", longitude="112.2")
    assert as_petugas.post(f"/laporan/{own_report.pk}/ubah/", payload).status_code == 302
    client.force_login(sekretariat)

    page = client.get(f"/laporan/{own_report.pk}/").content.decode()

    history = " ".join(page.split('data-testid="history"')[1].split())
    assert "Rp 1.250.000 → Rp 1.500.000" in history
    assert "— → -7,556" in history


def test_valid_edit_payload_saves(as_petugas, own_report):
    response = as_petugas.post(
        f"/laporan/{own_report.pk}/ubah/", edit_payload(own_report, killed="2")
    )
    assert response.status_code == 302
    own_report.refresh_from_db()
    assert own_report.killed == 2
    assert own_report.version == 2


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"occurred_at": local_input(timezone.now() + timedelta(days=3))},
            "occurred_at",
            "tidak boleh di masa depan",
        ),
        ({"killed": "-1"}, "killed", "lebih besar dari atau sama dengan 0"),
        ({"confidentiality": "rahasia"}, "confidentiality", "rahasia bukan salah satu"),
        ({"title": "J" * 5000}, "title", "paling banyak 200 karakter"),
    ],
    ids=["future", "negative", "confidentiality", "huge-title"],
)
def test_bad_edit_changes_nothing(as_petugas, own_report, changes, field, message):
    before = Incident.objects.values().get(pk=own_report.pk)
    response = as_petugas.post(
        f"/laporan/{own_report.pk}/ubah/", edit_payload(own_report, **changes)
    )
    assert_field_error(response, field, message)
    assert Incident.objects.values().get(pk=own_report.pk) == before
    assert f'value="{ADDRESS}"' in response.content.decode()


def test_edit_moving_report_out_of_the_officers_kecamatan(as_petugas, own_report, other_kecamatan):
    response = as_petugas.post(
        f"/laporan/{own_report.pk}/ubah/", edit_payload(own_report, kecamatan=other_kecamatan.pk)
    )
    assert_field_error(response, "kecamatan", "Masukkan pilihan yang valid.")
    own_report.refresh_from_db()
    assert own_report.kecamatan_id != other_kecamatan.pk


def test_edit_cannot_take_over_a_party_of_another_report(
    as_petugas, own_report, sekretariat, other_kecamatan
):
    other = IncidentFactory(
        kecamatan=other_kecamatan, reported_by=sekretariat, parties=["Kelompok Rahasia"]
    )
    foreign = other.parties.get()
    data = edit_payload(own_report, **{"parties-0-id": foreign.pk, "parties-0-name": "Diambil"})
    response = as_petugas.post(f"/laporan/{own_report.pk}/ubah/", data)
    # Django's inline formset ignores an id outside the report and treats the row as new; what
    # matters is that the other report's party is neither changed, moved nor shown.
    assert response.status_code in (302, 400)
    foreign.refresh_from_db()
    assert (foreign.name, foreign.incident_id) == ("Kelompok Rahasia", other.pk)
    assert "Kelompok Rahasia" not in as_petugas.get(f"/laporan/{own_report.pk}/").content.decode()


def test_edit_deleting_the_last_party(as_petugas, own_report):
    response = as_petugas.post(
        f"/laporan/{own_report.pk}/ubah/", edit_payload(own_report, **{"parties-0-DELETE": "on"})
    )
    assert response.status_code == 400
    assert "Tambahkan paling sedikit satu pihak yang terlibat." in response.content.decode()
    assert own_report.parties.count() == 1


# --- the workflow -------------------------------------------------------------------------------


@pytest.fixture
def submitted(petugas, kecamatan):
    return IncidentFactory(kecamatan=kecamatan, reported_by=petugas, status="diajukan")


@pytest.mark.parametrize(
    ("status", "data", "message"),
    [
        ("diajukan", {"action": "publish"}, "Tindakan tidak dikenal."),
        ("diajukan", {"action": ""}, "Permintaan tidak valid."),
        ("diajukan", {"action": "x" * 500}, "Permintaan tidak valid."),
        ("diajukan", {"action": "reject", "note": "   "}, "Tuliskan alasan penolakan."),
        ("diajukan", {"action": "reject", "note": "n" * 5001}, "Permintaan tidak valid."),
        ("ditangani", {"action": "resolve"}, "Pilih cara penyelesaian."),
        ("ditangani", {"action": "resolve", "resolution": "menang"}, "Permintaan tidak valid."),
    ],
    ids=[
        "unknown-action",
        "no-action",
        "huge-action",
        "reject-without-reason",
        "huge-reason",
        "resolve-without-resolution",
        "resolution-not-offered",
    ],
)
def test_bad_transition_keeps_the_status_and_says_why(
    client, sekretariat, petugas, kecamatan, status, data, message
):
    incident = IncidentFactory(kecamatan=kecamatan, reported_by=petugas, status=status)
    client.force_login(sekretariat)
    response = client.post(f"/laporan/{incident.pk}/status/", data)
    assert response.status_code == 302
    assert response.url == f"/laporan/{incident.pk}/"
    assert message in client.get(response.url).content.decode()
    incident.refresh_from_db()
    assert incident.status == status
    assert incident.rejection_reason == ""
    assert incident.resolution == ""
    # Reading the page is logged (personal data); no workflow event is.
    assert (
        not ActivityLog.objects.for_object(incident)
        .filter(action__startswith="incidents.report.")
        .exists()
    )


def test_transition_by_get_is_not_allowed(client, sekretariat, submitted):
    client.force_login(sekretariat)
    response = client.get(f"/laporan/{submitted.pk}/status/?action=verify")
    assert response.status_code == 405
    assert response["Allow"] == "POST, OPTIONS"
    # A page saying what happened (it was an empty one), with the way back.
    assert "Alamat ini hanya untuk mengirim formulir" in response.content.decode()
    # With the headers every page has.
    assert "Content-Security-Policy" in response and "no-store" in response["Cache-Control"]
    submitted.refresh_from_db()
    assert submitted.status == "diajukan"


def test_a_button_pressed_after_the_session_ended_returns_to_its_page_after_signing_in(
    client, sekretariat, submitted
):
    # "Verifikasi" pressed after 30 idle minutes: signed in again, the browser opened the
    # form-only address with GET (an empty 405), not the report.
    page = f"/laporan/{submitted.pk}/?tab=riwayat"
    response = client.post(
        f"/laporan/{submitted.pk}/status/",
        {"action": "verify"},
        headers={"referer": f"http://testserver{page}"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/akun/masuk/?next=" + quote(page, safe="/")
    # From another site, or without a Referer: the address as before.
    elsewhere = client.post(
        f"/laporan/{submitted.pk}/status/",
        {"action": "verify"},
        headers={"referer": "https://example.com/laporan/1/"},
    )
    assert elsewhere["Location"] == f"/akun/masuk/?next=/laporan/{submitted.pk}/status/"
    # Signing out, from a page whose address holds a search: the sign-in page for whoever
    # comes next, not a way back to the previous person's page.
    client.force_login(sekretariat)
    signed_out = client.post(
        "/akun/keluar/", headers={"referer": "http://testserver/laporan/?q=Sukarmin"}
    )
    assert signed_out["Location"] == "/akun/masuk/"
    submitted.refresh_from_db()
    assert submitted.status == "diajukan"


# --- handling steps -----------------------------------------------------------------------------


@pytest.fixture
def verified(petugas, kecamatan):
    return IncidentFactory(kecamatan=kecamatan, reported_by=petugas, status="diverifikasi")


DESCRIPTION = "Mediasi antara pengurus kedua perguruan di kantor desa."


def step_payload(**changes):
    data = {
        "date": timezone.localdate().isoformat(),
        "stage": "pencegahan",
        "action_type": "mediasi",
        "description": DESCRIPTION,
        "outcome": "Sepakat menahan diri.",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("stage", "precision", "days_before", "refused"),
    [
        ("penghentian", "hari", 1, True),
        ("pemulihan", "hari", 365, True),  # a slip of the year
        ("penghentian", "hari", 0, False),
        ("penghentian", "minggu", 6, False),  # "within that week": the event may be earlier
        ("penghentian", "minggu", 7, True),
        ("pencegahan", "hari", 30, False),  # prevention may come before the event
    ],
)
def test_stopping_and_recovery_cannot_come_before_the_event(
    as_petugas, verified, stage, precision, days_before, refused
):
    occurred = timezone.localdate() - timedelta(days=3)
    Incident.objects.filter(pk=verified.pk).update(
        occurred_at=timezone.make_aware(datetime.combine(occurred, time(20, 0))),
        occurred_precision=precision,
    )
    day = occurred - timedelta(days=days_before)
    response = as_petugas.post(
        f"/laporan/{verified.pk}/tindak-lanjut/",
        step_payload(stage=stage, date=day.isoformat()),
    )
    assert HandlingStep.objects.exists() is not refused
    if refused:
        message = response.context["form"].errors["date"][0]
        assert message.startswith("Penghentian dan pemulihan tidak dapat sebelum kejadian")


def test_the_event_cannot_be_moved_after_its_own_stopping_step(as_petugas, own_report):
    occurred = timezone.localtime(own_report.occurred_at)
    HandlingStepFactory(
        incident=own_report,
        stage="penghentian",
        date=occurred.date(),
        created_by=own_report.reported_by,
    )
    later = local_input(occurred + timedelta(days=2))
    response = as_petugas.post(
        f"/laporan/{own_report.pk}/ubah/", edit_payload(own_report, occurred_at=later)
    )
    assert_field_error(
        response,
        "occurred_at",
        "Tindak lanjut penghentian atau pemulihan sudah tercatat pada "
        f"{occurred.date():%d/%m/%Y}: waktu kejadian tidak dapat sesudahnya.",
    )


def test_a_step_recorded_before_the_rule_does_not_stop_other_edits(as_petugas, own_report):
    # A stopping step dated before the event, from before the rule; the stored time has
    # seconds, the form sends minutes: the time is left alone, so the edit goes through.
    occurred = timezone.localtime(own_report.occurred_at)
    assert occurred.second or occurred.microsecond
    step = HandlingStepFactory(
        incident=own_report,
        stage="penghentian",
        date=occurred.date(),
        created_by=own_report.reported_by,
    )
    HandlingStep.objects.filter(pk=step.pk).update(date=occurred.date() - timedelta(days=3))
    retitled = as_petugas.post(
        f"/laporan/{own_report.pk}/ubah/", edit_payload(own_report, title="Judul diperbaiki")
    )
    assert retitled.status_code == 302
    own_report.refresh_from_db()
    assert own_report.title == "Judul diperbaiki"


def test_valid_step_payload_saves(as_petugas, verified, agency):
    response = as_petugas.post(
        f"/laporan/{verified.pk}/tindak-lanjut/", step_payload(agencies=[agency.pk])
    )
    assert response.status_code == 302
    step = HandlingStep.objects.get()
    assert step.incident == verified
    assert list(step.agencies.all()) == [agency]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"date": (timezone.localdate() + timedelta(days=1)).isoformat()},
            "date",
            "Tanggal tindak lanjut tidak boleh di masa depan.",
        ),
        ({"date": "2020-02-30"}, "date", BAD_DATE),
        (
            {"date": (timezone.localdate() - timedelta(days=800)).isoformat()},
            "date",
            "Tanggal terlalu jauh sebelum waktu kejadian.",
        ),
        (
            {"files": [SimpleUploadedFile("foto.jpg", HTML_PAGE, "image/jpeg")]},
            "files",
            "Isi berkas foto.jpg tidak sesuai dengan jenisnya (.jpg).",
        ),
        (
            {"files": [SimpleUploadedFile("skrip.exe", b"MZ", "application/octet-stream")]},
            "files",
            "Jenis berkas skrip.exe tidak diterima.",
        ),
        ({"action_type": "bom"}, "action_type", "bom bukan salah satu dari pilihan"),
        ({"agencies": ["999999"]}, "agencies", "Masukkan pilihan yang valid."),
        (
            {"outcome": "h" * 10001},
            "outcome",
            "Pastikan nilai ini mengandung paling banyak 10000 karakter",
        ),
    ],
    ids=[
        "future",
        "impossible-date",
        "long-before",
        "html-jpg",
        "exe",
        "action-type",
        "agency",
        "huge-outcome",
    ],
)
def test_bad_step_is_refused_and_nothing_saved(
    as_petugas, verified, fast_and_isolated, changes, field, message
):
    response = as_petugas.post(f"/laporan/{verified.pk}/tindak-lanjut/", step_payload(**changes))
    assert_field_error(response, field, message)
    assert not HandlingStep.objects.exists()
    assert not Evidence.objects.exists()
    assert not [p for p in fast_and_isolated.rglob("*") if p.is_file()]
    assert DESCRIPTION in response.content.decode()
    verified.refresh_from_db()
    assert verified.stage == "pencegahan"


def test_a_step_typed_while_the_report_was_closed_comes_back_with_the_reason(as_petugas, verified):
    # The report was closed while the officer typed: the answer was the role refusal page
    # ("Peran Anda tidak mengizinkan"), and the typed text was gone.
    Incident.objects.filter(pk=verified.pk).update(status="ditutup", resolution="damai")

    response = as_petugas.post(f"/laporan/{verified.pk}/tindak-lanjut/", step_payload())

    assert response.status_code == 400
    page = " ".join(html.unescape(response.content.decode()).split())
    assert "Laporan ini kini berstatus Ditutup: tindak lanjut tidak dapat ditambahkan lagi." in page
    assert DESCRIPTION in page
    assert not HandlingStep.objects.exists()
    # Opening the form on a closed report is still refused.
    assert as_petugas.get(f"/laporan/{verified.pk}/tindak-lanjut/").status_code == 403


def test_step_naming_a_contact_outside_the_officers_kecamatan(
    as_petugas, verified, other_kecamatan
):
    """Contacts are personal data: a scoped officer may not attach one from elsewhere."""
    outsider = ContactFactory(name="Kiai Wonosalam", region=other_kecamatan)
    response = as_petugas.post(
        f"/laporan/{verified.pk}/tindak-lanjut/", step_payload(contacts=[outsider.pk])
    )
    assert_field_error(response, "contacts", "Masukkan pilihan yang valid.")
    assert not HandlingStep.objects.exists()
    assert "Kiai Wonosalam" not in response.content.decode()


# --- Status Keadaan Konflik ---------------------------------------------------------------------

CONFLICT_STATUS_URL = "/laporan/status-keadaan-konflik/baru/"
START = date(2026, 1, 1)


def conflict_status_payload(**changes):
    data = {
        "decree_number": "188/12/415.10.1.3/2026",
        "scope": "Kecamatan Diwek dan Wonosalam",
        "start_date": START.isoformat(),
        "end_date": (START + timedelta(days=89)).isoformat(),  # the 90th day
        "extension_decree_number": "",
        "extended_until": "",
        "revocation_decree_number": "",
        "revoked_on": "",
        "notes": "Ditetapkan setelah konsultasi dengan pimpinan DPRD.",
    }
    data.update(changes)
    return data


@pytest.fixture
def as_sekretariat(client, sekretariat):
    client.force_login(sekretariat)
    return client


def test_conflict_status_of_exactly_90_days_saves(as_sekretariat):
    response = as_sekretariat.post(CONFLICT_STATUS_URL, conflict_status_payload())
    assert response.status_code == 302
    assert ConflictStatus.objects.get().end_date == START + timedelta(days=89)


def test_a_decree_edit_opened_before_a_colleagues_save_does_not_undo_it(as_sekretariat):
    # One records an extension; the other, from a page opened earlier, a revocation: the second
    # form sent the extension fields back empty and the extension was gone without a word.
    as_sekretariat.post(CONFLICT_STATUS_URL, conflict_status_payload())
    decree = ConflictStatus.objects.get()
    url = f"/laporan/status-keadaan-konflik/{decree.pk}/ubah/"
    opened = re.search(r'name="opened" value="([^"]*)"', as_sekretariat.get(url).content.decode())
    extension = conflict_status_payload(
        extension_decree_number="188/20/2026",
        extended_until=(START + timedelta(days=150)).isoformat(),
    )
    assert as_sekretariat.post(url, extension).status_code == 302

    revocation = conflict_status_payload(
        revocation_decree_number="188/30/2026",
        revoked_on=(START + timedelta(days=60)).isoformat(),
        opened=html.unescape(opened.group(1)),
    )
    response = as_sekretariat.post(url, revocation)

    assert response.status_code == 400
    page = " ".join(html.unescape(response.content.decode()).split())
    assert "Keputusan ini diubah orang lain sejak Anda membukanya:" in page
    changes = page.split("sejak Anda membukanya:")[1].split("Isian Anda")[0]
    assert "Diperpanjang sampai: — → 31/05/2026" in changes and "188/20/2026" in changes
    assert "None" not in changes
    assert 'value="188/30/2026"' in page  # what was typed is kept
    decree.refresh_from_db()
    assert decree.extension_decree_number == "188/20/2026" and not decree.revoked_on


def test_conflict_status_longer_than_90_days_without_extension(as_sekretariat):
    response = as_sekretariat.post(
        CONFLICT_STATUS_URL,
        conflict_status_payload(end_date=(START + timedelta(days=120)).isoformat()),
    )
    assert_field_error(response, "end_date", "paling lama 90 hari (di sini 121 hari)")
    assert not ConflictStatus.objects.exists()
    assert 'value="188/12/415.10.1.3/2026"' in response.content.decode()


def test_conflict_status_extended_beyond_90_days_saves(as_sekretariat):
    response = as_sekretariat.post(
        CONFLICT_STATUS_URL,
        conflict_status_payload(
            extension_decree_number="188/40/415.10.1.3/2026",
            extended_until=(START + timedelta(days=119)).isoformat(),
        ),
    )
    assert response.status_code == 302
    status = ConflictStatus.objects.get()
    assert status.effective_end == START + timedelta(days=119)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"extended_until": (START + timedelta(days=119)).isoformat()},
            "extension_decree_number",
            "Perpanjangan memerlukan nomor keputusan dan tanggal akhir baru.",
        ),
        (
            {"extension_decree_number": "188/40/415.10.1.3/2026"},
            "extended_until",
            "Perpanjangan memerlukan nomor keputusan dan tanggal akhir baru.",
        ),
        (
            {
                "extension_decree_number": "188/40/415.10.1.3/2026",
                "extended_until": (START + timedelta(days=30)).isoformat(),
            },
            "extended_until",
            "Perpanjangan harus berakhir setelah tanggal berakhir.",
        ),
        (
            {"end_date": (START - timedelta(days=1)).isoformat()},
            "end_date",
            "Tanggal berakhir tidak boleh sebelum tanggal mulai.",
        ),
        (
            {"start_date": "2026-13-01"},
            "start_date",
            "Tanggal tidak valid; gunakan format HH/BB/TTTT.",
        ),
        (
            {"revoked_on": (START + timedelta(days=10)).isoformat()},
            "revocation_decree_number",
            "Pencabutan memerlukan nomor keputusan dan tanggalnya.",
        ),
        ({"decree_number": ""}, "decree_number", "Bidang ini tidak boleh kosong."),
    ],
    ids=[
        "extension-without-number",
        "extension-without-date",
        "extension-ending-early",
        "end-before-start",
        "impossible-date",
        "revocation-without-number",
        "no-decree-number",
    ],
)
def test_bad_conflict_status_is_refused(as_sekretariat, changes, field, message):
    response = as_sekretariat.post(CONFLICT_STATUS_URL, conflict_status_payload(**changes))
    assert_field_error(response, field, message)
    assert not ConflictStatus.objects.exists()
    assert "Ditetapkan setelah konsultasi dengan pimpinan DPRD." in response.content.decode()


def test_duplicate_decree_number(as_sekretariat):
    ConflictStatus.objects.create(
        decree_number="188/12/415.10.1.3/2026",
        scope="Lama",
        start_date=START,
        end_date=START,
    )
    response = as_sekretariat.post(CONFLICT_STATUS_URL, conflict_status_payload())
    assert response.status_code == 400
    assert field_errors(response).get("decree_number")
    assert ConflictStatus.objects.count() == 1


# --- garbage in the query string ----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/laporan/?occurred_from=kemarin&occurred_to=2026-02-30&kecamatan=abc&desa=-1",
        "/laporan/?page=abc&per_page=9999&sort=password",
        "/laporan/?page=999999",
        "/laporan/?q=" + "a" * 5000,
        '/laporan/?q="tawuran" OR -(',
        "/laporan/?kecamatan=99999999999999999999&risk_level=merah",
        "/laporan/ekspor.csv?occurred_from=kemarin&kecamatan=abc",
        "/laporan/ekspor.xlsx?sort=-password&status=hilang",
        "/laporan/pilihan-desa/?kecamatan=99999999999999999999",
        "/laporan/pilihan-desa/?kecamatan=-1",
        # "²" passes str.isdigit() but int() refuses it.
        "/laporan/?per_page=%C2%B2",
        "/laporan/status-keadaan-konflik/?per_page=%C2%B2",
        "/laporan/pilihan-desa/?kecamatan=%C2%B2",
        "/laporan/?kecamatan=%C2%B2",
        "/laporan/ekspor.csv?kecamatan=%C2%B2",
    ],
)
def test_garbage_query_strings_are_answered_not_crashed(client, sekretariat, url):
    client.force_login(sekretariat)
    # An export with a faulty filter goes back to the list, which marks it.
    assert client.get(url, follow=True).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/laporan/99999999999999999999/",
        "/laporan/99999999999999999999/ubah/",
        "/laporan/99999999999999999999/tindak-lanjut/",
        "/laporan/bukti/99999999999999999999/",
        "/laporan/status-keadaan-konflik/99999999999999999999/ubah/",
    ],
)
def test_out_of_range_ids_are_404(client, sekretariat, url):
    client.force_login(sekretariat)
    assert client.get(url).status_code == 404


def test_out_of_range_id_on_transition_is_404(client, sekretariat):
    client.force_login(sekretariat)
    response = client.post("/laporan/99999999999999999999/status/", {"action": "verify"})
    assert response.status_code == 404


def test_list_search_input_is_kept_and_escaped(client, sekretariat):
    client.force_login(sekretariat)
    html = client.get("/laporan/?q=<script>alert(1)</script>").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_report_without_kecamatan(as_petugas, payload):
    response = as_petugas.post(CREATE_URL, payload(kecamatan="", desa=""))
    assert_field_error(response, "kecamatan", "Bidang ini tidak boleh kosong.")
    assert_nothing_saved()
    assert_typed_values_kept(response)


def test_a_huge_tampered_party_count_builds_no_more_forms_than_allowed(as_petugas, payload):
    """Django builds up to 1,000 forms beyond max_num for a TOTAL_FORMS a client sends."""
    data = payload(**{"parties-TOTAL_FORMS": "100000"})
    response = as_petugas.post(CREATE_URL, data)
    assert response.status_code == 400
    assert len(response.context["parties"].forms) <= 30
    assert "Harap ajukan paling banyak 30 formulir." in response.content.decode()
    assert_nothing_saved()


@pytest.mark.parametrize(
    ("bounds", "listed"),
    [
        ({"occurred_to": "9999-12-31"}, True),
        ({"occurred_from": "0001-01-01"}, True),
        ({"occurred_from": "9999-12-31"}, False),
        ({"occurred_to": "0001-01-01"}, False),
    ],
)
def test_the_first_and_last_days_a_date_can_have_filter_the_list(
    client, sekretariat, kecamatan, bounds, listed
):
    # The day after 31-12-9999 does not exist; "until" that day was a 500 in the list and exports.
    incident = IncidentFactory(kecamatan=kecamatan, title="Sengketa batas desa")
    client.force_login(sekretariat)
    for url in ("/laporan/", "/laporan/ekspor.csv"):
        response = client.get(url, bounds)
        assert response.status_code == 200
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert (incident.reference in body.decode()) is listed, url
