"""Synthetic data for `make bench`: many reports, spread like real ones, written with set-based SQL.

One `INSERT … SELECT … FROM generate_series()` per table, so a million reports load in minutes
rather than hours. During the load only, the history triggers (pghistory) of the bulk-written
tables are disabled — a synthetic archive has no field history to keep — and the secondary
indexes of the report table are dropped and rebuilt afterwards (one sort per index instead of a
million index insertions). Everything is deterministic for a given `seed`.

This module writes to whatever database the default connection points at; the only caller that
writes many rows is `manage.py seed_bench`, which refuses to run outside a `*bench` database.
"""

import time
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from action_plans.choices import PeriodScheme, Pillar, PlanStatus, RealisationStatus
from action_plans.models import ActionPlan, Activity, Realisation, Target
from action_plans.services import default_periods
from core.choices import Stage
from directory.choices import RegionLevel
from directory.models import Agency, Region
from incidents.choices import (
    ActionType,
    Aspect,
    ConflictSource,
    Form,
    InformationSource,
    PartyType,
)
from incidents.models import HandlingStep, Incident, Party, ReferenceCounter

FIRST_YEAR = 2015
LAST_YEAR = 2026
BENCH_PASSWORD = "bench12345"
# Tables written in bulk (analysed afterwards).
BULK_TABLES = [Incident._meta.db_table, Party._meta.db_table, HandlingStep._meta.db_table]

TITLES = [
    "Ketegangan pendukung calon Pilkades",
    "Unjuk rasa buruh menuntut kenaikan UMK",
    "Sengketa lahan perluasan pabrik",
    "Tawuran pelajar antarsekolah",
    "Penolakan pendirian rumah ibadah",
    "Sengketa batas desa",
    "Perselisihan saksi pemilu",
    "Sengketa makam desa",
    "Aktivitas kelompok radikal",
    "Perusakan fasilitas umum oleh massa",
    "Ujaran kebencian di media sosial",
    "Perebutan sumber air irigasi",
    "Konflik penambangan pasir",
    "Main hakim sendiri terhadap terduga pencuri",
    "Bentrokan suporter sepak bola",
    "Protes pembagian bantuan sosial",
]
# About half the chronologies mention "warga": the full-text search measure's worst case.
CHRONOLOGIES = [
    "Sejumlah warga berkumpul dan menyampaikan keberatan kepada perangkat desa.",
    "Bhabinkamtibmas melaporkan situasi memanas setelah pertemuan di balai desa.",
    "Warga dari dua dusun saling lapor ke kepolisian setelah adu mulut.",
    "Kelompok pemuda berkumpul di perbatasan desa pada malam hari.",
]


def bench_users() -> dict:
    """The bench's personas: a secretariat member and one field officer per kecamatan (who
    report most of that kecamatan's reports). Idempotent."""
    groups = {group.name: group for group in Group.objects.filter(name__in=Role.values)}
    secretariat, created = User.objects.get_or_create(
        username="bench_sekretariat", defaults={"first_name": "Sekretariat (BENCH)"}
    )
    if created:
        secretariat.set_password(BENCH_PASSWORD)
        secretariat.save()
        secretariat.groups.add(groups[Role.SEKRETARIAT])
    officers = []
    kecamatan = Region.objects.filter(level=RegionLevel.KECAMATAN).order_by("code")
    for number, region in enumerate(kecamatan, start=1):
        officer, created = User.objects.get_or_create(
            username=f"bench_petugas_{number:02d}",
            defaults={"first_name": f"Petugas {region.name} (BENCH)", "kecamatan": region},
        )
        if created:
            officer.set_password(BENCH_PASSWORD)
            officer.save()
            officer.groups.add(groups[Role.PETUGAS])
        officers.append(officer)
    return {"secretariat": secretariat, "officers": officers}


def _array(values) -> str:
    return "ARRAY[" + ",".join("'" + str(v).replace("'", "''") + "'" for v in values) + "]"


