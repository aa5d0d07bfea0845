"""`make bench`: the portal's pages at scale, for the secretariat and for a kecamatan officer,
each measure interleaved with its baselines in one run; then the exports and a load test.

    DJANGO_DB_NAME=portal_bench python manage.py seed_bench --reports 1000000
    DJANGO_DB_NAME=portal_bench DJANGO_DEBUG=false ... python bench/run.py [--runs 15]

Server time in-process (Django's test client, production settings, persistent connections),
after a warm-up. Baselines, measured in the same rounds:
- `sql`: the page's own queries replayed through a bare psycopg connection — what the database
  alone costs; the ratio is the price of Django, templates and Python;
- `admin`: a stock Django admin changelist of the same model and filters (bench/urls.py).
Prints a table, writes it to bench/results.md, and exits 1 when a target is missed.

Measures come in groups (`MEASURE_GROUPS`): each is a function `(label, user, ctx) -> list of
Measure` (`ctx`: a dict with the kecamatan and deep-page cursor already worked out); a group
returns no measure for a persona it does not concern. A new group (e.g. the official PDFs) is a
module with such a function, appended to the list.
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
from django.http import QueryDict  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from accounts.models import User  # noqa: E402
from bench import pdf  # noqa: E402
from bench.load import load_test  # noqa: E402
from core.pagination import Keyset  # noqa: E402
from dashboard.benchdata import BENCH_PASSWORD  # noqa: E402
from directory.models import Region  # noqa: E402
from incidents.filters import IncidentFilter  # noqa: E402
from incidents.models import Incident  # noqa: E402

TARGET_MS = 50
MAP_TARGET_MS = 150  # up to 5,000 markers of JSON, read once per map visit
DEEP_ROW = 50_000
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


def list_measures(label, user, ctx) -> list[Measure]:
    year_filter = (
        f"?kecamatan={ctx['kecamatan_id']}&occurred_from=2024-01-01&occurred_to=2024-12-31"
        "&status=diverifikasi"
    )
    admin_url = "/bench-baseline/incidents/incident/"
    if user.kecamatan_id:
        admin_url += f"?kecamatan__id__exact={user.kecamatan_id}"
    return [
        Measure("list page 1", "/laporan/", admin_url=admin_url),
        Measure("list kecamatan+year+status", "/laporan/" + year_filter, sql_ratio_target=2),
        # Row 50,000 onwards (page 2,000 of 25) and the very last page, by cursor.
        Measure("list page 2,000 (cursor)", f"/laporan/?after={ctx['deep_cursor']}"),
        Measure("list last page", "/laporan/?last=1"),
        Measure("search 'warga'", "/laporan/?q=warga"),
        Measure("sort by title", "/laporan/?sort=title"),
        Measure("sort by risk", "/laporan/?sort=-risk_level"),
        Measure("sort by status (workflow)", "/laporan/?sort=status"),
        Measure("card link ?status=diajukan", "/laporan/?status=diajukan"),
    ]


def dashboard_measures(label, user, ctx) -> list[Measure]:
    return [Measure("dashboard", "/")]


def map_measures(label, user, ctx) -> list[Measure]:
    # At most MAP_MAX_MARKERS newest markers of the visible reports, as JSON.
    return [Measure("map data (peta/data.json)", "/peta/data.json", target_ms=MAP_TARGET_MS)]


def evaluation_measures(label, user, ctx) -> list[Measure]:
    if not user.has_perm("evaluations.view_evaluation"):
        return []
    year = timezone.localdate().year - 1
    return [
        Measure("evaluation index", "/evaluasi/"),
        Measure(f"evaluation {year} (year)", f"/evaluasi/{year}/tahun/"),
        Measure(f"evaluation readiness {year + 1}", f"/evaluasi/{year + 1}/kesiapan/"),
    ]


# The official PDFs' measures (bench/pdf.py) join here.
MEASURE_GROUPS = [list_measures, dashboard_measures, map_measures, evaluation_measures]


def measures_for(label, user, ctx) -> list[Measure]:
    return [measure for group in MEASURE_GROUPS for measure in group(label, user, ctx)]


def context_for(user) -> dict:
    """What the measures' URLs need: a kecamatan to filter by, the cursor of row 50,000."""
    visible = Incident.objects.visible_to(user)
    kecamatan_id = user.kecamatan_id or visible.values_list("kecamatan_id", flat=True).first()
    ordered = visible.order_by("-occurred_at", "-pk").only("occurred_at")
    deep = ordered[DEEP_ROW : DEEP_ROW + 1].first() or ordered.last()
    cursor = Keyset(visible).encode(deep) if deep else ""
    return {"kecamatan_id": kecamatan_id, "deep_cursor": cursor}


