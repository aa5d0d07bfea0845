"""Figures of the reports that other apps (dashboard, evaluations, reports) read.

Every figure starts from `Incident.objects.visible_to(user)` and takes a fixed number of queries,
however many reports there are. Where the dashboard links a figure to the list, the figure counts
exactly what the list shows for the same URL parameters (`list_query` builds them)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, ExtractMonth, TruncMonth
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.http import urlencode
from django.utils.translation import gettext

from accounts.rules import may_see_restricted
from core.choices import Stage
from core.models import ActivityLog
from incidents.choices import (
    ActionType,
    Confidentiality,
    ConflictSource,
    Form,
    Kind,
    RiskLevel,
    Status,
)
from incidents.models import (
    ConflictStatus,
    HandlingStep,
    Incident,
    IncidentAuthorTally,
    IncidentTally,
)

OPEN_STATUSES = (Status.DIAJUKAN, Status.DIVERIFIKASI, Status.DITANGANI)
HANDLING_STATUSES = (Status.DIVERIFIKASI, Status.DITANGANI)
# Reports that count as real signals: submitted and not rejected (drafts are nobody's news yet).
COUNTED_STATUSES = (*OPEN_STATUSES, Status.SELESAI, Status.DITUTUP)
HIGH_RISK = (RiskLevel.TINGGI, RiskLevel.SANGAT_TINGGI)
# Risk points of an open potential conflict in the early-warning score.
RISK_POINTS = {
    RiskLevel.RENDAH: 1,
    RiskLevel.SEDANG: 2,
    RiskLevel.TINGGI: 3,
    RiskLevel.SANGAT_TINGGI: 4,
}
DIALOGUE_TYPES = (ActionType.DIALOG, ActionType.MEDIASI)


def linkable_reports(user):
    """Reports the user may link to a plan activity: submitted ones they may see. The activity
    form's picker offers these, and saving an activity keeps the links to any other report (one
    the editor may not see) as they are."""
    return Incident.objects.visible_to(user).exclude(status=Status.DRAFT)


def list_query(**params) -> str:
    """The report list's query string for these filters (lists become repeated parameters).
    Dates are written as the list's date boxes show them (31/12/2026), since the list fills
    its filter form from the query string as sent."""
    return urlencode(
        {
            key: value.strftime("%d/%m/%Y") if isinstance(value, date) else value
            for key, value in params.items()
            if value not in (None, "", [])
        },
        doseq=True,
    )


def _author_only_condition(user) -> Q:
    """Which of the user's own reports only their author may see: their drafts, and their
    restricted reports when they are not cleared for restricted ones."""
    if may_see_restricted(user):
        return Q(status=Status.DRAFT)
    return Q(status=Status.DRAFT) | Q(confidentiality=Confidentiality.TERBATAS)


def _author_only(user):
    """The user's own reports that only their author may see. Added to what
    `IncidentTally.objects.visible_to(user)` counts, they make `Incident.objects.visible_to`."""
    own = Incident.objects.visible_to(user).filter(reported_by=user)
    return own.filter(_author_only_condition(user))


def _author_only_tallied(user):
    """The per-author tally rows of `_author_only(user)`: the same reports, added up from a few
    rows of the user's instead of counted."""
    return IncidentAuthorTally.objects.visible_to(user).filter(_author_only_condition(user))


def visible_count(user, *, statuses, has_steps: bool | None = None) -> int:
    """How many reports with one of `statuses` (and with or without handling steps) the user
    sees, exactly, from the tally (one query) plus, where the user could have any, their own
    author-only reports through the author index (a second query)."""
    tally = IncidentTally.objects.visible_to(user).filter(status__in=statuses)
    own = Q(status__in=statuses)
    if has_steps is not None:
        tally = tally.filter(has_steps=has_steps)
        own &= Q(has_steps=has_steps)
    count = tally.aggregate(n=Sum("count", default=0))["n"]
    if Status.DRAFT in statuses or not may_see_restricted(user):
        count += _author_only(user).filter(own).count()
    return count


