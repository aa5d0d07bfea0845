"""Cross-model reads of the action plan: the matrix rows and the overview figures. Each reads
the plan's activities with a fixed number of queries, however many activities there are."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from action_plans.choices import Pillar, RealisationStatus, Stage
from action_plans.models import ActionPlan, Activity, Realisation, RealisationEvidence
from action_plans.services import achievement


@dataclass
class Cell:
    period: object
    target: Decimal | None
    realisation: Realisation | None

    @property
    def submitted(self):
        r = self.realisation
        return r if r and r.status == RealisationStatus.DISERAHKAN else None


@dataclass
class Row:
    activity: Activity
    cells: list
    target_total: Decimal
    achieved_total: Decimal
    spent: int
    evidence_count: int
    overdue_periods: list = field(default_factory=list)

    @property
    def achievement(self):
        return achievement(self.target_total, self.achieved_total)

    @property
    def absorption(self):
        budget = self.activity.budget
        return Decimal(self.spent) / budget if budget else None

    @property
    def status(self):
        if self.overdue_periods:
            return _("Terlambat lapor")
        if self.achievement is not None and self.achievement >= 1:
            return _("Tercapai")
        if any(cell.realisation for cell in self.cells):
            return _("Berjalan")
        return _("Belum ada realisasi")


def activities_for_matrix(activities):
    return activities.select_related("responsible_agency", "location").prefetch_related(
        "supporting_agencies",
        "targets",
        Prefetch(
            "realisations",
            # is_late reads the period's due date: fetched with the realisation.
            queryset=Realisation.objects.select_related("period").annotate(
                evidence_count=Count("evidence")
            ),
        ),
    )


def matrix_rows(plan, activities, today=None) -> list[Row]:
    today = today or timezone.localdate()
    periods = list(plan.periods.all())
    rows = []
    for activity in activities_for_matrix(activities):
        targets = {t.period_id: t.value for t in activity.targets.all()}
        realisations = {r.period_id: r for r in activity.realisations.all()}
        cells = [Cell(p, targets.get(p.pk), realisations.get(p.pk)) for p in periods]
        submitted = [c.submitted for c in cells if c.submitted]
        rows.append(
            Row(
                activity=activity,
                cells=cells,
                # Measured against the targets of the periods that have started: mid-year, an
                # activity that met every target so far stands at 100%, not at a third.
                target_total=sum(
                    (c.target for c in cells if c.target and c.period.start_date <= today),
                    Decimal(0),
                ),
                achieved_total=sum((r.achieved_value for r in submitted), Decimal(0)),
                spent=sum(r.budget_spent for r in submitted),
                evidence_count=sum(r.evidence_count for r in realisations.values()),
                # Only reports that were expected: a target was set and the plan is in force.
                overdue_periods=[
                    c.period
                    for c in cells
                    if plan.is_locked
                    and c.target is not None
                    and c.period.due_date < today
                    and not c.submitted
                ],
            )
        )
    # The matrix reads in the order of the law's stages, not alphabetically.
    rows.sort(
        key=lambda r: (Stage.values.index(r.activity.stage), r.activity.order, r.activity.code)
    )
    return rows


def rows_by_stage(rows):
    grouped = defaultdict(list)
    for row in rows:
        grouped[row.activity.stage].append(row)
    return [(Stage(stage).label, grouped[stage]) for stage in Stage.values if grouped[stage]]


@dataclass
class Summary:
    label: str
    activities: int = 0
    ratios: list = field(default_factory=list)
    budget: int = 0
    spent: int = 0

    def add(self, row):
        self.activities += 1
        if row.achievement is not None:
            self.ratios.append(row.achievement)
        self.budget += row.activity.budget
        self.spent += row.spent

    @property
    def achievement(self):
        """Mean of the activities' achievement (each capped at 100%), since units differ."""
        return sum(self.ratios) / len(self.ratios) if self.ratios else None

    @property
    def absorption(self):
        return Decimal(self.spent) / self.budget if self.budget else None


def overview(plan, rows, today=None) -> dict:
    today = today or timezone.localdate()
    by_stage = {s: Summary(label) for s, label in Stage.choices}
    by_pillar = {p: Summary(label) for p, label in Pillar.choices}
    by_agency = {}
    total = Summary(_("Seluruh rencana"))
    overdue = defaultdict(lambda: defaultdict(list))
    for row in rows:
        activity = row.activity
        total.add(row)
        by_stage[activity.stage].add(row)
        for pillar in activity.pillars:
            by_pillar[pillar].add(row)
        agency = activity.responsible_agency
        by_agency.setdefault(agency.pk, Summary(agency.name)).add(row)
        for period in row.overdue_periods:
            overdue[period][agency.name].append(activity)
    periods = [p for p in plan.periods.all() if p.due_date < today]
    return {
        "total": total,
        "by_stage": list(by_stage.values()),
        "by_pillar": list(by_pillar.values()),
        "by_agency": sorted(by_agency.values(), key=lambda s: s.label),
        "overdue": [(p, sorted(overdue[p].items())) for p in periods],
        "without_evidence": [row.activity for row in rows if not row.evidence_count],
        "stages_missing": [label for s, label in Stage.choices if not by_stage[s].activities],
    }


