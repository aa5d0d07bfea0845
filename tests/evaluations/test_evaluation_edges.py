"""Evaluation pages at their edges: weights for a year before any framework are not found, and
leadership cannot touch a frozen evaluation (a second finalise from them is refused, not
silently accepted)."""

import pytest

from evaluations.models import Evaluation

pytestmark = pytest.mark.django_db

MANUAL = [
    "kolaborasi.solusi_bersama",
    "komunikasi.keterbukaan_informasi",
    "inklusivitas.kelompok_rentan",
    "evaluasi.pelajaran_dicatat",
]


def test_weights_for_a_year_before_any_framework_are_not_found(client, world, sekretariat):
    client.force_login(sekretariat)
    assert client.get("/evaluasi/1999/bobot/").status_code == 404


def test_leadership_cannot_finalise_a_frozen_evaluation(client, world, sekretariat, pimpinan):
    client.force_login(sekretariat)
    for code in MANUAL:
        client.post(f"/evaluasi/2024/B04/nilai/{code}/", {"score": "75", "justification": "Ada."})
    client.post("/evaluasi/2024/B04/final/", {"confirm": "on"})
    assert Evaluation.objects.get(scope="B04").is_final

    client.force_login(pimpinan)
    assert client.post("/evaluasi/2024/B04/final/", {"confirm": "on"}).status_code == 403
