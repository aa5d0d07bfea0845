"""`make bench`: speed and memory of the report list and exports, as ratios against a baseline
measured in the same run (a small data set), so the numbers mean the same on any machine.

Targets: exports stream, so peak memory for 10x the rows stays within 1.5x of the baseline;
time grows at most linearly; the list page's time does not depend on how many reports exist.
"""

import time
import tracemalloc
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.choices import Role
from incidents.models import Incident
from tests.conftest import ensure_roles
from tests.factories import RegionFactory, UserFactory

pytestmark = pytest.mark.django_db

SMALL, LARGE = 1000, 10000
RESULTS = []


def seed(count, kecamatan, reporter, start=0):
    now = timezone.now()
    Incident.objects.bulk_create(
        [
            Incident(
                reference=f"PKS-2000-{start + n:06d}",
                kind="potensi",
                title=f"Laporan uji beban {n}",
                chronology="Kronologi uji beban. " * 20,
                occurred_at=now - timedelta(minutes=n),
                reported_by=reporter,
                information_source="masyarakat",
                kecamatan=kecamatan,
                conflict_source="poleksosbud",
                aspect="sosial_budaya",
                form="intimidasi",
                likelihood=1 + n % 4,
                impact=1 + (n // 4) % 4,
                status="diajukan",
            )
            for n in range(count)
        ],
        batch_size=1000,
    )


def measure(client, url):
    """Seconds and peak traced memory (bytes) to fetch and fully consume a response."""
    tracemalloc.start()
    started = time.perf_counter()
    response = client.get(url)
    # Consume the body chunk by chunk as a client would, without keeping it.
    chunks = response.streaming_content if response.streaming else [response.content]
    size = sum(len(chunk) for chunk in chunks)
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert response.status_code == 200 and size
    return elapsed, peak


@pytest.fixture
def setup(db):
    ensure_roles()
    regency = RegionFactory(code="35.17", level="kabupaten")
    kecamatan = RegionFactory(code="35.17.01", name="Perak", level="kecamatan", parent=regency)
    reporter = UserFactory(username="pelapor", roles=[Role.PETUGAS])
    reader = UserFactory(username="pembaca", roles=[Role.SEKRETARIAT])
    client = Client()
    client.force_login(reader)
    return kecamatan, reporter, client


def best_of(runs, client, url):
    results = [measure(client, url) for _ in range(runs)]
    return min(r[0] for r in results), min(r[1] for r in results)


@pytest.mark.parametrize("url", ["/laporan/ekspor.csv", "/laporan/ekspor.xlsx", "/laporan/"])
def test_scaling(setup, url):
    kecamatan, reporter, client = setup
    seed(SMALL, kecamatan, reporter)
    client.get(url)  # warm up templates, translations, connections
    base_time, base_memory = best_of(3, client, url)
    seed(LARGE - SMALL, kecamatan, reporter, start=SMALL)
    big_time, big_memory = best_of(3, client, url)

    time_ratio, memory_ratio = big_time / base_time, big_memory / base_memory
    RESULTS.append((url, base_time, time_ratio, base_memory, memory_ratio))
    print(
        f"\n{url:24} {SMALL}→{LARGE} rows: time x{time_ratio:.2f} "
        f"(baseline {base_time * 1000:.0f} ms), peak memory x{memory_ratio:.2f} "
        f"(baseline {base_memory / 1024:.0f} KiB)"
    )
    rows_ratio = LARGE / SMALL
    if url == "/laporan/":
        assert time_ratio < 3, "the list page slows down with the number of reports"
        assert memory_ratio < 1.5
    else:
        assert memory_ratio < 1.5, "export memory grows with the number of rows"
        assert time_ratio < rows_ratio * 1.5, "export time grows faster than linearly"
