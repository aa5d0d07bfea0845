"""The official-report journeys: the secretariat previews, issues and downloads the B08 report;
the leadership downloads it; a field officer can neither issue nor download."""

import hashlib
from pathlib import Path

import pytest
from playwright.sync_api import expect

from reports.models import IssuedReport
from tests.action_plans.conftest import dinsos, plan, polres  # noqa: F401
from tests.browser.conftest import CHROMIUM_ARGS, PHONE, login  # noqa: F401
from tests.reports.conftest import year_2024  # noqa: F401


def sha256_of(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def fits_width(page) -> bool:
    # Not `innerWidth`: on a phone Chromium zooms a too-wide page out and it grows with it.
    return page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.fixture
def other_page(browser, live_server):
    contexts = []

    def make(**options):
        context = browser.new_context(base_url=live_server.url, locale="id-ID", **options)
        context.set_default_timeout(30_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def test_secretariat_issues_and_leadership_downloads(
    sign_in,
    page,
    other_page,
    year_2024,  # noqa: F811
    sekretariat,
    pimpinan,
    petugas,
):
    page.set_default_timeout(30_000)
    sign_in(page, "sekretariat")
    page.goto("/")
    page.get_by_role("link", name="Laporan resmi").first.click()
    page.get_by_label("Tahun").fill("2024")
    page.get_by_role("button", name="Tampilkan").click()
    page.get_by_test_id("preview-B08").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Periode B08")
    expect(page.locator(".watermark")).to_have_text("DRAF")
    expect(page.get_by_text("Diwek").first).to_be_visible()
    with page.expect_download() as draft:
        page.get_by_test_id("draft-pdf").click()
    assert draft.value.suggested_filename == "draf-laporan-periode-2024-B08.pdf"

    page.get_by_test_id("issue").click()
    expect(page.get_by_text("diterbitkan sebagai versi 1")).to_be_visible()
    report = IssuedReport.objects.get()
    with page.expect_download() as issued:
        page.get_by_test_id(f"download-{report.pk}").click()
    assert sha256_of(issued.value.path()) == report.sha256

    leader = other_page(**PHONE)
    sign_in(leader, "pimpinan")
    leader.goto("/")
    expect(leader.get_by_test_id("issued-reports")).to_contain_text("Periode B08")
    leader.goto("/laporan-resmi/")
    assert fits_width(leader)
    expect(leader.get_by_test_id("build")).to_have_count(0)  # no issuing for the leadership
    with leader.expect_download() as download:
        leader.get_by_test_id(f"download-{report.pk}").click()
    assert sha256_of(download.value.path()) == report.sha256

    officer = other_page()
    sign_in(officer, "petugas")
    officer.goto("/")
    expect(officer.get_by_role("link", name="Laporan resmi")).to_have_count(0)
    assert officer.goto("/laporan-resmi/").status == 403
    assert officer.goto(f"/laporan-resmi/terbit/{report.pk}/unduh/").status in (403, 404)
    assert officer.goto("/laporan-resmi/2024/periode/?periode=B08").status == 403
    response = officer.request.post(
        "/laporan-resmi/2024/periode/terbitkan/", form={"periode": "B08"}
    )
    assert response.status == 403
    assert IssuedReport.objects.count() == 1


# Cells of the wide matrices whose content is wider than the cell (it runs into the next one).
OVERFLOWING_CELLS = """
() => [...document.querySelectorAll("table.matrix th, table.matrix td")]
  .filter((cell) => cell.scrollWidth > cell.clientWidth + 1)
  .map((cell) => cell.textContent.trim())
"""
# Whether each matrix can be scrolled sideways inside its wrapper.
MATRIX_SCROLLS = """
() => [...document.querySelectorAll("table.matrix")].map((table) => {
  const wrap = table.closest(".table-wrap");
  return !!wrap && getComputedStyle(wrap).overflowX === "auto"
    && wrap.scrollWidth > wrap.clientWidth;
})
"""


@pytest.mark.parametrize("address", ["periode/?periode=B08", "rat/"])
def test_preview_matrix_scrolls_on_a_phone_without_overlapping_cells(
    sign_in,
    phone_page,
    year_2024,  # noqa: F811
    sekretariat,
    address,
):
    sign_in(phone_page, "sekretariat")
    phone_page.goto(f"/laporan-resmi/2024/{address}")
    expect(phone_page.locator("table.matrix")).to_be_visible()
    assert phone_page.evaluate(OVERFLOWING_CELLS) == []
    assert phone_page.evaluate(MATRIX_SCROLLS) == [True]
    assert fits_width(phone_page)


def test_preview_fits_a_phone(sign_in, phone_page, year_2024, sekretariat):  # noqa: F811
    sign_in(phone_page, "sekretariat")
    phone_page.goto("/laporan-resmi/2024/periode/?periode=B08")
    expect(phone_page.get_by_role("heading", level=1)).to_contain_text("B08")
    assert fits_width(phone_page)
    phone_page.goto("/laporan-resmi/?tahun=2024")
    assert fits_width(phone_page)