def signed_in(user) -> Client:
    """A client signed in as `user`, past the second factor when the account must use one (as
    after typing a code: a confirmed authenticator, its id in the session), so the bench
    measures the pages behind the two-factor middleware, not its redirect."""
    client = Client()
    client.force_login(user)
    if user.has_perm("accounts.require_two_factor"):
        device, _created = TOTPDevice.objects.get_or_create(
            user=user, name="bench", defaults={"confirmed": True}
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


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
        client = signed_in(user)
        for measure in measures_for(label, user, context_for(user)):
            # The queries of a page's second visit: a first visit of an evaluation page may work
            # its values out and store them, which the timed visits (and their baseline) do not.
            timed_get(client, measure.url)
            with CaptureQueriesContext(connection) as captured:
                timed_get(client, measure.url)
            measure.queries = len(captured)
            # Reads only (a server-side cursor's DECLARE/FETCH pair is replayed as its SELECT),
            # without pghistory's context prefix and locking reads.
            statements = [
                query["sql"].split("; ", 1)[-1]
                if query["sql"].startswith("SELECT set_config('pghistory.")
                else query["sql"]
                for query in captured.captured_queries
            ]
            measure.sql = [
                sql.split(" CURSOR WITH HOLD FOR ", 1)[-1].split(" CURSOR FOR ", 1)[-1]
                for sql in statements
                if sql.startswith(("SELECT", "WITH", "DECLARE")) and not sql.endswith("FOR UPDATE")
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


EXPORT_ROWS = 100_000
EXPORT_TARGETS = {"csv": 5.0, "xlsx": 15.0}  # seconds
EXPORT_PEAK_MB = 150
EXPORT_FIRST_BYTE_S = 1.0


def export_query(user, rows: int = EXPORT_ROWS) -> str:
    """The list filter of the newest `rows` reports the user sees (from the day of row `rows`)."""
    visible = Incident.objects.visible_to(user).order_by("-occurred_at", "-pk")
    row = visible.only("occurred_at")[rows - 1 : rows].first() or visible.last()
    return f"occurred_from={timezone.localtime(row.occurred_at).date():%Y-%m-%d}"


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _backend_cpu() -> float | None:
    """CPU seconds the database server process of this connection has used so far (read from
    /proc: the bench's cluster runs on this machine), or None where it cannot be read."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def export_once(username: str, fmt: str, query: str) -> dict:
    """One export in this (fresh) process: seconds to the first byte and to the last, size, and
    how far the process's peak resident memory rose above where it stood before."""
    import resource

    client = signed_in(User.objects.get(username=username))
    before = _rss_mb()
    db_before = _backend_cpu()
    cpu_before = time.process_time()
    started = time.perf_counter()
    response = client.get(f"/laporan/ekspor.{fmt}?{query}")
    size, first_byte = 0, None
    chunks = response.streaming_content if response.streaming else [response.content]
    for chunk in chunks:
        if first_byte is None:
            first_byte = time.perf_counter() - started
        size += len(chunk)
    total = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "status": response.status_code,
        "first_byte": first_byte or total,
        "total": total,
        "bytes": size,
        "peak_mb": peak - before,
        # This process's own CPU seconds (the database's are not counted): what the export
        # costs whatever else the machine is doing.
        "cpu": time.process_time() - cpu_before,
        # The database's CPU seconds for the export (it writes the rows).
        "db_cpu": None if db_before is None else _backend_cpu() - db_before,
    }


def run_exports(username: str, runs: int) -> list[dict]:
    """Each export in a child process of its own, so its memory peak is its own."""
    import json
    import subprocess

    user = User.objects.get(username=username)
    query = export_query(user)
    visible = Incident.objects.visible_to(user)
    rows = IncidentFilter(QueryDict(query), queryset=visible).qs.count()
    results = []
    for fmt in EXPORT_TARGETS:
        samples = []
        for _ in range(runs):
            child = subprocess.run(
                [sys.executable, __file__, "--export", fmt, "--user", username, "--query", query],
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ},
            )
            samples.append(json.loads(child.stdout.strip().splitlines()[-1]))
        results.append({"format": fmt, "query": query, "rows": rows, "samples": samples})
    return results


def _median_or_dash(samples) -> str:
    values = [s["db_cpu"] for s in samples if s.get("db_cpu") is not None]
    return f"{statistics.median(values):.1f}" if values else "–"


