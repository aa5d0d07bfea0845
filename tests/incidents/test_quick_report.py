""" "Lapor cepat" (issue 12): one phone screen, submitted at once and marked as needing
completion; the secretariat sees it now, and it cannot be verified before it is completed."""

import re
import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import ActivityLog
from directory.choices import RegionLevel
from incidents import services
from incidents.exports import occurred_cell
from incidents.models import Evidence, Incident
from tests.factories import IncidentFactory, RegionFactory
from tests.helpers import assert_field_error, jpeg_upload
from tests.incidents.test_bad_input import valid_payload

pytestmark = pytest.mark.django_db

URL = "/laporan/lapor-cepat/"


def quick_payload(desa, /, **changes):
    data = {
        "kind": "kejadian",
        "title": "Lemparan batu di depan balai desa",
        "chronology": "Dua kelompok pemuda saling lempar batu selepas pengajian.",
        # "Kapan terjadi" as the form shows it: today, local.
        "occurred_at": timezone.localdate().strftime("%d/%m/%Y"),
        "desa": desa.pk,
        "information_source": "babinsa",
        "latitude": "-7.561200",
        "longitude": "112.238400",
        "submission_token": str(uuid.uuid4()),
    }
    data.update(changes)
    return data


def test_a_quick_report_is_submitted_at_once_and_marked_incomplete(
    client, petugas, kecamatan, desa
):
    client.force_login(petugas)
    data = quick_payload(desa, files=jpeg_upload("foto-balai.jpg"))
    response = client.post(URL, data)
    assert response.status_code == 302
    incident = Incident.objects.get()
    assert response.url == incident.get_absolute_url()
    assert incident.status == "diajukan"
    assert incident.needs_completion
    assert incident.reported_by == petugas
    assert incident.kecamatan == kecamatan  # the desa's kecamatan
    assert incident.location_precision == "tepat"
    assert str(incident.latitude) == "-7.561200"
    assert incident.occurred_precision == "hari"
    assert incident.occurred_at == Incident.day_only(timezone.localdate())
    assert incident.conflict_source == ""
    assert Evidence.objects.get(incident=incident).original_name == "foto-balai.jpg"
    assert ActivityLog.objects.filter(action="incidents.report.quick", object_id=incident.pk)
    page = client.get(response.url).content.decode()
    assert "Laporan cepat: perlu dilengkapi." in page
    assert f"Laporan cepat {incident.reference} terkirim ke sekretariat." in page
    mine = client.get("/laporan/?mine=true").content.decode()
    assert incident.reference in mine
    assert "Perlu dilengkapi" in mine


def shown_at(page: str, testid: str) -> str:
    """The text of the element marked `testid`, tags left out."""
    element = re.search(rf'data-testid="{testid}">(.*?)</(dd|p)>', page, re.S)
    assert element, testid
    return " ".join(re.sub(r"<[^>]+>", "", element.group(1)).split())


def test_the_report_page_says_what_is_not_filled_in_yet(client, petugas, desa):
    """Not "Aspek / bentuk: /" and an empty "Sumber konflik" for a quick report."""
    client.force_login(petugas)
    client.post(URL, quick_payload(desa, kind="potensi"))
    incident = Incident.objects.get()
    page = client.get(incident.get_absolute_url()).content.decode()
    for testid in ("conflict-source", "aspect-form", "risk", "parties"):
        assert shown_at(page, testid) == "belum diisi", testid
    # A complete report has each of them filled in.
    complete = IncidentFactory(kecamatan=incident.kecamatan, reported_by=petugas)
    page = client.get(complete.get_absolute_url()).content.decode()
    assert 'data-testid="not-filled"' not in page
    assert shown_at(page, "aspect-form") == "Sosial budaya / Bentrokan/tawuran"


def test_a_potential_may_be_sent_without_its_risk_assessment(client, petugas, desa):
    client.force_login(petugas)
    data = quick_payload(desa, kind="potensi", latitude="", longitude="")
    assert client.post(URL, data).status_code == 302
    incident = Incident.objects.get()
    assert incident.likelihood is None
    assert incident.location_precision == "desa"


