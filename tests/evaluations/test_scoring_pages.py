"""The secretariat's scoring pages: a finalisation with manual indicators still unscored is
refused with the names of those indicators, and a scored indicator opens with its score."""

import pytest

from evaluations.models import Evaluation

pytestmark = pytest.mark.django_db

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
