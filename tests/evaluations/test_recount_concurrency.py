"""Stale stored evaluation values with several readers at once, each on its own database
connection: one reader recounts, the others get the stored values at once and are told they are
being recounted; a second "Hitung ulang" while one runs starts nothing."""

import dataclasses
import threading
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.models import F
from django.test import Client
from django.utils import timezone

from core.models import ActivityLog
from evaluations import indicators
from evaluations.models import StoredResults
from tests.evaluations.conftest import WIB, at, incident

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = "/evaluasi/2024/B04/"
CODE = "evaluasi.laporan_selesai"
HOLD = 20  # seconds a held recount waits at most for the test to let it go


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def hold_recounts_of_b04(monkeypatch):
    """From now on, working out CODE for 2024 B04 is recorded and held until `release` is
    set: the recount is still running while the test sends other requests."""
    spec = indicators.REGISTRY[CODE]
    state = SimpleNamespace(started=threading.Event(), release=threading.Event(), runs=[])

    def held(scope):
        if (scope.year, scope.code) == (2024, "B04"):
            state.runs.append(scope.code)
            state.started.set()
            state.release.wait(timeout=HOLD)
        return spec.function(scope)

    monkeypatch.setitem(indicators.REGISTRY, CODE, dataclasses.replace(spec, function=held))
    return state


def in_thread(target) -> tuple[threading.Thread, dict]:
    """Run `target()` in a thread with its own database connection: (thread, outcome)."""
    outcome = {}

    def run():
        try:
            outcome["value"] = target()
        except Exception as error:  # asserted on by the test
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def resolved(figures):
    return figures.indicator(CODE).numerator


def test_one_reader_recounts_stale_values_while_another_gets_them_at_once(
    world, sekretariat, pimpinan, monkeypatch
):
    reader = signed_in(pimpinan)
    before = resolved(reader.get(PAGE).context["figures"])  # the first visit stores them
    kecamatan = world["i1"].kecamatan
    incident(reported=at(2024, 2, 3), status="selesai", kecamatan=kecamatan, by=pimpinan)
    StoredResults.objects.filter(year=2024, scope="B04").update(
        computed_at=F("computed_at") - timedelta(hours=2)
    )
    stale_at = StoredResults.objects.get(year=2024, scope="B04").computed_at
    held = hold_recounts_of_b04(monkeypatch)

    thread, first = in_thread(lambda: signed_in(sekretariat).get(PAGE))
    assert held.started.wait(timeout=HOLD), first
    started = time.monotonic()
    response = reader.get(PAGE)
    waited = time.monotonic() - started
    held.release.set()
    thread.join(timeout=60)

    # The second reader was not held behind the recount and saw the stored values, told so.
    assert waited < HOLD / 2
    figures = response.context["figures"]
    assert figures.values_source == "recounting"
    assert resolved(figures) == before
    assert figures.computed_time == stale_at
    page = response.content.decode()
    assert "Draf · nilai tersimpan" in page
    assert "sedang dihitung ulang" in page
    assert timezone.localtime(stale_at, WIB).strftime("%H.%M") in page
    # The first reader recounted, once, and stored what it found. (Its page, not its context:
    # a test client in one thread also records the templates another thread renders.)
    assert "error" not in first, first
    assert "Draf · nilai terkini" in first["value"].content.decode()
    assert held.runs == ["B04"]
    recounted = StoredResults.objects.get(year=2024, scope="B04")
    assert recounted.computed_at > stale_at
    assert recounted.results[CODE]["numerator"] == before + 1
    # And the next reader reads the fresh stored values.
    again = reader.get(PAGE).context["figures"]
    assert (again.values_source, resolved(again)) == ("stored", before + 1)


def test_recount_button_pressed_twice_runs_one_recount(world, sekretariat, monkeypatch):
    client = signed_in(sekretariat)
    client.get(PAGE)  # stored, fresh
    held = hold_recounts_of_b04(monkeypatch)

    thread, first = in_thread(lambda: signed_in(sekretariat).post(f"{PAGE}hitung-ulang/"))
    assert held.started.wait(timeout=HOLD), first
    second = client.post(f"{PAGE}hitung-ulang/", follow=True)
    held.release.set()
    thread.join(timeout=60)

    assert second.status_code == 200
    assert "sedang dihitung ulang" in second.content.decode()
    assert "error" not in first, first
    assert first["value"].status_code == 302
    assert held.runs == ["B04"]
    assert ActivityLog.objects.filter(action="evaluations.refresh").count() == 1
