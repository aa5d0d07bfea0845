"""Field officers on a phone (issue 12): a quick report with a photo and the device's location
from the dashboard's Lapor button, and the report list readable at 390 px."""

import re
import time
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.utils import timezone
from playwright.sync_api import expect

from incidents.models import Incident
from tests.browser.conftest import BROWSER_TIMEOUT_MS, PHONE
from tests.factories import IncidentFactory

WIB = ZoneInfo("Asia/Jakarta")


def test_a_quick_report_with_photo_and_location_from_the_lapor_button(
    sign_in, browser, live_server, petugas, desa, photo
):
    context = browser.new_context(
        base_url=live_server.url,
        locale="id-ID",
        geolocation={"latitude": -7.5612, "longitude": 112.2384},
        permissions=["geolocation"],
        **PHONE,
    )
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    page = context.new_page()
    sign_in(page, petugas.username)
    page.goto("/")
    started = time.monotonic()
    page.get_by_test_id("lapor").click()
    expect(page).to_have_url(re.compile("/laporan/lapor-cepat/"))
    page.get_by_text("Kejadian konflik", exact=True).click()
    page.get_by_label("Judul").fill("Lemparan batu di depan balai desa")
    page.get_by_label("Apa yang terjadi").fill("Dua kelompok pemuda saling lempar batu.")
    page.get_by_label("Desa/kelurahan").select_option(label=f"{desa.name} ({desa.parent.name})")
    page.get_by_label("Sumber informasi").select_option("babinsa")
    page.get_by_role("button", name="Gunakan lokasi saya").click()
    expect(page.get_by_test_id("geolocate-status")).to_have_text(
        "Lokasi terisi dari perangkat Anda."
    )
    page.locator("#id_files").set_input_files(str(photo))
    expect(page.get_by_test_id("file-names")).to_have_text("foto-lokasi.jpg")
    # Three photos taken with "Ambil foto", one tap each: a tap does not replace the photo
    # before; a blurred one is dropped again.
    for name in ("kamera-1.jpg", "kamera-buram.jpg", "kamera-2.jpg"):
        page.locator("#id_files_camera").set_input_files(
            {"name": name, "mimeType": "image/jpeg", "buffer": photo.read_bytes()}
        )
    names = page.get_by_test_id("file-names")
    expect(names).to_have_text("foto-lokasi.jpg, kamera-1.jpg✕, kamera-buram.jpg✕, kamera-2.jpg✕")
    names.get_by_role("button", name="Hapus kamera-buram.jpg").click()
    expect(names).to_have_text("foto-lokasi.jpg, kamera-1.jpg✕, kamera-2.jpg✕")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.get_by_test_id("status")).to_have_text("Diajukan")
    expect(page.get_by_test_id("needs-completion")).to_be_visible()
    assert time.monotonic() - started < 60
    reference = page.get_by_test_id("reference").inner_text()
    incident = Incident.objects.get(reference=reference)
    assert str(incident.latitude) == "-7.561200"
    assert sorted(incident.evidence.values_list("original_name", flat=True)) == [
        "foto-lokasi.jpg",
        "kamera-1.jpg",
        "kamera-2.jpg",
    ]

    # It is in "Laporan saya".
    page.goto("/laporan/")
    page.get_by_test_id("mine-link").click()
    expect(page.get_by_test_id("list-title")).to_have_text("Laporan saya")
    expect(page.get_by_test_id("incident-cards")).to_contain_text(reference)
    expect(page.get_by_test_id("incident-cards")).to_contain_text("Perlu dilengkapi")
    context.close()


