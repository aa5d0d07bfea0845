"""Early-warning journeys: from a leader's figure to the list behind it, filing from the
dashboard's Lapor button on a phone (with the device's location) and seeing it on the map, and a
restricted report kept off another officer's map."""

import re
from decimal import Decimal

from playwright.sync_api import expect

from dashboard.services import notify
from tests.browser.conftest import BROWSER_TIMEOUT_MS, PHONE
from tests.factories import IncidentFactory


def test_leaders_figure_leads_to_the_matching_filtered_list(
    sign_in, page, pimpinan, petugas_unscoped, kecamatan
):
    reports = [(4, "diajukan"), (4, "diajukan"), (3, "diverifikasi"), (1, "diajukan")]
    for likelihood, status in reports:
        IncidentFactory(
            kecamatan=kecamatan,
            reported_by=petugas_unscoped,
            likelihood=likelihood,
            impact=4 if likelihood == 4 else 3,
            status=status,
        )
    sign_in(page, pimpinan.username)
    page.goto("/")
    row = page.get_by_test_id("risk-matrix").locator("tbody tr", has_text="Sangat tinggi")
    cell = row.get_by_role("link").first  # Diajukan
    expect(cell).to_have_text("2")
    cell.click()
    expect(page).to_have_url(re.compile(r"/laporan/\?.*risk_level=sangat_tinggi"))
    expect(page.get_by_test_id("result-count")).to_contain_text("2 laporan")
    expect(page.get_by_test_id("incident-table").locator("tbody tr")).to_have_count(2)