def visible_by_kecamatan(user, *, statuses=(), risk_levels=(), kecamatan=None) -> dict[int, int]:
    """{kecamatan id: reports the user sees} with these statuses and risk levels (empty: any)
    in one kecamatan or all, exactly what the list counts for the same filters: the tally of
    reports anyone in the user's scope may see plus the tally of the user's own author-only
    reports (two queries on a few hundred rows, however many reports there are). Restricted
    reports the user may not open are in neither part, so no count reveals them."""
    counts = {}
    for part in _tallied(user, statuses, risk_levels, kecamatan):
        rows = part.values_list("kecamatan_id").annotate(n=Sum("count")).order_by()
        for kecamatan_id, n in rows:
            counts[kecamatan_id] = counts.get(kecamatan_id, 0) + n
    return {kecamatan_id: n for kecamatan_id, n in counts.items() if n > 0}


def visible_total(user, *, statuses=(), risk_levels=(), kecamatan=None) -> int:
    """How many reports the list shows for these filters, added up as `visible_by_kecamatan`
    adds them (two queries), for anyone: an officer's own restricted reports are in their
    author tally, by confidentiality and risk level."""
    return sum(
        part.aggregate(n=Sum("count", default=0))["n"]
        for part in _tallied(user, statuses, risk_levels, kecamatan)
    )


def _tallied(user, statuses, risk_levels, kecamatan):
    """The rows of the report tally and of the user's author tally that together count
    `Incident.objects.visible_to(user)` with these filters: the reports anyone in the user's
    scope may see, and the user's own that only their author sees (drafts, and restricted ones
    when the user is not cleared for those)."""
    parts = [IncidentTally.objects.visible_to(user), _author_only_tallied(user)]
    if statuses:
        parts = [part.filter(status__in=statuses) for part in parts]
    if risk_levels:
        parts = [part.filter(risk_level__in=risk_levels) for part in parts]
    if kecamatan is not None:
        parts = [part.filter(kecamatan=kecamatan) for part in parts]
    return parts


def awaiting_verification() -> int:
    """Every report waiting for verification, whoever may see it: an institutional figure for
    the evaluation's readiness (one query on the tally)."""
    return IncidentTally.objects.filter(status=Status.DIAJUKAN).aggregate(
        n=Sum("count", default=0)
    )["n"]


def incident_summary(user) -> dict:
    """Counts for the dashboard's report cards, over what the user may see.

    Reports anyone may see (in the user's scope) are added up from IncidentTally, a few hundred
    rows kept current by a trigger; the user's own reports that only their author may see (their
    drafts, their restricted reports without clearance) are added up from their rows of
    IncidentAuthorTally. Together they are exactly `Incident.objects.visible_to(user)`.
    """
    open_risky = Q(status__in=OPEN_STATUSES, risk_level__in=HIGH_RISK)
    shared = IncidentTally.objects.visible_to(user).aggregate(
        submitted=Sum("count", filter=Q(status=Status.DIAJUKAN), default=0),
        handling=Sum("count", filter=Q(status__in=HANDLING_STATUSES), default=0),
        high_risk=Sum("count", filter=open_risky, default=0),
    )
    own = _author_only_tallied(user).aggregate(
        submitted=Sum("count", filter=Q(status=Status.DIAJUKAN), default=0),
        handling=Sum("count", filter=Q(status__in=HANDLING_STATUSES), default=0),
        high_risk=Sum("count", filter=open_risky, default=0),
        my_drafts=Sum("count", filter=Q(status=Status.DRAFT), default=0),
    )
    return {
        "submitted": shared["submitted"] + own["submitted"],
        "handling": shared["handling"] + own["handling"],
        "high_risk": shared["high_risk"] + own["high_risk"],
        "my_drafts": own["my_drafts"],
    }


def incident_timeline(incident: Incident) -> list[ActivityLog]:
    """The report's workflow steps from the activity log, oldest first, each with the label of
    the status it led to (`status_label`)."""
    entries = list(
        ActivityLog.objects.for_object(incident)
        .filter(action__startswith="incidents.report.")
        .select_related("actor")
        .order_by("at", "pk")
    )
    labels = dict(Status.choices)
    for entry in entries:
        entry.status_label = labels.get(entry.data.get("to_status"), entry.action_label)
    return entries