def plan_summary(user, year: int) -> dict | None:
    """The year's action plan as the user sees it: achievement, absorption, overdue reports."""
    plan = ActionPlan.objects.visible_to(user).filter(year=year).first()
    if plan is None:
        return None
    rows = matrix_rows(plan, Activity.objects.visible_to(user).filter(plan=plan))
    figures = overview(plan, rows)
    return {
        "plan": plan,
        "activities": len(rows),
        "achievement": figures["total"].achievement,
        "absorption": figures["total"].absorption,
        "overdue": sum(len(row.overdue_periods) for row in rows),
    }


# --- per-period figures for official documents ---------------------------------------------


class AchievementClass(models.TextChoices):
    """How an action's realisation compares with its target (thresholds are settings)."""

    MELAMPAUI = "melampaui", _("Melampaui target")
    TERCAPAI = "tercapai", _("Tercapai")
    MENDEKATI = "mendekati", _("Mendekati target")
    DI_BAWAH = "di_bawah", _("Di bawah target")


def achievement_class(ratio: Decimal | None) -> AchievementClass | None:
    """The class of an uncapped achievement ratio; None when there was no target."""
    if ratio is None:
        return None
    if ratio > Decimal(str(settings.RAT_CLASS_EXCEEDS)):
        return AchievementClass.MELAMPAUI
    if ratio >= Decimal(str(settings.RAT_CLASS_MET)):
        return AchievementClass.TERCAPAI
    if ratio >= Decimal(str(settings.RAT_CLASS_NEAR)):
        return AchievementClass.MENDEKATI
    return AchievementClass.DI_BAWAH


@dataclass
class PeriodRow:
    """One activity in one period, as the period report shows it."""

    activity: Activity
    target: Decimal | None
    realisation: Realisation | None  # submitted realisations only

    @property
    def achieved(self):
        return self.realisation.achieved_value if self.realisation else None

    @property
    def ratio(self) -> Decimal | None:
        """Realisation over target, uncapped: doing more than planned shows (DESIGN.md §2)."""
        if not self.target:
            return None
        return (self.achieved or Decimal(0)) / self.target

    @property
    def achievement_class(self):
        return achievement_class(self.ratio)

    @property
    def spent(self) -> int:
        return self.realisation.budget_spent if self.realisation else 0

    @property
    def absorption(self):
        budget = self.activity.budget
        return Decimal(self.spent) / budget if budget else None


def period_rows(plan, period, activities) -> list[PeriodRow]:
    """The RAT matrix of one period, in stage order: a fixed number of queries."""
    rows = []
    for row in matrix_rows(plan, activities):
        cell = next(c for c in row.cells if c.period.pk == period.pk)
        rows.append(PeriodRow(row.activity, cell.target, cell.submitted))
    return rows


def class_counts(rows) -> list[dict]:
    """Per stage (and in total) how many actions fall in each achievement class."""
    classes = list(AchievementClass)
    table = {stage: dict.fromkeys(classes, 0) for stage in Stage.values}
    unrated = dict.fromkeys(Stage.values, 0)
    for row in rows:
        klass = row.achievement_class
        if klass is None:
            unrated[row.activity.stage] += 1
        else:
            table[row.activity.stage][klass] += 1
    result = [
        {
            "stage": Stage(stage).label,
            "counts": [table[stage][c] for c in classes],
            "unrated": unrated[stage],
        }
        for stage in Stage.values
    ]
    result.append(
        {
            "stage": _("Jumlah"),
            "counts": [sum(table[s][c] for s in Stage.values) for c in classes],
            "unrated": sum(unrated.values()),
        }
    )
    return result


def mean_ratio(rows) -> Decimal | None:
    """The province's measure: the mean uncapped achievement over the actions with a target."""
    ratios = [row.ratio for row in rows if row.ratio is not None]
    return sum(ratios) / len(ratios) if ratios else None


def period_evidence(period, activities, limit: int):
    """Evidence of the period's submitted realisations, by activity code: at most `limit` items
    (one query) and the total count (one query), so an annex never grows without bound."""
    evidence = RealisationEvidence.objects.filter(
        realisation__period=period,
        realisation__status=RealisationStatus.DISERAHKAN,
        realisation__activity__in=activities,
    )
    items = list(
        evidence.select_related("realisation__activity").order_by(
            "realisation__activity__order", "realisation__activity__code", "uploaded_at", "pk"
        )[:limit]
    )
    return items, evidence.count()


def plan_for_document(year: int):
    """The year's plan with its periods for an official document (two queries), or None.
    Documents cover the whole plan: who may build or read them is the reports app's rule."""
    return ActionPlan.objects.filter(year=year).prefetch_related("periods").first()