def test_a_quick_report_of_last_evening_is_dated_yesterday(
    sign_in, phone_page, petugas, desa, time_machine
):
    # Something seen last evening, reported in the morning: the officer changes the day the
    # form offers (today) to yesterday.
    time_machine.move_to(datetime(2025, 5, 1, 7, 30, tzinfo=WIB), tick=True)
    page = phone_page
    sign_in(page, petugas.username)
    page.goto("/laporan/lapor-cepat/")
    when = page.get_by_label("Kapan terjadi")
    expect(when).to_have_value("01/05/2025")
    page.get_by_text("Kejadian konflik", exact=True).click()
    page.get_by_label("Judul").fill("Pembakaran pos ronda")
    page.get_by_label("Apa yang terjadi").fill("Pos ronda dibakar orang tak dikenal semalam.")
    when.fill("30/04/2025")
    page.get_by_label("Desa/kelurahan").select_option(label=f"{desa.name} ({desa.parent.name})")
    page.get_by_label("Sumber informasi").select_option("bhabinkamtibmas")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.get_by_test_id("status")).to_have_text("Diajukan")
    expect(page.get_by_test_id("occurred-at")).to_contain_text("30 April 2025")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    incident = Incident.objects.get()
    assert timezone.localtime(incident.occurred_at).date() == date(2025, 4, 30)

    # Tomorrow is not a day it can have happened: said next to the field, nothing sent.
    page.goto("/laporan/lapor-cepat/")
    page.get_by_text("Kejadian konflik", exact=True).click()
    page.get_by_label("Judul").fill("Ancaman pembakaran")
    page.get_by_label("Apa yang terjadi").fill("Selebaran ancaman ditemukan.")
    page.get_by_label("Kapan terjadi").fill("02/05/2025")
    page.get_by_label("Desa/kelurahan").select_option(label=f"{desa.name} ({desa.parent.name})")
    page.get_by_label("Sumber informasi").select_option("bhabinkamtibmas")
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.locator("[data-field=occurred_at] .invalid-feedback")).to_have_text(
        "Waktu kejadian tidak boleh di masa depan."
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert Incident.objects.count() == 1


def test_the_list_shows_status_and_risk_without_sideways_scrolling(
    sign_in, phone_page, sekretariat, petugas_unscoped, kecamatan
):
    for n in range(3):
        IncidentFactory(
            kecamatan=kecamatan,
            reported_by=petugas_unscoped,
            likelihood=4,
            impact=4,
            title=f"Penolakan pembangunan gudang yang sangat panjang judulnya nomor {n}",
        )
    page = phone_page
    sign_in(page, sekretariat.username)
    page.goto("/laporan/?status=diajukan")
    expect(page.get_by_test_id("list-title")).to_have_text("Antrean verifikasi")
    cards = page.get_by_test_id("incident-cards")
    expect(cards.locator("li")).to_have_count(3)
    first = cards.locator("li").first
    expect(first.get_by_test_id("status")).to_be_visible()
    expect(first.get_by_test_id("status")).to_have_text("Diajukan")
    expect(first.get_by_test_id("risk")).to_be_visible()
    expect(first.get_by_test_id("risk")).to_have_text("Sangat tinggi")
    expect(page.get_by_test_id("incident-table")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # Filters are folded away; the toggle says one is active and opens them.
    expect(page.get_by_test_id("filters")).to_be_hidden()
    toggle = page.get_by_test_id("filters-toggle")
    expect(toggle).to_contain_text("1 aktif")
    toggle.click()
    expect(page.get_by_test_id("filters")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Diajukan")).to_be_checked()
    page.get_by_role("checkbox", name="Sangat tinggi").check()
    page.get_by_role("button", name="Terapkan").click()
    expect(page).to_have_url(re.compile(r"status=diajukan.*risk_level=sangat_tinggi"))
    expect(cards.locator("li")).to_have_count(3)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_risk_fields_show_only_for_potentials(sign_in, phone_page, petugas):
    page = phone_page
    sign_in(page, petugas.username)
    page.goto("/laporan/baru/")
    risk = page.get_by_test_id("risk-fields")
    page.get_by_text("Kejadian konflik", exact=True).click()
    expect(risk).to_be_hidden()
    page.get_by_text("Potensi konflik", exact=True).click()
    expect(risk).to_be_visible()
    expect(page.get_by_label("Besaran dampak")).to_be_enabled()
    expect(page.get_by_label("Sifat")).to_be_visible()