def _secondary_indexes(cursor, table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the table's indexes that back no constraint."""
    cursor.execute(
        """
        SELECT i.relname, pg_get_indexdef(i.oid)
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        WHERE x.indrelid = %s::regclass
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
        """,
        [table],
    )
    return cursor.fetchall()


def _insert_incidents(cursor, count: int, reporters: list[tuple[int, int]], start_id: int):
    """`reporters`: (kecamatan id, officer id). Each desa's reports come from its kecamatan."""
    now = timezone.now()
    cursor.execute(
        "CREATE TEMP TABLE bench_desa ON COMMIT DROP AS "
        "SELECT row_number() OVER (ORDER BY id) AS idx, id, parent_id FROM directory_region "
        "WHERE level = %s",
        [RegionLevel.DESA],
    )
    cursor.execute("SELECT count(*) FROM bench_desa")
    desa_count = cursor.fetchone()[0]
    officers = dict(reporters)
    cursor.execute(
        "CREATE TEMP TABLE bench_officer (kecamatan_id bigint PRIMARY KEY, user_id bigint) "
        "ON COMMIT DROP"
    )
    cursor.executemany("INSERT INTO bench_officer VALUES (%s, %s)", list(officers.items()))
    span = (now - timezone.make_aware(timezone.datetime(FIRST_YEAR, 1, 1))).total_seconds()
    pick = "({arr})[1 + floor({r} * {n})::int]"
    sql = f"""
        INSERT INTO incidents_incident (
            id, reference, kind, title, chronology, occurred_at, occurred_precision, reported_at,
            reported_by_id, information_source, kecamatan_id, desa_id, address, latitude,
            longitude, location_precision, conflict_source, aspect, form, killed, injured,
            displaced, houses_damaged, public_facilities_damaged, worship_places_damaged,
            loss_rupiah, likelihood, impact, stage, confidentiality, status, resolution,
            rejection_reason, version, updated_at, submitted_at, has_steps)
        SELECT
            s.id,
            'PKS-' || extract(year FROM s.occurred_at AT TIME ZONE 'Asia/Jakarta')::int || '-'
                || lpad(s.id::text, 7, '0'),
            s.kind,
            {pick.format(arr=_array(TITLES), r="s.r1", n=len(TITLES))} || ' #' || s.id,
            {pick.format(arr=_array(CHRONOLOGIES), r="s.r2", n=len(CHRONOLOGIES))},
            s.occurred_at,
            'hari',
            s.occurred_at + interval '1 hour' * floor(s.r3 * 72),
            CASE WHEN s.r4 < 0.8 THEN o.user_id
                ELSE (%(officers)s::bigint[])[1 + floor(s.r4 * {len(officers)})::int] END,
            {pick.format(arr=_array(InformationSource.values), r="s.r5", n=len(InformationSource))},
            d.parent_id,
            d.id,
            'Dusun ' || (1 + s.g %% 5),
            CASE WHEN s.r6 < 0.3 THEN -7.55 + s.r7 * 0.3 END,
            CASE WHEN s.r6 < 0.3 THEN 112.1 + s.r8 * 0.35 END,
            CASE WHEN s.r6 < 0.3 THEN 'tepat' ELSE 'desa' END,
            {pick.format(arr=_array(ConflictSource.values), r="s.r7", n=len(ConflictSource))},
            {pick.format(arr=_array(Aspect.values), r="s.r8", n=len(Aspect))},
            {pick.format(arr=_array(Form.values), r="s.r3", n=len(Form))},
            CASE WHEN s.kind = 'kejadian' AND s.r9 < 0.7 THEN floor(s.r9 * 1.5)::int END,
            CASE WHEN s.kind = 'kejadian' AND s.r9 < 0.7 THEN floor(s.r9 * 8)::int END,
            CASE WHEN s.kind = 'kejadian' AND s.r9 < 0.5 THEN floor(s.r5 * 40)::int END,
            CASE WHEN s.kind = 'kejadian' AND s.r9 < 0.6 THEN floor(s.r2 * 6)::int END,
            CASE WHEN s.kind = 'kejadian' AND s.r9 < 0.6 THEN floor(s.r1 * 3)::int END,
            CASE WHEN s.kind = 'kejadian' AND s.r9 < 0.6 THEN floor(s.r6 * 2)::int END,
            CASE WHEN s.kind = 'kejadian' AND s.r9 < 0.4 THEN floor(s.r4 * 500)::bigint * 100000
                END,
            CASE WHEN s.kind = 'potensi' THEN 1 + floor(s.r5 * 4)::int END,
            CASE WHEN s.kind = 'potensi' THEN 1 + floor(s.r6 * 4)::int END,
            {pick.format(arr=_array(Stage.values), r="s.r9", n=len(Stage))},
            CASE WHEN s.r10 < 0.1 THEN 'terbatas' ELSE 'internal' END,
            s.status,
            CASE WHEN s.status IN ('selesai', 'ditutup') THEN
                (ARRAY['damai', 'proses_hukum', 'dipantau'])[1 + floor(s.r1 * 3)::int]
                ELSE '' END,
            CASE WHEN s.status = 'ditolak' THEN 'Data tidak lengkap, mohon dilengkapi.' ELSE ''
                END,
            1,
            s.occurred_at + interval '1 day',
            -- Submitted when filed (reported_at), unless still a draft.
            CASE WHEN s.status <> 'draft' THEN s.occurred_at + interval '1 hour' * floor(s.r3 * 72)
                END,
            -- Exactly the reports _insert_parties_and_steps gives handling steps.
            s.status IN ('ditangani', 'selesai', 'ditutup') AND s.id %% 5 < 2
        FROM (
            SELECT g, {start_id} + g AS id,
                %(start)s::timestamptz + interval '1 second' * (random() * %(span)s) AS occurred_at,
                CASE WHEN random() < 0.6 THEN 'potensi' ELSE 'kejadian' END AS kind,
                CASE
                    WHEN q < 0.03 THEN 'draft' WHEN q < 0.13 THEN 'diajukan'
                    WHEN q < 0.28 THEN 'diverifikasi' WHEN q < 0.33 THEN 'ditolak'
                    WHEN q < 0.53 THEN 'ditangani' WHEN q < 0.88 THEN 'selesai'
                    ELSE 'ditutup' END AS status,
                1 + floor(power(random(), 1.6) * {desa_count})::int AS desa_idx,
                random() r1, random() r2, random() r3, random() r4, random() r5, random() r6,
                random() r7, random() r8, random() r9, random() r10
            FROM (SELECT g, random() AS q FROM generate_series(1, %(count)s) g) AS series
        ) AS s
        JOIN bench_desa d ON d.idx = s.desa_idx
        JOIN bench_officer o ON o.kecamatan_id = d.parent_id
    """
    cursor.execute(
        sql,
        {
            "start": timezone.make_aware(timezone.datetime(FIRST_YEAR, 1, 1)),
            "span": span,
            "count": count,
            "officers": list(officers.values()),
        },
    )


def _insert_parties_and_steps(cursor, first_id: int):
    party_types = _array(PartyType.values)
    cursor.execute(
        f"""
        INSERT INTO incidents_party (incident_id, name, party_type, estimated_size)
        SELECT i.id, 'Pihak ' || n || ' laporan ' || i.id,
               ({party_types})[1 + (i.id * n) %% {len(PartyType)}],
               CASE WHEN i.id %% 3 = 0 THEN NULL ELSE 10 + (i.id * 7 * n) %% 300 END
        FROM incidents_incident i CROSS JOIN generate_series(1, 2) n
        WHERE i.id > %s AND i.id %% 10 < 3 AND (n = 1 OR i.id %% 2 = 0)
        """,
        [first_id],
    )
    actions = _array(ActionType.values)
    stages = _array(Stage.values)
    cursor.execute(
        f"""
        INSERT INTO incidents_handlingstep (incident_id, date, stage, action_type, description,
            outcome, created_by_id, created_at)
        SELECT i.id, (i.occurred_at AT TIME ZONE 'Asia/Jakarta')::date + n * 3,
               ({stages})[1 + (i.id + n) %% {len(Stage)}],
               ({actions})[1 + (i.id * n) %% {len(ActionType)}],
               'Tindak lanjut ke-' || n || ' atas laporan ini.', '',
               i.reported_by_id, i.occurred_at + interval '1 day' * (n * 3)
        FROM incidents_incident i CROSS JOIN generate_series(1, 3) n
        WHERE i.id > %s AND i.status IN ('ditangani', 'selesai', 'ditutup')
          AND i.id %% 5 < 2 AND n <= 1 + i.id %% 3  -- as `has_steps` in _insert_incidents
        """,
        [first_id],
    )
    cursor.execute("SELECT array_agg(id ORDER BY id) FROM directory_agency")
    agencies = cursor.fetchone()[0] or []
    if agencies:
        cursor.execute(
            f"""
            INSERT INTO incidents_handlingstep_agencies (handlingstep_id, agency_id)
            SELECT s.id, (%s::bigint[])[1 + s.id %% {len(agencies)}]
            FROM incidents_handlingstep s
            WHERE s.incident_id > %s AND s.id %% 2 = 0
            """,
            [agencies, first_id],
        )


def _plans(by):
    """One RAT per year with 20 activities, per-period targets and realisations of the periods
    that are over; plans of past years closed, this year's established."""
    agencies = list(Agency.objects.order_by("pk")[:20])
    if not agencies:
        return 0
    today = timezone.localdate()
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        if ActionPlan.objects.filter(year=year).exists():
            continue
        status = PlanStatus.DITUTUP if year < today.year else PlanStatus.DITETAPKAN
        plan = ActionPlan.objects.create(
            year=year,
            period_scheme=PeriodScheme.CATURWULAN,
            status=status,
            decree_reference=f"SK Bupati (BENCH) {year}",
            created_by=by,
        )
        periods = default_periods(year, PeriodScheme.CATURWULAN)
        for period in periods:
            period.plan = plan
        plan.periods.bulk_create(periods)
        activities = Activity.objects.bulk_create(
            Activity(
                plan=plan,
                code=f"{1 + n % 3}.{1 + n}",
                stage=Stage.values[n % 3],
                pillars=[Pillar.values[n % len(Pillar)]],
                title=f"Kegiatan rencana aksi {n + 1} (BENCH)",
                responsible_agency=agencies[n % len(agencies)],
                indicator="Jumlah kegiatan terlaksana",
                unit="kali",
                budget=25_000_000 + n * 1_000_000,
                order=n,
            )
            for n in range(20)
        )
        Target.objects.bulk_create(
            Target(activity=activity, period=period, value=Decimal(2 + n % 3))
            for n, activity in enumerate(activities)
            for period in periods
        )
        Realisation.objects.bulk_create(
            Realisation(
                activity=activity,
                period=period,
                achieved_value=Decimal(1 + (n + period.order) % 4),
                narrative="Kegiatan terlaksana bersama instansi pendukung.",
                budget_spent=8_000_000,
                status=RealisationStatus.DISERAHKAN,
                first_submitted_at=timezone.make_aware(
                    timezone.datetime.combine(period.due_date, timezone.datetime.min.time())
                ),
                submitted_at=timezone.make_aware(
                    timezone.datetime.combine(period.due_date, timezone.datetime.min.time())
                ),
                submitted_by=by,
            )
            for n, activity in enumerate(activities)
            for period in periods
            if period.end_date < date(today.year, today.month, today.day)
        )
    return ActionPlan.objects.count()


def bench_seed(*, reports: int, seed: float = 0.42) -> dict:
    """Add `reports` reports (with parties, handling steps and RAT plans) and return what was
    written and how long it took. Regions, agencies and role groups must be loaded."""
    started = time.perf_counter()
    users = bench_users()
    reporters = [(officer.kecamatan_id, officer.pk) for officer in users["officers"]]
    if not reporters:
        raise ValueError("No kecamatan loaded: run `manage.py import_regions` first.")
    table = Incident._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        # Every trigger of this transaction is off: the history triggers (a synthetic archive has
        # no field history) and the foreign-key checks, whose ids come from the tables themselves.
        # Needs a superuser, which the project-local cluster's owner is; elsewhere the triggers
        # stay on and the load is slower.
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = cursor.fetchone()[0]
        if superuser:
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SELECT setseed(%s)", [seed])
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
        first_id = cursor.fetchone()[0]
        indexes = _secondary_indexes(cursor, table) if reports >= 50_000 else []
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        _insert_incidents(cursor, reports, reporters, first_id)
        _insert_parties_and_steps(cursor, first_id)
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )
        # New reports get numbers after the synthetic ones of their year.
        counters = ReferenceCounter._meta.db_table
        cursor.execute(
            f"""
            INSERT INTO {counters} (year, last_number)
            SELECT extract(year FROM occurred_at AT TIME ZONE 'Asia/Jakarta')::int,
                   max(split_part(reference, '-', 3)::int)
            FROM {table} WHERE reference ~ '^PKS-[0-9]{{4}}-[0-9]{{7}}$' GROUP BY 1
            ON CONFLICT (year) DO UPDATE
            SET last_number = greatest(EXCLUDED.last_number, {counters}.last_number)
            """
        )
        if superuser:
            cursor.execute("SET LOCAL session_replication_role = origin")
        # The dashboard's tally triggers were off too: count the groups and each author's
        # reports again.
        cursor.execute("SELECT incident_tally_rebuild()")
        cursor.execute("SELECT incident_author_tally_rebuild()")
        plans = _plans(users["secretariat"])
    loaded = time.perf_counter() - started
    if not connection.in_atomic_block:  # VACUUM cannot run inside a transaction (tests)
        with connection.cursor() as cursor:
            for bulk_table in BULK_TABLES:
                cursor.execute(f"VACUUM ANALYZE {bulk_table}")
    return {
        "reports": Incident.objects.count(),
        "parties": Party.objects.count(),
        "steps": HandlingStep.objects.count(),
        "plans": plans,
        "load_seconds": loaded,
        "total_seconds": time.perf_counter() - started,
        "secondary_indexes_rebuilt": len(indexes),
    }
