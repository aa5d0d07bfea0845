"""`make bench`: the report list and the dashboard at scale, for the secretariat and for a
kecamatan officer, each measure interleaved with its baselines in one run.

    DJANGO_DB_NAME=portal_bench python manage.py seed_bench --reports 1000000
    DJANGO_DB_NAME=portal_bench DJANGO_DEBUG=false ... python bench/run.py [--runs 15]

Server time in-process (Django's test client, production settings, persistent connections),
after a warm-up. Baselines, measured in the same rounds:
- `sql`: the page's own queries replayed through a bare psycopg connection — what the database
  alone costs; the ratio is the price of Django, templates and Python;
- `admin`: a stock Django admin changelist of the same model and filters (bench/urls.py).
Prints a table, writes it to bench/results.md, and exits 1 when a target is missed.
"""

import argparse
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jombang_portal.settings")

import warnings  # noqa: E402

import django  # noqa: E402

# WhiteNoise warns that `collectstatic` has not run; the bench reads no static files.
warnings.filterwarnings("ignore", message="No directory at")

django.setup()

import psycopg  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from bench import pdf  # noqa: E402
from incidents.models import Incident  # noqa: E402

TARGET_MS = 50
RESULTS_FILE = ROOT / "bench" / "results.md"
# The manifest storage needs `collectstatic`; resolving a static URL costs the same either way.
PLAIN_STATIC = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


@dataclass
class Measure:
    name: str
    url: str
    admin_url: str = ""  # compare with the stock changelist (ratio target 0.2)
    sql_ratio_target: float | None = None  # at most this many times its own SQL
    target_ms: float = TARGET_MS
    times: list = field(default_factory=list)
    sql_times: list = field(default_factory=list)
    admin_times: list = field(default_factory=list)
    queries: int = 0
    sql: list = field(default_factory=list)


def measures_for(kecamatan_id: int) -> list[Measure]:
    year_filter = (
        f"?kecamatan={kecamatan_id}&occurred_from=2024-01-01&occurred_to=2024-12-31"
        "&status=diverifikasi"
    )
    return [
        Measure("list page 1", "/laporan/", admin_url="/bench-baseline/incidents/incident/"),
        Measure("list kecamatan+year+status", "/laporan/" + year_filter, sql_ratio_target=2),
        Measure("list page 2,000 (deepest)", "/laporan/?page=2000"),
        Measure("search 'warga'", "/laporan/?q=warga"),
        Measure("sort by title", "/laporan/?sort=title"),
        Measure("sort by risk", "/laporan/?sort=-risk_level"),
        Measure("card link ?status=diajukan", "/laporan/?status=diajukan"),
        Measure("dashboard", "/"),
    ]


def timed_get(client, url) -> float:
    started = time.perf_counter()
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    elapsed = time.perf_counter() - started
    if response.status_code != 200 or not body:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return elapsed * 1000


def replay(raw, statements) -> float:
    started = time.perf_counter()
    with raw.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
            if cursor.description:
                cursor.fetchall()
    return (time.perf_counter() - started) * 1000


def explain(raw, plan) -> str:
    """The query plan of each measure's slowest query (EXPLAIN ANALYZE), for docs/scaling.md."""
    out = []
    for label, _client, m in plan:
        reports = [statement for statement in m.sql if "incidents_" in statement] or m.sql
        slowest = max(reports, key=lambda statement: replay(raw, [statement]))
        with raw.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF) " + slowest)
            lines = [row[0] for row in cursor.fetchall()]
        out.append(f"### {m.name} — {label}\n\n```\n" + "\n".join(lines) + "\n```\n")
    return "\n".join(out)


