"""The evaluation journey: the secretariat checks B08's readiness, fixes a missing evidence
file, reviews the computed values, scores the manual indicators with evidence, finalises the
year, follows a drill-down link and records the province's announced rank."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from evaluations.models import Evaluation, StoredResults
from tests.evaluations.conftest import WIB, world  # noqa: F401  (the hand-built 2024)
from tests.helpers import recount_elsewhere

MANUAL = [
    "kolaborasi.solusi_bersama",
    "komunikasi.keterbukaan_informasi",
    "inklusivitas.kelompok_rentan",
    "evaluasi.pelajaran_dicatat",
]


@pytest.mark.usefixtures("world")
def test_secretariat_evaluates_the_year(sign_in, page, world, sekretariat, photo):  # noqa: F811
    sign_in(page, "sekretariat")
    page.goto("/")
    page.get_by_role("link", name="Evaluasi", exact=True).click()
    page.get_by_role("link", name="Tahun 2024").click()
    page.get_by_role("link", name="Kesiapan", exact=True).click()
    page.get_by_role("link", name="B08", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kesiapan B08 2024")

    # 1.1's B08 report came without evidence: open it and attach the attendance list.
    missing = page.get_by_test_id("without-evidence")
    expect(missing).to_contain_text("1.1 Dialog kebangsaan")
    missing.get_by_role("link", name=re.compile("1.1 Dialog kebangsaan")).click()
    card = page.get_by_test_id("period-B08")
    card.get_by_test_id("add-evidence").locator("input[type=file]").first.set_input_files(photo)
    card.get_by_role("button", name="Unggah").click()
    expect(page.get_by_role("alert").first).to_contain_text(
        "Data dukung realisasi B08 ditambahkan."
    )
    page.go_back()
    page.go_back()
    page.reload()
    expect(page.get_by_test_id("without-evidence")).to_contain_text(
        "Semua realisasi sudah punya data dukung."
    )

    # The year's computed values: evidence now on two of three submitted realisations.
    # The page was computed and stored at the first visit and says so; a recount takes in
    # the new file.
    page.goto("/evaluasi/2024/tahun/")
    expect(page.get_by_test_id("status")).to_have_text("Draf · nilai tersimpan")
    expect(page.get_by_test_id("computed-at")).to_contain_text("dihitung pada")
    page.get_by_test_id("refresh").click()
    expect(page.get_by_role("alert").first).to_contain_text("dihitung ulang dari data terkini")
    expect(page.get_by_test_id("indicator-evaluasi.realisasi_berbukti")).to_contain_text("66,7%")
    expect(page.get_by_test_id("indicator-evaluasi.laporan_tepat_waktu")).to_contain_text("2/3")

    for code in MANUAL:
        page.get_by_test_id(f"score-{code}").click()
        page.get_by_label("Nilai (0-100)").fill("80")
        page.get_by_label("Alasan penilaian").fill("Notulen dan daftar hadir terlampir.")
        page.locator("#id_files").set_input_files(photo)
        page.get_by_role("button", name="Simpan nilai").click()
        expect(page.get_by_test_id(f"indicator-{code}")).to_contain_text("80,0")
    expect(page.get_by_test_id("indicator-evaluasi.pelajaran_dicatat")).to_contain_text(
        "foto-lokasi.jpg"
    )

    page.get_by_label("Saya mengerti: nilai evaluasi ini dibekukan").check()
    page.get_by_test_id("finalise").click()
    expect(page.get_by_test_id("status")).to_have_text("Final (nilai dibekukan)")
    total = page.get_by_test_id("total").inner_text()

    # Drill down: the resolved report behind the figure.
    page.get_by_test_id("drill-evaluasi.laporan_selesai").click()
    expect(page.get_by_test_id("records-incidents")).to_contain_text(world["i1"].reference)
    expect(page.get_by_test_id("records-incidents")).not_to_contain_text(world["i3"].reference)
    page.go_back()

    page.get_by_test_id("record-province").click()
    page.get_by_label("Peringkat dari provinsi").fill("6")
    page.get_by_label("Nilai dari provinsi").fill("87,5")
    page.get_by_label("Penghargaan").fill("Peringkat VI Jawa Timur")
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_test_id("province-rank")).to_have_text("Peringkat 6")
    expect(page.get_by_test_id("total")).to_have_text(total)

    evaluation = Evaluation.objects.get(year=2024, scope="tahun")
    assert evaluation.is_final and evaluation.province_rank == 6


@pytest.mark.usefixtures("world")
def test_leadership_reads_the_evaluation_on_a_phone(sign_in, phone_page, world, pimpinan):  # noqa: F811
    sign_in(phone_page, "pimpinan")
    phone_page.goto("/evaluasi/2024/tahun/")
    expect(phone_page.get_by_test_id("pillar-chart").locator("svg")).to_be_visible()
    expect(phone_page.get_by_test_id("score-kolaborasi.solusi_bersama")).to_have_count(0)
    # On a phone Chromium zooms a too-wide page out, so `innerWidth` grows with it: compare
    # with the phone's own width.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390


@pytest.mark.usefixtures("world")
def test_stale_values_being_recounted_are_shown_and_not_recounted_twice(sign_in, phone_page):
    page = phone_page
    sign_in(page, "sekretariat")
    page.goto("/evaluasi/2024/B04/")
    expect(page.get_by_test_id("status")).to_have_text("Draf · nilai terkini")
    stale_at = timezone.now() - timedelta(hours=3)
    StoredResults.objects.filter(year=2024, scope="B04").update(computed_at=stale_at)
    # Another reader is recounting B04 (it holds the recount lock in its own session).
    with recount_elsewhere(2024, "B04"):
        page.reload()
        expect(page.get_by_test_id("status")).to_have_text("Draf · nilai tersimpan")
        expect(page.get_by_test_id("computed-at")).to_contain_text(
            f"{timezone.localtime(stale_at, WIB):%H.%M}; sedang dihitung ulang"
        )
        page.get_by_test_id("refresh").click()
        expect(page.get_by_role("alert").first).to_contain_text("sedang dihitung ulang")
        stored = StoredResults.objects.get(year=2024, scope="B04")
        assert stored.computed_at == stale_at  # no second recount
    # The recount done, the next visit recounts the stale values itself.
    page.reload()
    expect(page.get_by_test_id("status")).to_have_text("Draf · nilai terkini")


# Each chart text's rendered size (its size in the drawing, scaled as the chart is drawn on
# the page), and how the comparison table fits its box.
CHART_TEXT_AND_TABLE = """() => {
  const sizes = [...document.querySelectorAll('svg.chart')].flatMap(svg => {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    return [...svg.querySelectorAll('text')].map(
      t => parseFloat(t.getAttribute('font-size')) * scale
    );
  });
  const table = document.querySelector('[data-testid=comparison]');
  return {
    smallest: Math.min(...sizes),
    charts: document.querySelectorAll('svg.chart').length,
    tableFits: table.scrollWidth <= table.parentElement.clientWidth,
    headers: [...table.querySelectorAll('th')].map(th => th.innerText.replace(/\\s+/g, ' ')),
    pageWidth: document.documentElement.scrollWidth,
  };
}"""


@pytest.mark.usefixtures("world")
@pytest.mark.parametrize(("screen", "width"), [("phone_page", 390), ("page", 1280)])
def test_the_charts_and_the_comparison_are_readable_on_a_phone_and_a_desktop(
    sign_in, request, pimpinan, screen, width
):
    """Chart labels were 6 px tall on a phone and 9 px on a desktop; at 1280 px the comparison
    table was cut off at "Evalu…" with its pillar names shortened to "Kolaborasi …"."""
    page = request.getfixturevalue(screen)
    sign_in(page, "pimpinan")
    page.goto("/evaluasi/2024/B08/")  # compared with B04 2024
    seen = page.evaluate(CHART_TEXT_AND_TABLE)
    assert seen["charts"] == 2
    assert seen["smallest"] >= 12, seen["smallest"]
    assert seen["tableFits"]
    assert "Evaluasi berkelanjutan" in seen["headers"]
    assert not any("…" in header for header in seen["headers"])
    assert seen["pageWidth"] <= width