def test_the_secretariat_sees_it_at_once(client, petugas, sekretariat, desa):
    client.force_login(petugas)
    client.post(URL, quick_payload(desa))
    client.force_login(sekretariat)
    page = client.get("/laporan/?status=diajukan").content.decode()
    assert Incident.objects.get().reference in page


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("petugas", 200), ("sekretariat", 200), ("pimpinan", 403), ("admin_user", 403)],
)
def test_who_may_file_a_quick_report(client, request, desa, persona, expected):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(URL).status_code == expected
    response = client.post(URL, quick_payload(desa))
    assert response.status_code == (302 if expected == 200 else 403)
    assert Incident.objects.count() == (1 if expected == 200 else 0)


def test_anonymous_is_sent_to_sign_in(client, desa):
    response = client.post(URL, quick_payload(desa))
    assert response.status_code == 302
    assert "/akun/masuk/" in response.url
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"title": ""}, "title", "Bidang ini tidak boleh kosong."),
        ({"chronology": ""}, "chronology", "Bidang ini tidak boleh kosong."),
        ({"desa": ""}, "desa", "Bidang ini tidak boleh kosong."),
        ({"kind": "rumor"}, "kind", "Masukkan pilihan yang valid."),
        ({"information_source": ""}, "information_source", "Bidang ini tidak boleh kosong."),
    ],
)
def test_bad_input_is_refused_next_to_the_field_in_indonesian(
    client, petugas, desa, changes, field, message
):
    client.force_login(petugas)
    response = client.post(URL, quick_payload(desa, **changes))
    assert response.status_code == 400
    html = response.content.decode()
    errors = response.context["form"].errors
    assert field in errors
    assert any(message.rstrip(".") in error for error in errors[field]), errors
    assert_field_error(response, field, message.rstrip("."))  # on the page, under the field
    assert "Laporan belum terkirim." in html
    assert not Incident.objects.exists()


def test_photos_chosen_for_a_refused_report_are_said_to_be_unsaved(client, petugas, desa):
    # The browser cannot keep chosen files on the page sent back: sent again as it is, the
    # report went in without them and nobody said so.
    client.force_login(petugas)
    photos = [jpeg_upload("batu-1.jpg"), jpeg_upload("batu-2.jpg")]
    response = client.post(URL, quick_payload(desa, title="", files=photos))

    assert response.status_code == 400
    notice = response.content.decode().split('data-testid="files-not-saved">')[1].split("<")[0]
    assert notice == (
        "Berkas yang tadi dipilih belum tersimpan (batu-1.jpg, batu-2.jpg): pilih lagi sebelum "
        "mengirim."
    )
    # An empty form, or one sent back without files, has no such notice.
    assert "files-not-saved" not in client.get(URL).content.decode()
    again = client.post(URL, quick_payload(desa, title="")).content.decode()
    assert "files-not-saved" not in again


def test_a_desa_outside_the_officers_kecamatan_is_refused(client, petugas, other_kecamatan):
    elsewhere = RegionFactory(
        code="35.17.05.2003", name="Carangwulung", level=RegionLevel.DESA, parent=other_kecamatan
    )
    client.force_login(petugas)
    response = client.post(URL, quick_payload(elsewhere))
    assert response.status_code == 400
    assert "desa" in response.context["form"].errors
    assert not Incident.objects.exists()


def test_half_a_location_is_refused(client, petugas, desa):
    client.force_login(petugas)
    response = client.post(URL, quick_payload(desa, longitude=""))
    assert response.status_code == 400
    assert "Lokasi tidak lengkap" in response.content.decode()


def test_two_taps_file_one_quick_report(client, petugas, desa):
    client.force_login(petugas)
    data = quick_payload(desa)
    first = client.post(URL, data)
    second = client.post(URL, data, follow=True)
    assert Incident.objects.count() == 1
    assert second.redirect_chain[0][0] == first.url
    assert "sudah terkirim sebelumnya" in second.content.decode()


