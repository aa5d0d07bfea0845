"""Figures of the reports that other apps (dashboard, evaluations, reports) read."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q
from django.db.models.functions import Coalesce, ExtractMonth
from django.utils.dates import MONTHS

from core.choices import Stage
from incidents.choices import (
    ActionType,
    Confidentiality,
    ConflictSource,
    Form,
    Kind,
    RiskLevel,
    Status,
)
from incidents.models import HandlingStep, Incident

OPEN_STATUSES = (Status.DIAJUKAN, Status.DIVERIFIKASI, Status.DITANGANI)


def incident_summary(user) -> dict:
    """Counts for the dashboard's report cards, in one query over what the user may see."""
    return Incident.objects.visible_to(user).aggregate(
        submitted=Count("pk", filter=Q(status=Status.DIAJUKAN)),
        handling=Count("pk", filter=Q(status__in=[Status.DIVERIFIKASI, Status.DITANGANI])),
        high_risk=Count(
            "pk",
            filter=Q(
                status__in=OPEN_STATUSES,
                risk_level__in=[RiskLevel.TINGGI, RiskLevel.SANGAT_TINGGI],
            ),
        ),
        my_drafts=Count("pk", filter=Q(status=Status.DRAFT, reported_by=user)),
    )


# Reports that count in official figures: submitted onwards, never drafts or rejected reports.
OFFICIAL_STATUSES = (
    Status.DIAJUKAN,
    Status.DIVERIFIKASI,
    Status.DITANGANI,
    Status.SELESAI,
    Status.DITUTUP,
)
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


def _counted(queryset, field, choices):
    counts = dict(queryset.values_list(field).annotate(n=Count("pk")).order_by())
    return [(label, counts.get(value, 0)) for value, label in choices]


@dataclass
class IncidentStatistics:
    total: int
    resolved: int
    kejadian: int
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
        by_kecamatan=[(k.name, per_kecamatan.get(k.pk, 0)) for k in kecamatan],
        by_source=_counted(reports, "conflict_source", ConflictSource.choices),
        by_form=[row for row in _counted(reports, "form", Form.choices) if row[1]],
        by_stage=_counted(reports, "stage", Stage.choices),
        by_status=_counted(
            reports, "status", [c for c in Status.choices if c[0] in OFFICIAL_STATUSES]
        ),
        by_month=[(MONTHS[m], per_month.get(m, 0)) for m in months],
    )


def notable_cases(start: date, end: date, limit: int = 10) -> list[dict]:
    """The period's most serious events for a document: internal ones only, described without
    any personal data (no title, chronology, parties, reporter or informant), worst first."""
    reports = (
        official_incidents(start, end)
        .filter(kind=Kind.KEJADIAN, confidentiality=Confidentiality.INTERNAL)
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
            "conflict_source": r.get_conflict_source_display(),
            "form": r.get_form_display(),
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
