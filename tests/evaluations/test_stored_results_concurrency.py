"""Readers who find an evaluation's stored values stale at the same moment: one works them out,
the others wait and read what it stored (a year's recount takes seconds at scale)."""

import dataclasses
import time

import pytest

from evaluations import indicators
from evaluations.indicators import scope_for
from evaluations.selectors import indicator_results
from tests.helpers import run_in_threads

pytestmark = pytest.mark.django_db(transaction=True)

CODE = "evaluasi.laporan_selesai"


def test_readers_of_stale_values_work_them_out_once(world, monkeypatch):
    spec = indicators.REGISTRY[CODE]
    computations = []

    def slow(scope):
        computations.append(scope.code)
        time.sleep(0.3)  # long enough for every reader to arrive while it runs
        return spec.function(scope)

    monkeypatch.setitem(indicators.REGISTRY, CODE, dataclasses.replace(spec, function=slow))
    scope = scope_for(2024, "B04")

    def read(_index):
        results, computed_at = indicator_results(scope, [CODE])
        return results[CODE].numerator, computed_at

    answers, errors = run_in_threads(4, read)

    assert errors == []
    assert computations == ["B04"]
    assert len(set(answers)) == 1  # the same value and time for every reader
