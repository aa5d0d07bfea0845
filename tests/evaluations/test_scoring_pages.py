"""The secretariat's scoring pages: a finalisation with manual indicators still unscored is
refused with the names of those indicators, and a scored indicator opens with its score."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from evaluations import services
from evaluations.models import Evaluation
from tests.evaluations.test_services import score_all

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")

SCORE_URL = "/evaluasi/2024/B04/nilai/kolaborasi.solusi_bersama/"


def test_finalising_before_the_manual_scores_names_what_is_missing(client, world, sekretariat):
    client.force_login(sekretariat)

    response = client.post("/evaluasi/2024/B04/final/", {"confirm": "on"}, follow=True)

    page = response.content.decode()
    assert "Nilai dulu indikator manual:" in page
    assert not Evaluation.objects.filter(scope="B04", status="final").exists()


def test_a_scored_indicator_opens_with_its_score_and_justification(client, world, sekretariat):
    client.force_login(sekretariat)
    client.post(SCORE_URL, {"score": "75", "justification": "Notulen rapat terlampir."})

    form = client.get(SCORE_URL).content.decode()

    assert 'value="75"' in form
    assert "Notulen rapat terlampir." in form


def test_a_score_sent_after_a_colleague_finalised_keeps_the_text_and_says_so(
    client, world, sekretariat, sekretariat2, pimpinan
):
    evaluation = services.evaluation_get_or_create(year=2024, scope="B04")
    score_all(evaluation, sekretariat, score=Decimal(75))
    client.force_login(sekretariat)
    assert client.get(SCORE_URL).status_code == 200
    services.evaluation_finalise(evaluation=evaluation, by=sekretariat2)

    sent = client.post(SCORE_URL, {"score": "80", "justification": "Notulen rapat 3 Mei."})

    page = sent.content.decode()
    assert sent.status_code == 400
    assert "Evaluasi ini sudah final; nilainya tidak dapat diubah lagi." in page
    assert "Notulen rapat 3 Mei." in page  # what was typed is still there
    stored = evaluation.manual_scores.get(indicator_code="kolaborasi.solusi_bersama")
    assert stored.score == 75
    # Opened again (a bookmark): back to the evaluation, saying why.
    again = client.get(SCORE_URL, follow=True)
    assert again.redirect_chain == [("/evaluasi/2024/B04/", 302)]
    assert "Evaluasi ini sudah final" in again.content.decode()
    # The leadership is still refused for its role.
    client.force_login(pimpinan)
    assert client.get(SCORE_URL).status_code == 403
    assert client.post(SCORE_URL, {"score": "80", "justification": "x"}).status_code == 403


def test_a_period_is_not_finalised_before_its_reports_are_due(client, world, sekretariat):
    # Finalising is for good: B12 2024 (September-December) frozen before its realisations were
    # due on 10 January 2025 would have counted them half.
    evaluation = services.evaluation_get_or_create(year=2024, scope="B12")
    score_all(evaluation, sekretariat, score=Decimal(75))
    client.force_login(sekretariat)
    with time_machine.travel(datetime(2025, 1, 10, 9, tzinfo=WIB), tick=False):
        page = client.get("/evaluasi/2024/B12/").content.decode()
        assert "Dapat difinalkan setelah batas laporan periodenya (10 Januari 2025)." in page
        assert 'data-testid="finalise"' not in page
        response = client.post("/evaluasi/2024/B12/final/", {"confirm": "on"}, follow=True)
    assert (
        "Evaluasi ini baru dapat difinalkan setelah batas laporan periodenya (10 Januari 2025)."
        in response.content.decode()
    )
    assert not Evaluation.objects.get(scope="B12").is_final
    with time_machine.travel(datetime(2025, 1, 11, 9, tzinfo=WIB), tick=False):
        assert 'data-testid="finalise"' in client.get("/evaluasi/2024/B12/").content.decode()
        client.post("/evaluasi/2024/B12/final/", {"confirm": "on"})
    assert Evaluation.objects.get(scope="B12").is_final


def test_a_period_not_started_yet_has_no_data_rather_than_zero(client, world, sekretariat):
    client.force_login(sekretariat)
    with time_machine.travel(datetime(2024, 6, 1, 9, tzinfo=WIB), tick=False):
        response = client.get("/evaluasi/2024/B12/")
    page = " ".join(response.content.decode().split())
    assert "Periode ini belum dimulai (mulai 1 September 2024): belum ada yang dinilai." in page
    figures = response.context["figures"]
    assert figures.total is None  # not 0,0
    computed = [row for pillar in figures.pillars for row in pillar.indicators if not row.is_manual]
    assert computed and all(row.raw is None and row.score is None for row in computed)
    assert 'data-testid="total">—<' in page
    # Once it has started, the same page counts.
    with time_machine.travel(datetime(2024, 9, 2, 9, tzinfo=WIB), tick=False):
        started = client.get("/evaluasi/2024/B12/")
    assert 'data-testid="not-started"' not in started.content.decode()
    assert any(
        row.raw is not None
        for pillar in started.context["figures"].pillars
        for row in pillar.indicators
        if not row.is_manual
    )