def test_it_cannot_be_verified_until_completed_through_the_full_form(
    client, petugas, sekretariat, kecamatan, desa
):
    client.force_login(petugas)
    client.post(URL, quick_payload(desa))
    incident = Incident.objects.get()
    with pytest.raises(PermissionDenied, match="perlu dilengkapi"):
        services.incident_transition(incident=incident, by=sekretariat, action="verify")
    client.force_login(sekretariat)
    detail = client.get(incident.get_absolute_url()).content.decode()
    assert 'value="verify"' not in detail
    assert "Lengkapi sekarang" in detail
    # The secretariat completes it: classification, risk and a party.
    data = valid_payload(kecamatan, desa, kind="kejadian", likelihood="", impact="")
    data.pop("submit")
    data["version"] = incident.version
    response = client.post(f"/laporan/{incident.pk}/ubah/", data)
    assert response.status_code == 302, response.context["form"].errors
    incident.refresh_from_db()
    assert not incident.needs_completion
    assert incident.parties.count() == 2
    services.incident_transition(incident=incident, by=sekretariat, action="verify")
    incident.refresh_from_db()
    assert incident.status == "diverifikasi"


def test_the_database_refuses_an_incomplete_report_past_verification(petugas, desa):
    incident = Incident(
        kind="kejadian",
        title="x",
        chronology="y",
        desa=desa,
        information_source="babinsa",
    )
    incident = services.incident_quick_report(incident=incident, by=petugas)
    with pytest.raises(IntegrityError), transaction.atomic():
        Incident.objects.filter(pk=incident.pk).update(status="diverifikasi")


def test_the_dashboard_lapor_button_opens_the_quick_report(client, petugas):
    client.force_login(petugas)
    page = client.get("/").content.decode()
    assert f'href="{URL}" data-testid="lapor"' in page
    assert 'href="/laporan/baru/"' in page  # the full form stays


def test_a_desa_stored_without_its_kecamatan_does_not_break_the_form(
    client, petugas_unscoped, desa
):
    """Regions are checked for their place in the hierarchy (Region.clean) only since a desa
    without a kecamatan broke this form; one stored before still lists, by its name."""
    RegionFactory(code="35.17.99.2001", name="Tanpa Induk", level=RegionLevel.DESA, parent=None)
    client.force_login(petugas_unscoped)
    # The form, and the form again with "choose a desa" next to the field (a 400).
    for response, status in (
        (client.get(URL), 200),
        (client.post(URL, quick_payload(desa, desa="")), 400),
    ):
        assert response.status_code == status
        page = response.content.decode()
        assert ">Tanpa Induk</option>" in page
        assert "Ceweng (Diwek)" in page


# --- "Kapan terjadi": the day it happened, not the day it was sent -----------------------------

WIB = ZoneInfo("Asia/Jakarta")


def form_value(page: str, name: str) -> str:
    return page.split(f'name="{name}"')[1].split('value="')[1].split('"')[0]


def test_the_form_offers_today_in_the_portal_s_time_zone(client, petugas):
    client.force_login(petugas)
    # 06:00 in Jombang on 1 May is still 30 April in UTC.
    with time_machine.travel(datetime(2025, 5, 1, 6, 0, tzinfo=WIB), tick=False):
        page = client.get(URL).content.decode()
    assert "Kapan terjadi" in page
    assert form_value(page, "occurred_at") == "01/05/2025"


def test_a_report_typed_in_an_outage_and_sent_next_morning_keeps_its_day(client, petugas, desa):
    """Typed on the evening of 30 April (the last day of period B04), sent when the signal came
    back on 1 May: the event stays on 30 April, in B04."""
    client.force_login(petugas)
    with time_machine.travel(datetime(2025, 4, 30, 21, 15, tzinfo=WIB), tick=False):
        typed_on = form_value(client.get(URL).content.decode(), "occurred_at")
    with time_machine.travel(datetime(2025, 5, 1, 7, 30, tzinfo=WIB), tick=False):
        client.force_login(petugas)  # the idle session ended overnight
        response = client.post(URL, quick_payload(desa, occurred_at=typed_on))
        detail = client.get(response.url).content.decode()

    assert response.status_code == 302
    incident = Incident.objects.get()
    # Known to the day: stored at the day's local midnight, as the full form stores a date
    # typed without a time.
    assert incident.occurred_at == datetime(2025, 4, 30, tzinfo=WIB)
    assert incident.occurred_precision == "hari"
    assert "30 April 2025" in detail


