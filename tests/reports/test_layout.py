"""Every column of the documents is on the page and no word is broken inside: the annual
comparison by period had ten columns on portrait A4 and lost its last three off the page, its
"Periode" column was one letter wide, and the notable cases and the period matrix broke words
("PKS-20/26-000/4", "Keca/mata/n", "Novembe/r", "Disampaika/n"). Checked in WeasyPrint's layout
boxes (tests/reports/helpers.layout_problems) and in the PDF's text as pdftotext lays it out."""

import subprocess
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from directory.choices import RegionLevel
from reports import documents
from tests.factories import AgencyFactory, IncidentFactory, RegionFactory
from tests.reports.helpers import layout_problems

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def long_words(year_2024, regency):
    """The fixture year with the longest words a Jombang document meets: the longest
    kecamatan name, November dates, a long agency name, a two-digit casualty count."""
    bandar = RegionFactory(
        code="35.17.13", name="Bandarkedungmulyo", level=RegionLevel.KECAMATAN, parent=regency
    )
    cases = [
        IncidentFactory(
            event=True,
            kecamatan=bandar,
            status=status,
            occurred_at=datetime(2024, 11, 20, 10, tzinfo=WIB),
            injured=12,
            displaced=None,
        )
        for status in ("diverifikasi", "selesai")
    ]
    activity = year_2024.activities.get(code="3.2")
    activity.responsible_agency = AgencyFactory(
        name="Dinas Pemberdayaan Perempuan, Perlindungan Anak, Pengendalian Penduduk dan "
        "Keluarga Berencana"
    )
    activity.save()
    return cases


def pdftotext(content: bytes) -> str:
    """The PDF's text laid out as printed (poppler's pdftotext, a test dependency): words
    stay whole unless the PDF itself breaks them."""
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


@pytest.mark.parametrize(
    ("kind", "period"), [("annual", ""), ("period", "B08"), ("period", "B12"), ("rat", "")]
)
def test_no_text_leaves_the_page_and_no_word_is_broken(long_words, kind, period):
    assert layout_problems(documents.build(kind, 2024, period)) == []


def test_the_period_comparison_and_notable_cases_read_whole_in_the_pdf(long_words):
    text = pdftotext(documents.build("annual", 2024).pdf(draft=False))
    words = set(text.split())
    headers = [
        "Periode",
        "Melampaui target",
        "Tercapai",
        "Mendekati target",
        "Di bawah target",
        "Realisasi anggaran",
        "Disampaikan tepat waktu",
        "Belum disampaikan, lewat batas",
        "Nomor",
        "Tanggal",
        "Kecamatan",
    ]
    for header in headers:
        for word in header.split():
            assert word in words, (header, word)
    # A reference number and a date each on one line, the period named on its row.
    for case in long_words:
        assert case.reference in words
    assert "20 November 2024" in text
    assert "Bandarkedungmulyo" in words
    assert "(Januari–April)" in words


def test_the_period_matrix_heading_reads_whole_in_the_pdf(long_words):
    text = pdftotext(documents.build("period", 2024, "B08").pdf(draft=False))
    # The matrix's heading row, first line: every column's first word whole on it.
    heading = next(line.split() for line in text.splitlines() if "Kendala" in line.split())
    for word in ("Kode", "Kegiatan", "Penanggung", "Target", "Realisasi", "Capaian", "Kelas"):
        assert word in heading, word
    for word in ("Anggaran", "Serapan", "Kendala", "Tindak", "Disampaikan"):
        assert word in heading, word