def test_officer_files_from_the_lapor_button_and_the_map_shows_it(
    sign_in, browser, live_server, petugas, pimpinan, desa, other_kecamatan
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
    page.get_by_role("link", name="Formulir laporan lengkap").click()
    expect(page).to_have_url(re.compile("/laporan/baru/"))
    page.get_by_text("Potensi konflik", exact=True).click()
    page.get_by_label("Judul").fill("Pemuda dua dusun saling tantang")
    page.get_by_label("Kronologi").fill("Ajakan tawuran beredar di grup percakapan warga.")
    page.get_by_label("Sumber informasi").select_option("babinsa")
    with page.expect_response(lambda r: "/laporan/pilihan-desa/" in r.url):
        page.get_by_label("Kecamatan").dispatch_event("change")
    page.get_by_label("Desa/kelurahan").select_option(label="Desa Ceweng")
    page.get_by_role("button", name="Gunakan lokasi saya").click()
    expect(page.get_by_label("Lintang")).to_have_value("-7.561200")
    expect(page.get_by_label("Bujur")).to_have_value("112.238400")
    expect(page.get_by_label("Ketepatan lokasi")).to_have_value("tepat")
    page.get_by_label("Sumber konflik").select_option("poleksosbud")
    page.get_by_label("Aspek").select_option("sosial_budaya")
    page.get_by_label("Bentuk").select_option("bentrokan")
    page.get_by_label("Kemungkinan").select_option("3")
    page.get_by_label("Besaran dampak").select_option("2")
    page.get_by_label("Nama pihak").fill("Pemuda Dusun Krajan")
    page.get_by_label("Jenis pihak").select_option("pemuda")
    page.get_by_role("button", name="Simpan dan ajukan").click()
    expect(page.get_by_test_id("status")).to_have_text("Diajukan")
    reference = page.get_by_test_id("reference").inner_text()
    # The phone page never scrolls sideways.
    page.goto("/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()

    # The leadership sees it on the map (tiles unreachable here: markers still show).
    desk = browser.new_context(base_url=live_server.url, locale="id-ID")
    desk.set_default_timeout(BROWSER_TIMEOUT_MS)
    map_page = desk.new_page()
    sign_in(map_page, pimpinan.username)
    map_page.goto("/peta/")
    expect(map_page.get_by_test_id("map")).to_have_attribute("data-loaded", "1")
    expect(map_page.locator(f'.leaflet-marker-icon[title="{reference}"]')).to_have_count(1)
    # The list's kecamatan filter, on the map.
    map_page.get_by_text("Filter", exact=True).click()
    map_page.get_by_label("Kecamatan").select_option(label=other_kecamatan.name)
    map_page.get_by_role("button", name="Terapkan").click()
    expect(map_page).to_have_url(re.compile(rf"kecamatan={other_kecamatan.pk}"))
    expect(map_page.get_by_test_id("map")).to_have_attribute("data-loaded", "0")
    expect(map_page.get_by_test_id("map-summary")).to_contain_text("0 laporan di peta")
    desk.close()


def test_restricted_report_is_absent_from_another_officers_map(
    sign_in, page, petugas_unscoped, sekretariat, kecamatan
):
    open_report = IncidentFactory(
        kecamatan=kecamatan,
        reported_by=sekretariat,
        latitude=Decimal("-7.55"),
        longitude=Decimal("112.23"),
    )
    secret = IncidentFactory(
        kecamatan=kecamatan,
        reported_by=sekretariat,
        confidentiality="terbatas",
        latitude=Decimal("-7.56"),
        longitude=Decimal("112.24"),
    )
    sign_in(page, petugas_unscoped.username)
    page.goto("/peta/")
    expect(page.get_by_test_id("map")).to_have_attribute("data-loaded", "1")
    expect(page.locator(f'.leaflet-marker-icon[title="{open_report.reference}"]')).to_have_count(1)
    expect(page.locator(f'.leaflet-marker-icon[title="{secret.reference}"]')).to_have_count(0)
    data = page.request.get("/peta/data.json").text()
    assert secret.reference not in data and open_report.reference in data


def test_bell_shows_the_unread_count(sign_in, page, sekretariat):
    notify(
        recipients=[sekretariat],
        kind="risiko_tinggi",
        key="uji",
        message="Potensi konflik berisiko tinggi diajukan: PKS-2026-0001",
        url="/laporan/",
    )
    sign_in(page, sekretariat.username)
    page.goto("/")
    expect(page.get_by_test_id("bell-count")).to_have_text("1")
    page.get_by_test_id("bell").click()
    expect(page.get_by_test_id("notification")).to_contain_text("PKS-2026-0001")
    page.get_by_role("button", name="Buka").click()
    expect(page).to_have_url(re.compile("/laporan/$"))
    page.goto("/")
    expect(page.get_by_test_id("bell-count")).to_have_count(0)


def test_map_shades_kecamatan_and_marks_approximate_places(
    sign_in, page, pimpinan, petugas_unscoped, kecamatan, desa, settings
):
    """With an outline loaded (a small synthetic square), the kecamatan is shaded by its hotspot
    score; a report without coordinates sits at its desa's centre as an approximate marker."""
    settings.HOTSPOT_ALERT_SCORE = 2.0
    kecamatan.boundary = {
        "type": "Polygon",
        "coordinates": [
            [[112.2, -7.6], [112.3, -7.6], [112.3, -7.5], [112.2, -7.5], [112.2, -7.6]]
        ],
    }
    kecamatan.save()
    desa.latitude, desa.longitude = Decimal("-7.57"), Decimal("112.26")
    desa.save()
    unlocated = IncidentFactory(kecamatan=kecamatan, desa=desa, reported_by=petugas_unscoped)
    located = IncidentFactory(
        kecamatan=kecamatan,
        reported_by=petugas_unscoped,
        latitude=Decimal("-7.52"),
        longitude=Decimal("112.21"),
    )
    sign_in(page, pimpinan.username)
    page.goto("/peta/")
    box = page.get_by_test_id("map")
    expect(box).to_have_attribute("data-loaded", "2")
    expect(box).to_have_attribute("data-areas", "1")
    expect(page.locator("path.hotspot-area.band-4")).to_have_count(1)
    expect(page.get_by_test_id("map-area-legend")).to_be_visible()
    approx = page.locator(f'.leaflet-marker-icon.approx[title^="{unlocated.reference}"]')
    expect(approx).to_have_count(1)
    expect(approx).to_have_attribute("title", f"{unlocated.reference} (lokasi perkiraan)")
    exact = page.locator(f'.leaflet-marker-icon[title="{located.reference}"]')
    expect(exact).to_have_count(1)
    expect(exact).not_to_have_class(re.compile(r"\bapprox\b"))
    # A finger-sized target (24 px, WCAG 2.2), and the popup's close button speaks Indonesian.
    box_size = approx.bounding_box()
    assert box_size["width"] >= 24 and box_size["height"] >= 24
    approx.click()
    expect(page.locator(".leaflet-popup")).to_contain_text("Perkiraan: titik tengah desa")
    close = page.locator(".leaflet-popup-close-button")
    expect(close).to_have_attribute("aria-label", "Tutup")
    close.click()
    expect(page.locator(".leaflet-popup")).to_have_count(0)


def test_map_outline_popup_shows_the_score_as_the_hotspot_page_does(
    sign_in, page, pimpinan, petugas_unscoped, kecamatan, settings
):
    """The outline's popup prints the score with the Indonesian decimal comma (1,5), as the
    hotspot page does, not as JavaScript prints a number (1.5)."""
    settings.HOTSPOT_WEIGHTS = {"unresolved": 0.5}
    kecamatan.boundary = {
        "type": "Polygon",
        "coordinates": [
            [[112.2, -7.6], [112.3, -7.6], [112.3, -7.5], [112.2, -7.5], [112.2, -7.6]]
        ],
    }
    kecamatan.save()
    # Three unresolved reports without a place on the map: no marker over the outline.
    IncidentFactory.create_batch(3, kecamatan=kecamatan, reported_by=petugas_unscoped)
    sign_in(page, pimpinan.username)
    page.goto("/peta/")
    expect(page.get_by_test_id("map")).to_have_attribute("data-areas", "1")
    page.locator("path.hotspot-area").click()
    expect(page.locator(".leaflet-popup-content")).to_have_text(
        "Kecamatan Diwek: skor titik rawan 1,5"
    )


def test_above_the_marker_limit_the_map_shows_counts_per_kecamatan_and_says_so(
    sign_in, page, pimpinan, petugas_unscoped, kecamatan, settings
):
    """More reports than MAP_MAX_MARKERS: one count at the kecamatan's centre, the summary says
    why, and the count leads to the list of those reports."""
    settings.MAP_MAX_MARKERS = 2
    kecamatan.latitude, kecamatan.longitude = Decimal("-7.55"), Decimal("112.23")
    kecamatan.save()
    IncidentFactory.create_batch(3, kecamatan=kecamatan, reported_by=petugas_unscoped)
    sign_in(page, pimpinan.username)
    page.goto("/peta/")
    box = page.get_by_test_id("map")
    expect(box).to_have_attribute("data-areas-shown", "1")
    expect(page.get_by_test_id("map-summary")).to_contain_text(
        "3 laporan, lebih dari 2: ditampilkan sebagai jumlah per kecamatan"
    )
    count = page.locator(".leaflet-marker-icon.map-count")
    expect(count).to_have_text("3")
    count.click()
    page.get_by_role("link", name=f"{kecamatan.name}: 3 laporan — lihat daftar").click()
    expect(page).to_have_url(re.compile(rf"/laporan/\?kecamatan={kecamatan.pk}$"))
    expect(page.get_by_test_id("incident-table")).to_contain_text(kecamatan.name)
