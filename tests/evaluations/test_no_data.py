"""A year or period with nothing to evaluate (no action plan, no report of conflict) says so:
it read as a score of 0,0 ("Tahun 2023 · 0,0"), compared next to the year that had data and
linked to a full draft evaluation of nothing."""

import re
from html import unescape

import pytest

from evaluations.models import StoredResults
from evaluations.selectors import evaluation_figures
from tests.evaluations.conftest import at, incident

pytestmark = pytest.mark.django_db


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_a_year_without_plan_or_reports_has_no_figures(world):
    figures = evaluation_figures(2023)
    assert not figures.has_data
    assert figures.total is None
    assert {p.score for p in figures.pillars} == {None}
    assert {row.raw for row in figures.indicators} == {None}
    assert not StoredResults.objects.filter(year=2023).exists()  # nothing worked out or kept


def test_its_page_says_there_is_no_data(client, world, sekretariat):
    client.force_login(sekretariat)
    page = client.get("/evaluasi/2023/tahun/").content.decode()
    assert 'data-testid="no-data"' in page
    assert re.search(r'data-testid="total"><span[^>]*>tidak ada data<', page)
    assert "0,0" not in text(page)


@pytest.mark.parametrize(
    ("url", "missing"),
    [("/evaluasi/2024/B04/", ["B12 2023", "B04 2023"]), ("/evaluasi/2024/tahun/", ["Tahun 2023"])],
)
def test_it_is_not_compared_as_a_score_nor_linked(client, world, sekretariat, url, missing):
    client.force_login(sekretariat)
    page = client.get(url).content.decode()
    assert 'data-testid="comparison"' not in page  # nothing left to compare with
    note = text(page[page.index('data-testid="compared-without-data">') + 36 :])
    assert note.startswith(f"Tidak ada data untuk dibandingkan: {', '.join(missing)}.")
    assert 'href="/evaluasi/2023/' not in page


def test_a_year_without_plan_but_with_reports_is_evaluated(world, sekretariat):
    incident(
        reported=at(2023, 5, 3),
        status="selesai",
        kecamatan=world["i1"].kecamatan,
        by=sekretariat,
    )
    year, b08, b04 = (evaluation_figures(2023, code) for code in (None, "B08", "B04"))
    assert year.has_data and b08.has_data and not b04.has_data
    assert year.indicator("evaluasi.laporan_selesai").raw == 100