def p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def run(personas, runs: int, warmup: int):
    params = connection.get_connection_params()
    raw = psycopg.connect(**params, autocommit=True)
    plan = []
    for label, user in personas:
        client = Client()
        client.force_login(user)
        kecamatan_id = (
            user.kecamatan_id or Incident.objects.values_list("kecamatan_id", flat=True).first()
        )
        for measure in measures_for(kecamatan_id):
            if measure.admin_url and user.kecamatan_id:
                measure.admin_url += f"?kecamatan__id__exact={user.kecamatan_id}"
            with CaptureQueriesContext(connection) as captured:
                timed_get(client, measure.url)
            measure.queries = len(captured)
            # Reads only (a server-side cursor's DECLARE/FETCH pair is replayed as its SELECT).
            measure.sql = [
                query["sql"].split(" CURSOR WITH HOLD FOR ", 1)[-1].split(" CURSOR FOR ", 1)[-1]
                for query in captured.captured_queries
                if query["sql"].startswith(("SELECT", "WITH", "DECLARE"))
            ]
            plan.append((label, client, measure))
    for _ in range(warmup):
        for _label, client, measure in plan:
            timed_get(client, measure.url)
            if measure.admin_url:
                timed_get(client, measure.admin_url)
    # Interleaved: each round measures every page and its baselines back to back, so a burst
    # of load on the machine hits a measure and its baseline alike.
    for _ in range(runs):
        for _label, client, measure in plan:
            measure.times.append(timed_get(client, measure.url))
            measure.sql_times.append(replay(raw, measure.sql))
            if measure.admin_url:
                measure.admin_times.append(timed_get(client, measure.admin_url))
    raw.close()
    return plan


def report(plan, reports: int, runs: int) -> tuple[str, bool]:
    lines = [
        f"Reports in the database: {reports:,}; {runs} runs after warm-up; server time in ms; "
        f"machine load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the end.",
        "",
        "| measure | persona | median | p95 | queries | baseline | ratio | target | pass |",
        "|---|---|---:|---:|---:|---|---:|---|---|",
    ]
    all_pass = True
    for label, _client, m in plan:
        median = statistics.median(m.times)
        checks = [median <= m.target_ms]
        target = f"≤ {m.target_ms:.0f} ms"
        baselines = [("sql", statistics.median(m.sql_times))]
        if m.admin_times:
            baselines.append(("admin", statistics.median(m.admin_times)))
        for name, value in baselines:
            ratio = median / value if value else float("inf")
            row_target = target
            if name == "admin":
                checks.append(ratio <= 0.2)
                row_target += ", ≤ 0.2× admin"
            elif m.sql_ratio_target:
                checks.append(ratio <= m.sql_ratio_target)
                row_target += f", ≤ {m.sql_ratio_target:g}× sql"
            ok = all(checks)
            all_pass &= ok
            lines.append(
                f"| {m.name} | {label} | {median:.1f} | {p95(m.times):.1f} | {m.queries} | "
                f"{name} {value:.1f} | {ratio:.2f} | {row_target} | {'PASS' if ok else 'FAIL'} |"
            )
    return "\n".join(lines), all_pass


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--output", type=lambda v: Path(v) if v else None, default=RESULTS_FILE)
    parser.add_argument("--officer", default="bench_petugas_01")
    parser.add_argument("--explain", action="store_true", help="print each slowest query's plan")
    args = parser.parse_args(argv)
    personas = [
        ("secretariat", User.objects.get(username="bench_sekretariat")),
        ("officer", User.objects.get(username=args.officer)),
    ]
    with override_settings(ROOT_URLCONF="bench.urls", STORAGES=PLAIN_STATIC):
        plan = run(personas, args.runs, args.warmup)
    table, ok = report(plan, Incident.objects.count(), args.runs)
    table, ok = pdf.extend(table, ok, runs=args.runs)
    print(table)
    if args.explain:
        with psycopg.connect(**connection.get_connection_params(), autocommit=True) as raw:
            print(explain(raw, plan))
    if args.output:
        args.output.write_text(
            "# Bench results\n\nWritten by `make bench` (bench/run.py); see docs/scaling.md for "
            "what limits each measure and the query plans.\n\n" + table + "\n"
        )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