def open_by_risk_and_status(user) -> dict:
    """{(risk_level or None, status): count} of the open reports (one query)."""
    rows = (
        Incident.objects.visible_to(user)
        .filter(status__in=OPEN_STATUSES)
        .values("risk_level", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(row["risk_level"], row["status"]): row["n"] for row in rows}


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _same_day_last_year(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def events_year_on_year(user, today: date) -> dict:
    """Conflict events and their casualties from 1 January to today, against the same span
    last year (one query). Unknown casualty counts are not zero: they are counted apart."""
    last_year_today = _same_day_last_year(today)
    spans = {
        "this": (date(today.year, 1, 1), today),
        "last": (date(today.year - 1, 1, 1), last_year_today),
    }
    figures = {}
    for key, (start, end) in spans.items():
        within = Q(
            occurred_at__gte=_day_start(start), occurred_at__lt=_day_start(end) + timedelta(1)
        )
        figures[f"{key}_events"] = Count("pk", filter=within)
        figures[f"{key}_killed"] = Coalesce(Sum("killed", filter=within), 0)
        figures[f"{key}_injured"] = Coalesce(Sum("injured", filter=within), 0)
        figures[f"{key}_unknown"] = Count(
            "pk", filter=within & (Q(killed__isnull=True) | Q(injured__isnull=True))
        )
    result = (
        Incident.objects.visible_to(user)
        .filter(kind=Kind.KEJADIAN, status__in=COUNTED_STATUSES)
        .aggregate(**figures)
    )
    for key, (start, end) in spans.items():
        result[f"{key}_query"] = list_query(
            kind=Kind.KEJADIAN,
            status=list(COUNTED_STATUSES),
            occurred_from=start,
            occurred_to=end,
        )
    return result


def dialogues(user, year: int) -> dict:
    """Dialogues and mediations recorded this year on the reports the user sees (one query):
    how many steps, and on how many reports (the number the list shows)."""
    since = date(year, 1, 1)
    figures = HandlingStep.objects.filter(
        incident__in=Incident.objects.visible_to(user),
        action_type__in=DIALOGUE_TYPES,
        date__gte=since,
    ).aggregate(steps=Count("pk"), reports=Count("incident", distinct=True))
    figures["query"] = list_query(step_type=list(DIALOGUE_TYPES), step_from=since)
    return figures


def conflict_status_in_force(today: date) -> ConflictStatus | None:
    """The Status Keadaan Konflik in force today, if any (a public decree: no visibility rule)."""
    return (
        ConflictStatus.objects.filter(start_date__lte=today)
        .annotate(until=Coalesce("extended_until", "end_date"))
        .filter(until__gte=today)
        .filter(Q(revoked_on__isnull=True) | Q(revoked_on__gt=today))
        .order_by("-start_date")
        .first()
    )


def verification_queue(user, limit: int = 10) -> list:
    """Submitted reports waiting for verification, longest waiting first (`submitted_at`, their
    latest submission, read from a partial index; one query). How many there are in all is
    `incident_summary(user)["submitted"]`, which the dashboard reads anyway."""
    waiting = Incident.objects.visible_to(user).filter(status=Status.DIAJUKAN)
    return list(waiting.select_related("kecamatan").order_by("submitted_at", "pk")[:limit])


def awaiting_first_step(user, limit: int = 10) -> tuple[int, list, str]:
    """Verified or handled reports that have no handling step yet, oldest first (a partial
    index on the trigger-kept `has_steps`), exactly how many (the tally), and the list's query
    string for all of them (two or three queries, however many reports there are)."""
    statuses = [Status.DIVERIFIKASI, Status.DITANGANI]
    waiting = Incident.objects.visible_to(user).filter(status__in=statuses, has_steps=False)
    items = list(waiting.select_related("kecamatan").order_by("occurred_at", "pk")[:limit])
    count = visible_count(user, statuses=statuses, has_steps=False)
    return count, items, list_query(status=statuses, has_steps="false")


def my_reports(user) -> dict:
    """The user's own reports by status, and the rejected ones with the reason (two queries).

    The counts are exactly those of `Incident.objects.visible_to(user).filter(reported_by=user)`
    (what the list shows for `mine=true`), added up from IncidentAuthorTally: a few rows per
    kecamatan and status for the user (by confidentiality and risk level), however many reports
    they filed (an officer may have filed a hundred thousand)."""
    mine = Incident.objects.visible_to(user).filter(reported_by=user)
    counts = dict(
        IncidentAuthorTally.objects.visible_to(user)
        .values_list("status")
        .annotate(n=Sum("count"))
        .order_by()
    )
    returned = list(mine.filter(status=Status.DITOLAK).order_by("-updated_at")[:10])
    return {
        "by_status": [
            (status, label, counts.get(status, 0), list_query(mine="true", status=status))
            for status, label in Status.choices
        ],
        "returned": returned,
        "returned_query": list_query(mine="true", status=Status.DITOLAK),
    }


def kecamatan_signals(user, today: date) -> dict[int, dict]:
    """Per kecamatan, the parts of the early-warning score (one query): reports in the last 30
    and 90 days and in the same windows before, risk points of open potentials, conflict events
    in the last 90 days, and reports still open. Only counted statuses (not drafts, not
    rejected); dated by when it happened."""
    tomorrow = _day_start(today + timedelta(1))

    def window(days_from, days_to):
        return Q(
            occurred_at__gte=tomorrow - timedelta(days_from),
            occurred_at__lt=tomorrow - timedelta(days_to),
        )

    open_potential = Q(kind=Kind.POTENSI, status__in=OPEN_STATUSES)
    rows = (
        Incident.objects.visible_to(user)
        .filter(status__in=COUNTED_STATUSES)
        .values("kecamatan_id")
        .annotate(
            recent_30=Count("pk", filter=window(30, 0)),
            before_30=Count("pk", filter=window(60, 30)),
            recent_90=Count("pk", filter=window(90, 0)),
            before_90=Count("pk", filter=window(180, 90)),
            events_90=Count("pk", filter=window(90, 0) & Q(kind=Kind.KEJADIAN)),
            unresolved=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
            **{
                f"risk_{level}": Count("pk", filter=open_potential & Q(risk_level=level))
                for level in RISK_POINTS
            },
        )
        .order_by()
    )
    signals = {}
    for row in rows:
        row["open_risk"] = sum(row.pop(f"risk_{level}") * p for level, p in RISK_POINTS.items())
        signals[row.pop("kecamatan_id")] = row
    return signals


def monthly_counts(user, first_month: date) -> dict[tuple[int, date], int]:
    """{(kecamatan id, first day of month): reports} from `first_month` on (one query)."""
    rows = (
        Incident.objects.visible_to(user)
        .filter(status__in=COUNTED_STATUSES, occurred_at__gte=_day_start(first_month))
        .annotate(month=TruncMonth("occurred_at"))
        .values("kecamatan_id", "month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(row["kecamatan_id"], row["month"].date()): row["n"] for row in rows}


# Reports that count in official figures: submitted onwards, never drafts or rejected reports.
# Submitted ones not verified yet are counted, as the evaluation's indicators and the dashboard
# count them (a signal from the field is a signal before the secretariat has checked it), so the
# documents' totals agree with theirs; the documents say how many of them are unverified
# (`IncidentStatistics.unverified`) and describe only verified events (`notable_cases`).
OFFICIAL_STATUSES = (
    Status.DIAJUKAN,
    Status.DIVERIFIKASI,
    Status.DITANGANI,
    Status.SELESAI,
    Status.DITUTUP,
)
# Verified by the secretariat, and onwards: what an official document may describe case by case.
VERIFIED_STATUSES = (Status.DIVERIFIKASI, Status.DITANGANI, Status.SELESAI, Status.DITUTUP)
RESOLVED_STATUSES = (Status.SELESAI, Status.DITUTUP)


def official_incidents(start: date, end: date):
    """The task force's reports that occurred between `start` and `end` (inclusive, Jakarta
    dates) and count in official documents. These are the team's figures, not one reader's: the
    documents built from them are issued to the province, and only counts leave this function
    for restricted reports (see `notable_cases`)."""
    return Incident.objects.filter(
        status__in=OFFICIAL_STATUSES,
        occurred_at__date__gte=start,
        occurred_at__date__lte=end,
    )


def _counted(queryset, field, choices, *, unclassified=False):
    """(label, count) for each choice; with `unclassified`, a last row for the reports without
    a value (quick reports not completed yet), so that the table adds up to the total."""
    counts = dict(queryset.values_list(field).annotate(n=Count("pk")).order_by())
    rows = [(label, counts.get(value, 0)) for value, label in choices]
    blank = counts.get("", 0) + counts.get(None, 0)
    if unclassified and blank:
        rows.append((gettext("Belum diklasifikasi"), blank))
    return rows


@dataclass
class IncidentStatistics:
    total: int
    resolved: int
    kejadian: int
    # Of `total` and of `kejadian`: submitted and not verified by the secretariat yet.
    unverified: int
    unverified_events: int
    by_kecamatan: list
    by_source: list
    by_form: list
    by_stage: list
    by_status: list
    by_month: list

    @property
    def resolution_rate(self):
        """Share of the period's reports that are resolved (selesai) or closed."""
        return Decimal(self.resolved) / self.total if self.total else None


def incident_statistics(start: date, end: date, kecamatan) -> IncidentStatistics:
    """Counts of the official reports between two dates by kecamatan (every one in `kecamatan`,
    zeros included), conflict source, form, stage, status and month: eight small queries."""
    reports = official_incidents(start, end)
    totals = reports.aggregate(
        total=Count("pk"),
        resolved=Count("pk", filter=Q(status__in=RESOLVED_STATUSES)),
        kejadian=Count("pk", filter=Q(kind=Kind.KEJADIAN)),
        unverified=Count("pk", filter=Q(status=Status.DIAJUKAN)),
        unverified_events=Count("pk", filter=Q(status=Status.DIAJUKAN, kind=Kind.KEJADIAN)),
    )
    per_kecamatan = dict(reports.values_list("kecamatan_id").annotate(n=Count("pk")).order_by())
    per_month = dict(
        reports.annotate(month=ExtractMonth("occurred_at"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    months = range(start.month, end.month + 1) if start.year == end.year else range(1, 13)
    return IncidentStatistics(
        total=totals["total"],
        resolved=totals["resolved"],
        kejadian=totals["kejadian"],
        unverified=totals["unverified"],
        unverified_events=totals["unverified_events"],
        by_kecamatan=[(k.name, per_kecamatan.get(k.pk, 0)) for k in kecamatan],
        by_source=_counted(reports, "conflict_source", ConflictSource.choices, unclassified=True),
        by_form=[
            row for row in _counted(reports, "form", Form.choices, unclassified=True) if row[1]
        ],
        by_stage=_counted(reports, "stage", Stage.choices),
        by_status=_counted(
            reports, "status", [c for c in Status.choices if c[0] in OFFICIAL_STATUSES]
        ),
        by_month=[(MONTHS[m], per_month.get(m, 0)) for m in months],
    )


def notable_cases(start: date, end: date, limit: int = 10) -> list[dict]:
    """The period's most serious events for a document: verified and internal ones only,
    described without any personal data (no title, chronology, parties, reporter or informant),
    worst first. A report still awaiting verification is the field's account, not the task
    force's: an official document does not describe it (a quick report is not even classified
    yet), it only counts it as unverified (`IncidentStatistics.unverified_events`)."""
    reports = (
        official_incidents(start, end)
        .filter(
            kind=Kind.KEJADIAN,
            confidentiality=Confidentiality.INTERNAL,
            status__in=VERIFIED_STATUSES,
        )
        .select_related("kecamatan")
        .annotate(
            harm=Coalesce("killed", 0) * 100
            + Coalesce("injured", 0) * 10
            + Coalesce("displaced", 0)
            + Coalesce("houses_damaged", 0)
            + Coalesce("worship_places_damaged", 0) * 10
            + Coalesce("public_facilities_damaged", 0)
        )
        .order_by("-harm", "-occurred_at", "-pk")[:limit]
    )
    return [
        {
            "reference": r.reference,
            "occurred_at": r.occurred_at,
            "kecamatan": r.kecamatan.name,
            # Verified reports are classified (a database constraint); never a blank cell.
            "conflict_source": r.get_conflict_source_display() or gettext("Belum diklasifikasi"),
            "form": r.get_form_display() or gettext("Belum diklasifikasi"),
            "killed": r.killed,
            "injured": r.injured,
            "displaced": r.displaced,
            "stage": r.get_stage_display(),
            "status": r.get_status_display(),
            "resolution": r.get_resolution_display() if r.resolution else "",
        }
        for r in reports
    ]


# Handling steps that count as coordination and dialogue (the province's "intensity" measure).
DIALOGUE_ACTIONS = (ActionType.DIALOG, ActionType.MEDIASI, ActionType.RAPAT)


def handling_counts(start: date, end: date) -> dict:
    """Handling steps dated between two dates on official reports, by action type (one query);
    `dialogue` sums dialogues, mediations and coordination meetings."""
    counts = dict(
        HandlingStep.objects.filter(
            date__gte=start, date__lte=end, incident__status__in=OFFICIAL_STATUSES
        )
        .values_list("action_type")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        "by_type": [(label, counts.get(value, 0)) for value, label in ActionType.choices],
        "dialogue": sum(counts.get(value, 0) for value in DIALOGUE_ACTIONS),
        "total": sum(counts.values()),
    }