def export_report(results) -> tuple[str, bool]:
    lines = [
        "",
        "| export | rows | median s | first byte s | peak MB | size MB | CPU s | DB CPU s | target "
        "| pass |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    all_pass = True
    for result in results:
        samples = result["samples"]
        total = statistics.median(s["total"] for s in samples)
        first = statistics.median(s["first_byte"] for s in samples)
        peak = max(s["peak_mb"] for s in samples)
        limit = EXPORT_TARGETS[result["format"]]
        ok = total <= limit and first <= EXPORT_FIRST_BYTE_S and peak <= EXPORT_PEAK_MB
        ok &= all(s["status"] == 200 for s in samples)
        all_pass &= ok
        lines.append(
            f"| {result['format']} | {result['rows']:,} | {total:.1f} | {first:.2f} | "
            f"{peak:.0f} | {samples[0]['bytes'] / 2**20:.1f} | "
            f"{statistics.median(s['cpu'] for s in samples):.1f} | {_median_or_dash(samples)} | "
            f"≤ {limit:g} s, first byte ≤ "
            f"{EXPORT_FIRST_BYTE_S:g} s, ≤ {EXPORT_PEAK_MB} MB | {'PASS' if ok else 'FAIL'} |"
        )
    return "\n".join(lines), all_pass


LOAD_RPS, LOAD_P95_MS = 100, 300


def load_users(count: int = 21) -> list[dict]:
    """The field officers of the bench, each with a desa of their kecamatan and a few of the
    reports they may open."""
    users = []
    now = timezone.localtime()
    for officer in User.objects.filter(username__startswith="bench_petugas_").order_by("username")[
        :count
    ]:
        visible = Incident.objects.visible_to(officer)
        users.append(
            {
                "username": officer.username,
                "password": BENCH_PASSWORD,
                "kecamatan": officer.kecamatan_id,
                "desa": Region.objects.filter(parent_id=officer.kecamatan_id).first().pk,
                "reports": list(visible.order_by("-occurred_at").values_list("pk", flat=True)[:50]),
                "now": now,
            }
        )
    return users


def load_report(result) -> tuple[str, bool]:
    ok = result["rps"] >= LOAD_RPS and result["p95_ms"] <= LOAD_P95_MS and not result["errors"]
    kinds = ", ".join(f"{k} {n} × {m:.0f} ms" for k, (n, m) in result["by_kind"].items())
    lines = [
        "",
        "| load test | requests | req/s | median ms | p95 ms | errors | target | pass |",
        "|---|---:|---:|---:|---:|---:|---|---|",
        f"| {result['clients']} clients × {result['seconds']} s, gunicorn "
        f"{result['workers']} workers × {result['threads']} threads | {result['requests']:,} | "
        f"{result['rps']:.1f} | "
        f"{result['median_ms']:.0f} | {result['p95_ms']:.0f} | {result['errors']} | "
        f"≥ {LOAD_RPS} req/s, p95 ≤ {LOAD_P95_MS} ms, 0 errors | {'PASS' if ok else 'FAIL'} |",
        "",
        f"Load mix (requests × median): {kinds}."
        + (f" Errors, e.g.: {'; '.join(result['error_samples'])}." if result["errors"] else ""),
        "",
        f"CPU per request: gunicorn {result['app_cpu_ms']:.0f} ms + PostgreSQL "
        f"{result['db_cpu_ms']:.0f} ms; load average {result['load_average']:.1f} on "
        f"{os.cpu_count()} cores at the end (at most {os.cpu_count()} CPU-seconds a second: "
        f"≈ {os.cpu_count() * 1000 / max(result['app_cpu_ms'] + result['db_cpu_ms'], 1):.0f} "
        "req/s on an otherwise idle machine).",
    ]
    return "\n".join(lines), ok


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
    parser.add_argument(
        "--pdf", action=argparse.BooleanOptionalAction, default=True, help="the PDF measures"
    )
    parser.add_argument("--export-runs", type=int, default=3, help="0: no export measures")
    parser.add_argument("--load-seconds", type=int, default=60, help="0: no load test")
    parser.add_argument("--load-clients", type=int, default=50)
    parser.add_argument("--load-workers", type=int, default=None, help="gunicorn workers")
    parser.add_argument("--load-threads", type=int, default=4, help="threads per worker")
    parser.add_argument("--export", help=argparse.SUPPRESS)  # one export, in a child process
    parser.add_argument("--user", help=argparse.SUPPRESS)
    parser.add_argument("--query", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.export:
        import json

        with override_settings(STORAGES=PLAIN_STATIC):
            print(json.dumps(export_once(args.user, args.export, args.query)))
        return 0
    personas = [
        ("secretariat", User.objects.get(username="bench_sekretariat")),
        ("officer", User.objects.get(username=args.officer)),
    ]
    # signed_in() passes the second factor, so the pages are measured behind the two-factor
    # middleware as production serves them.
    with override_settings(ROOT_URLCONF="bench.urls", STORAGES=PLAIN_STATIC):
        plan = run(personas, args.runs, args.warmup)
    table, ok = report(plan, Incident.objects.count(), args.runs)
    if args.pdf:
        table, ok = pdf.extend(table, ok, runs=args.runs)
    print(table)
    if args.export_runs:
        exports, exports_ok = export_report(run_exports(personas[0][1].username, args.export_runs))
        print(exports)
        table += "\n" + exports
        ok &= exports_ok
    if args.load_seconds:
        load, load_ok = load_report(
            load_test(
                load_users(),
                clients=args.load_clients,
                seconds=args.load_seconds,
                workers=args.load_workers,
                threads=args.load_threads,
            )
        )
        print(load)
        table += "\n" + load
        ok &= load_ok
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
