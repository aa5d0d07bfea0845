"""The documents' figures are the pages' figures on the same data: a word such as "terlambat"
or "rata-rata capaian" means one thing in the PDF, on the dashboard, in the RAT summary and on
the evaluation page. The fixture year is tests/reports/conftest.py's; B08 is due on 10 September
2024, and by then 1.1, 2.1 and 3.1 were reported (3.1 on the due date itself), 1.2 came on
20 September and 3.2 never did."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from reports import documents
from tests.reports.helpers import pdf_text, squash

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")


def figure(page: str, testid: str, until: str = "div") -> str:
    """The text of the element carrying `data-testid` up to its first closing `until` tag,
    tags and surrounding spaces removed."""
    match = re.search(rf'data-testid="{re.escape(testid)}"[^>]*>(.*?)</{until}>', page, re.S)
    assert match, testid
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def test_late_and_missing_reports_are_counted_apart_as_the_dashboard_counts_them(
    client, year_2024, sekretariat, default_framework
):
    client.force_login(sekretariat)
    with time_machine.travel(datetime(2024, 9, 25, 9, tzinfo=WIB), tick=False):
        dashboard = client.get("/").content.decode()
        overview = client.get("/rat/2024/ringkasan/").content.decode()
        evaluation = client.get("/evaluasi/2024/B08/").content.decode()
        text = pdf_text(documents.build("period", 2024, "B08").pdf(draft=False))
        annual = pdf_text(documents.build("annual", 2024).pdf(draft=False))

    # The dashboard's "Laporan realisasi terlambat" and the RAT summary's late agencies are the
    # reports still missing after the due date: 3.2 alone.
    assert figure(dashboard, "plan-overdue") == "1"
    assert re.search(r"B08 · batas .*?<li>[^<]*: 3\.2 Kegiatan 3\.2</li>", overview, re.S)
    # The document says the same, and counts the report handed in late apart from it (it read
    # "realisasi disampaikan 4 dari 5 kegiatan bertarget, 1 terlambat").
    assert squash("Belum disampaikan, lewat batas 1") in text
    assert squash("Disampaikan terlambat 1") in text
    # The evaluation's on-time indicator counts 3 of the 5 reports owed, as the document does.
    assert "60% 3/5" in figure(evaluation, "indicator-evaluasi.laporan_tepat_waktu", "tr")
    assert squash("Kegiatan yang wajib melapor 5") in text
    assert squash("Disampaikan tepat waktu 3") in text
    # The annual report's table by period: owed, on time, late, missing, not yet due.
    assert squash("B08 (Mei–Agustus) 10 September 2024 5 3 1 1 0") in annual


def test_a_report_not_due_yet_is_not_missing(client, year_2024, sekretariat):
    # On 5 September B08 is over and its report not due yet: 3.2 has until 10 September. The
    # dashboard counts nothing overdue; neither does the document.
    client.force_login(sekretariat)
    with time_machine.travel(datetime(2024, 9, 5, 9, tzinfo=WIB), tick=False):
        dashboard = client.get("/").content.decode()
        document = documents.build("period", 2024, "B08")
    assert figure(dashboard, "plan-overdue") == "0"
    counts = {status.value: n for status, n in document.context["timeliness"]["counts"].items()}
    assert counts["lewat_batas"] == 0
    assert counts["belum_batas"] == 1


def test_mean_achievement_and_classes_are_the_evaluation_s(client, year_2024, sekretariat):
    # B08: 1.1 did 2 of 1 (200 %), 1.2 3 of 4, 2.1 2 of 2, 3.1 1 of 4, 3.2 nothing. The
    # evaluation caps each activity at 100 % before the mean (units differ): (100 + 75 + 100
    # + 25 + 0) / 5 = 60 %. The document printed the uncapped mean, 80 %.
    client.force_login(sekretariat)
    evaluation = client.get("/evaluasi/2024/B08/").content.decode()
    text = pdf_text(documents.build("period", 2024, "B08").pdf(draft=False))
    annual = pdf_text(documents.build("annual", 2024).pdf(draft=False))

    assert figure(evaluation, "mean-achievement") == "60,0%"
    label = "Rata-rata capaian kegiatan (tiap kegiatan dibatasi 100%)"
    assert squash(f"{label}: 60,0%") in text
    assert label in evaluation  # the same words on the page
    assert squash("B08 (Mei–Agustus) 60,0%") in annual
    assert "80,0%" not in text and "80,0%" not in annual
    # The classes per stage (uncapped: 1.1 exceeds its target) are the page's too.
    table = figure(evaluation, "classes-by-stage", "table")
    for stage in ("Pencegahan", "Penghentian", "Pemulihan pascakonflik"):
        counts = re.search(rf"{stage} ((?:\d+ ?){{4}})", table).group(1)
        assert squash(f"{stage} {counts}") in text, stage