def test_a_quick_report_of_today_is_known_to_the_day_not_to_the_minute_it_was_sent(
    client, petugas, sekretariat, desa
):
    """Only the day is asked: the moment of sending, stored as the event's time, read as its
    exact time on the report page ("1 Mei 2025, 07.30 (tepat hari itu)") and in the exports."""
    client.force_login(petugas)
    sent = datetime(2025, 5, 1, 7, 30, 12, tzinfo=WIB)
    with time_machine.travel(sent, tick=False):
        client.post(URL, quick_payload(desa, occurred_at="01/05/2025"))
    incident = Incident.objects.get()
    assert incident.occurred_at == datetime(2025, 5, 1, tzinfo=WIB)
    assert incident.occurred_precision == "hari"
    assert incident.reported_at == sent  # when it was sent is kept there
    client.force_login(sekretariat)
    page = client.get(incident.get_absolute_url()).content.decode()
    assert shown_at(page, "occurred-at") == "1 Mei 2025 (tepat hari itu)"
    # The export's cell is the date alone, as for any date given without a time.
    assert occurred_cell(incident.occurred_at, incident.occurred_precision) == date(2025, 5, 1)


@pytest.mark.parametrize(
    ("now", "day"),
    [
        (datetime(2025, 5, 1, 10, 0), "02/05/2025"),
        (datetime(2025, 5, 1, 23, 30), "02/05/2025"),  # late in the evening, tomorrow is not yet
        (datetime(2025, 5, 1, 23, 55), "02/05/2025"),  # within a phone clock's skew of midnight
        (datetime(2025, 5, 1, 10, 0), "01/05/2026"),
    ],
)
def test_a_day_in_the_future_is_refused_next_to_the_field(client, petugas, desa, now, day):
    client.force_login(petugas)
    with time_machine.travel(now.replace(tzinfo=WIB), tick=False):
        response = client.post(URL, quick_payload(desa, occurred_at=day))
    assert_field_error(response, "occurred_at", "Waktu kejadian tidak boleh di masa depan.")
    assert "Laporan belum terkirim." in response.content.decode()
    # What the officer typed is shown again, to be corrected.
    assert form_value(response.content.decode(), "occurred_at") == day
    assert not Incident.objects.exists()


@pytest.mark.parametrize(
    ("day", "message"),
    [
        # Cleared by the officer: not taken as today, which is what the field was showing.
        ("", "Bidang ini tidak boleh kosong."),
        ("kemarin", "Tanggal tidak valid; gunakan format HH/BB/TTTT."),
        ("31/02/2025", "Tanggal tidak valid; gunakan format HH/BB/TTTT."),
        ("01/01/1900", "Waktu kejadian terlalu jauh di masa lalu (paling awal tahun 1990)."),
    ],
)
def test_a_missing_or_wrong_day_is_refused_next_to_the_field(client, petugas, desa, day, message):
    client.force_login(petugas)
    response = client.post(URL, quick_payload(desa, occurred_at=day))
    assert_field_error(response, "occurred_at", message)
    assert not Incident.objects.exists()


def quick_incident(desa):
    return Incident(
        kind="kejadian",
        title="Lemparan batu",
        chronology="Dua kelompok pemuda saling lempar batu.",
        desa=desa,
        information_source="babinsa",
    )


def test_the_service_stores_the_day_it_is_given(petugas, desa):
    with time_machine.travel(datetime(2025, 1, 1, 8, 0, tzinfo=WIB), tick=False):
        incident = services.incident_quick_report(
            incident=quick_incident(desa), occurred_on=date(2024, 12, 31), by=petugas
        )
    incident.refresh_from_db()
    assert incident.occurred_at == datetime(2024, 12, 31, tzinfo=WIB)
    assert incident.occurred_precision == "hari"


def test_the_service_refuses_a_day_in_the_future_and_saves_nothing(petugas, desa):
    with (
        time_machine.travel(datetime(2025, 1, 1, 8, 0, tzinfo=WIB), tick=False),
        pytest.raises(ValidationError) as caught,
    ):
        services.incident_quick_report(
            incident=quick_incident(desa), occurred_on=date(2025, 1, 2), by=petugas
        )
    assert caught.value.message_dict == {
        "occurred_at": ["Waktu kejadian tidak boleh di masa depan."]
    }
    assert not Incident.objects.exists()
