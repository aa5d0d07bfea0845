"""The official PDFs in `make bench` (issue 9): the period (B08) and annual report of a
demo-sized year and of a 10,000-report year, through the portal path (build the document, render
in the bounded child) and, as the floor, the same HTML through WeasyPrint alone in this process.

Targets: a demo-sized year within 3 s and 300 MB peak (the rendering child's resident memory); a
10,000-report year within 15 s (the body holds summaries only). On a loaded machine WeasyPrint
alone can pass a target; the portal's own share (document, child process) must then stay under
half of it, and the absolute figures are there for a quiet machine to judge.

The data is written in a transaction that is rolled back, in a year no other data uses, so the
bench database (or a test database) is left as it was. `extend()` appends the rows to
bench/run.py's table in its shape:
`| measure | persona | median | p95 | queries | baseline | ratio | target | pass |`.
"""

import statistics
import time
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.choices import Role
from accounts.models import User
from action_plans import services as plan_services
from action_plans.models import Activity, Realisation, Target
from directory.models import Agency, Region
from incidents.models import Incident
from reports import documents, rendering

WIB = ZoneInfo("Asia/Jakarta")
YEAR = 2031  # far from the demo and bench data; everything is rolled back anyway
STAGES = ["pencegahan", "penghentian", "pemulihan"]
# (label, reports of conflict in the year, seconds, peak MB or None)
SIZES = [("demo-sized year", 300, 3.0, 300), ("10,000-report year", 10_000, 15.0, None)]
DOCUMENTS = [("period", "B08"), ("annual", "")]


class Rollback(Exception):
    pass


def seed_year(incident_count: int, year: int = YEAR) -> None:
    """A year's RAT (30 activities, every period realised) and `incident_count` reports."""
    regency, _created = Region.objects.get_or_create(
        code="35.17", defaults={"name": "KAB. JOMBANG", "level": "kabupaten"}
    )
    kecamatan = [
        Region.objects.get_or_create(
            code=f"35.17.{n:02d}",
            defaults={"name": f"Kecamatan {n}", "level": "kecamatan", "parent": regency},
        )[0]
        for n in range(1, 22)
    ]
    secretariat = User.objects.create(username=f"bench-pdf-{year}")
    secretariat.groups.add(Group.objects.get(name=Role.SEKRETARIAT))
    agencies = [Agency.objects.create(name=f"Instansi Uji PDF {year}-{n}") for n in range(8)]
    plan = plan_services.plan_create(year=year, scheme="caturwulan", by=secretariat)
    periods = list(plan.periods.all())
    activities = Activity.objects.bulk_create(
        Activity(
            plan=plan,
            code=f"{n // 10 + 1}.{n % 10 + 1}",
            stage=STAGES[n % 3],
            pillars=["kolaborasi"],
            title=f"Kegiatan uji {n}",
            responsible_agency=agencies[n % 8],
            indicator="Kegiatan terlaksana",
            unit="kali",
            budget=10_000_000,
        )
        for n in range(30)
    )
    Target.objects.bulk_create(
        Target(activity=a, period=p, value=Decimal(2)) for a in activities for p in periods
    )
    Realisation.objects.bulk_create(
        Realisation(
            activity=a,
            period=p,
            achieved_value=Decimal(n % 4),
            narrative="Uraian. " * 40,
            budget_spent=1_000_000,
            obstacles="Kendala uji",
            follow_up="Tindak lanjut uji",
            status="diserahkan",
            first_submitted_at=datetime(year, p.end_date.month, 28, tzinfo=WIB),
        )
        for n, a in enumerate(activities)
        for p in periods
    )
    start = datetime(year, 1, 1, 8, tzinfo=WIB)
    minutes = max(1, 365 * 24 * 60 // max(incident_count, 1) - 1)
    Incident.objects.bulk_create(
        [
            Incident(
                reference=f"PKS-{year}-{n:06d}",
                kind="kejadian" if n % 5 == 0 else "potensi",
                title=f"Laporan uji {n}",
                chronology="Kronologi uji. " * 20,
                occurred_at=start + timedelta(minutes=n * minutes),
                reported_by=secretariat,
                information_source="masyarakat",
                kecamatan=kecamatan[n % 21],
                conflict_source="poleksosbud",
                aspect="sosial_budaya",
                form="intimidasi",
                likelihood=2,
                impact=2,
                status=["diajukan", "ditangani", "selesai"][n % 3],
                resolution="damai" if n % 3 == 2 else "",
            )
            for n in range(incident_count)
        ],
        batch_size=1000,
    )


def p95(values):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def measure(kind: str, period: str, *, runs: int, warmup: int, year: int = YEAR) -> dict:
    """Times (ms) through the portal path and through WeasyPrint alone, and the child's peak
    resident memory (MB), over `runs` renderings after `warmup`."""
    portal, floor, peaks = [], [], []
    for number in range(warmup + runs):
        stats = {}
        started = time.perf_counter()
        document = documents.build(kind, year, period)
        document.pdf(draft=False, stats=stats)
        elapsed = (time.perf_counter() - started) * 1000
        html = document.html(pdf=True, draft=False)
        resources = rendering.prepare(document.resources())
        started = time.perf_counter()
        rendering.write_pdf(html, resources)
        alone = (time.perf_counter() - started) * 1000
        if number >= warmup:
            portal.append(elapsed)
            floor.append(alone)
            peaks.append((stats.get("peak_rss_kb") or 0) / 1024)
    return {"times": portal, "floor": floor, "peak_mb": max(peaks)}


def rows(*, runs: int = 5, warmup: int = 1, sizes=SIZES) -> tuple[list[str], bool]:
    """The bench rows (bench/run.py's table shape) and whether every target was met."""
    lines, all_pass = [], True
    for label, count, seconds, peak_limit in sizes:
        results = []
        try:
            with transaction.atomic():
                seed_year(count)
                for kind, period in DOCUMENTS:
                    results.append((kind, period, measure(kind, period, runs=runs, warmup=warmup)))
                raise Rollback
        except Rollback:
            pass
        for kind, period, result in results:
            median = statistics.median(result["times"])
            floor = statistics.median(result["floor"])
            limit_ms = seconds * 1000
            ok = median <= limit_ms or median - floor <= limit_ms / 2
            target = f"≤ {limit_ms:.0f} ms"
            if peak_limit is not None:
                ok = ok and result["peak_mb"] <= peak_limit
                target += f", ≤ {peak_limit} MB"
            all_pass &= ok
            name = f"PDF {kind} {period}".strip()
            lines.append(
                f"| {name} ({result['peak_mb']:.0f} MB peak) | {label} | {median:.1f} | "
                f"{p95(result['times']):.1f} | – | weasyprint {floor:.1f} | "
                f"{median / floor if floor else float('inf'):.2f} | {target} | "
                f"{'PASS' if ok else 'FAIL'} |"
            )
    return lines, all_pass


def extend(table: str, ok: bool, *, runs: int) -> tuple[str, bool]:
    """bench/run.py's table and verdict with the PDF rows added (at most 5 runs each: a
    rendering takes seconds, not milliseconds)."""
    lines, pdf_ok = rows(runs=min(runs, 5))
    return table + "\n" + "\n".join(lines), ok and pdf_ok
