"""`make bench` in miniature (2,000 reports, one round, no targets), so the harness and the
seeding SQL cannot rot between the occasional full runs at a million reports."""

import pytest
from django.db import connection
from django.test import override_settings

from bench import run as bench
from dashboard.benchdata import bench_seed, bench_users
from incidents.models import HandlingStep, Incident, IncidentAuthorTally, IncidentTally, Party

pytestmark = pytest.mark.django_db


def test_bench_seeds_and_measures_every_page(roles, kecamatan, other_kecamatan, desa, agency):
    result = bench_seed(reports=2000)
    # The planner's statistics of what was just seeded, as `bench_seed` gathers them outside a
    # test (its VACUUM ANALYZE cannot run in the test's transaction; ANALYZE can, and counts the
    # transaction's own rows). Statistics an earlier autovacuum took of the same tables while
    # they were empty but not yet truncated make PostgreSQL plan nested loops over the 2,000
    # reports: the test took 360-410 s instead of 20 s.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    assert result["reports"] == Incident.objects.count() == 2000
    assert Party.objects.exists() and HandlingStep.objects.exists()
    assert result["plans"] == 12  # one RAT a year, 2015-2026
    # The spread the bench needs: every status, about a tenth restricted, a tally that adds up.
    assert set(Incident.objects.values_list("status", flat=True)) >= {"draft", "ditolak", "selesai"}
    restricted = Incident.objects.filter(confidentiality="terbatas").count()
    assert 100 < restricted < 300
    assert sum(IncidentTally.objects.values_list("count", flat=True)) == 2000
    assert sum(IncidentAuthorTally.objects.values_list("count", flat=True)) == 2000

    users = bench_users()
    personas = [("secretariat", users["secretariat"]), ("officer", users["officers"][0])]
    with override_settings(ROOT_URLCONF="bench.urls", STORAGES=bench.PLAIN_STATIC):
        plan = bench.run(personas, runs=1, warmup=0)
    table, _ok = bench.report(plan, 2000, 1)

    expected = 0
    for label, user in personas:
        measures = bench.measures_for(label, user, bench.context_for(user))
        expected += len(measures)
        for measure in measures:
            assert f"| {measure.name} | {label} |" in table
    assert len(plan) == expected
    assert "| evaluation index | secretariat |" in table and "| map data" in table
    assert "| admin " in table and "| sql " in table


def test_export_and_load_tables_say_what_limits_them():
    sample = {"status": 200, "first_byte": 0.2, "total": 4.0, "bytes": 2**20, "peak_mb": 9}
    exports, ok = bench.export_report(
        [
            {"format": "csv", "rows": 100_000, "samples": [{**sample, "cpu": 0.5, "db_cpu": 2.5}]},
            {
                "format": "xlsx",
                "rows": 100_000,
                "samples": [{**sample, "cpu": 3.5, "db_cpu": None}],
            },
        ]
    )
    # The database's CPU is its own column (PostgreSQL writes the rows); a dash where unreadable.
    assert ok and "| csv | 100,000 | 4.0 | 0.20 | 9 | 1.0 | 0.5 | 2.5 |" in exports
    assert "| xlsx | 100,000 | 4.0 | 0.20 | 9 | 1.0 | 3.5 | – |" in exports
    load = {
        "clients": 50,
        "seconds": 60,
        "workers": 3,
        "threads": 4,
        "requests": 1200,
        "rps": 20.0,
        "median_ms": 900,
        "p95_ms": 2000,
        "errors": 0,
        "error_samples": [],
        "by_kind": {"list": (600, 800.0)},
        "app_cpu_ms": 60,
        "db_cpu_ms": 20,
        "load_average": 3.0,
    }
    table, ok = bench.load_report(load)
    assert not ok and "gunicorn 3 workers × 4 threads | 1,200 | 20.0 |" in table
    assert "CPU per request: gunicorn 60 ms + PostgreSQL 20 ms" in table
