"""Cross-model reads of the action plan: the matrix rows and the overview figures. Each reads
the plan's activities with a fixed number of queries, however many activities there are."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from action_plans.choices import Pillar, PlanStatus, RealisationStatus, Stage
from action_plans.models import (
    ActionPlan,
    Activity,
    Period,
    Realisation,
    RealisationEvidence,
    Target,
)
from action_plans.services import achievement, achievement_uncapped
from core.models import ActivityLog


@dataclass
class Cell:
    period: object
    target: Decimal | None
    realisation: Realisation | None
    # Whether a report is owed for the period (`report_expected`): only then is a missing one
    # overdue after the due date.
    expected: bool = False

    @property
    def submitted(self):
        r = self.realisation
        return r if r and r.status == RealisationStatus.DISERAHKAN else None

    @property
    def achievement(self):
        """Uncapped: 130% stays 130% (the province counts over-achievement as a plus)."""
        r = self.submitted
        return achievement_uncapped(self.target, r.achieved_value if r else None)


def report_expected(plan, created_at, period, target) -> bool:
    """Whether an activity added to the plan at `created_at` owed a realisation report for
    `period`: the plan is in force, the period's target is above zero (empty or 0 expects
    nothing), and the activity was in the plan by the period's due date (one added later cannot
    have been late)."""
    if not plan.is_locked or not target:
        return False
    return created_at is None or timezone.localdate(created_at) <= period.due_date


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
        """Capped at 100%: this row feeds averages across activities in different units."""
        return achievement(self.target_total, self.achieved_total)

    @property
    def achievement_uncapped(self):
        return achievement_uncapped(self.target_total, self.achieved_total)

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


@dataclass(frozen=True, slots=True)
class ActivityFigures:
    """What one activity's row of the matrix counts, from its targets and its submitted
    realisations by period: the matrix (model instances) and the dashboard's plan summary
    (plain values) work them out here alike."""

    target_total: Decimal
    achieved_total: Decimal
    spent: int
    overdue_periods: list

    @classmethod
    def of(cls, plan, created_at, periods, targets, submitted, today) -> "ActivityFigures":
        """`targets`: {period id: target}; `submitted`: {period id: (achieved value, budget
        spent)} of the submitted realisations; `created_at`: when the activity was added."""
        return cls(
            # Measured against the targets of the periods that have started: mid-year, an
            # activity that met every target so far stands at 100%, not at a third.
            target_total=sum(
                (targets[p.pk] for p in periods if targets.get(p.pk) and p.start_date <= today),
                Decimal(0),
            ),
            achieved_total=sum((value for value, _spent in submitted.values()), Decimal(0)),
            spent=sum(spent for _value, spent in submitted.values()),
            overdue_periods=[
                p
                for p in periods
                if report_expected(plan, created_at, p, targets.get(p.pk))
                and p.due_date < today
                and p.pk not in submitted
            ],
        )


def activities_for_matrix(activities):
    """The activities with their targets and realisations, and what the matrix page shows
    besides the figures (location, supporting agencies, evidence counts)."""
    # is_late reads the period's due date: fetched with the realisation.
    realisations = Realisation.objects.select_related("period").annotate(
        evidence_count=Count("evidence")
    )
    return activities.select_related("responsible_agency", "location").prefetch_related(
        "supporting_agencies", "targets", Prefetch("realisations", queryset=realisations)
    )


def matrix_rows(plan, activities, today=None) -> list[Row]:
    """One row per activity with its cells and figures."""
    today = today or timezone.localdate()
    periods = list(plan.periods.all())
    rows = []
    for activity in activities_for_matrix(activities):
        targets = {t.period_id: t.value for t in activity.targets.all()}
        realisations = {r.period_id: r for r in activity.realisations.all()}
        cells = [
            Cell(
                p,
                targets.get(p.pk),
                realisations.get(p.pk),
                report_expected(plan, activity.created_at, p, targets.get(p.pk)),
            )
            for p in periods
        ]
        submitted = {
            c.period.pk: (c.submitted.achieved_value, c.submitted.budget_spent)
            for c in cells
            if c.submitted
        }
        figures = ActivityFigures.of(plan, activity.created_at, periods, targets, submitted, today)
        rows.append(
            Row(
                activity=activity,
                cells=cells,
                target_total=figures.target_total,
                achieved_total=figures.achieved_total,
                spent=figures.spent,
                # Files of submitted realisations only: a draft's or a returned one's are
                # the agency's work in progress, not evidence given to the secretariat.
                evidence_count=sum(c.submitted.evidence_count for c in cells if c.submitted),
                overdue_periods=figures.overdue_periods,
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
        self.count(row.achievement, row.activity.budget, row.spent)

    def count(self, achievement, budget, spent):
        """One activity: its achievement (capped), its budget and what it spent."""
        self.activities += 1
        if achievement is not None:
            self.ratios.append(achievement)
        self.budget += budget
        self.spent += spent

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
        # Judged per submitted realisation: an activity with evidence for B04 but none for B08
        # still lacks data dukung for B08.
        "without_evidence": [
            cell.submitted
            for row in rows
            for cell in row.cells
            if cell.submitted and not cell.submitted.evidence_count
        ],
        "stages_missing": [label for s, label in Stage.choices if not by_stage[s].activities],
    }


def plan_summary(user, year: int, today=None) -> dict | None:
    """The year's action plan as the user sees it: achievement, absorption, overdue reports.
    The same figures as the matrix's (`ActivityFigures`), read as plain values: the dashboard
    shows four numbers, not the rows."""
    plan = ActionPlan.objects.visible_to(user).filter(year=year).first()
    if plan is None:
        return None
    today = today or timezone.localdate()
    periods = list(plan.periods.all())
    period_ids = {p.pk for p in periods}
    activities = Activity.objects.visible_to(user).filter(plan=plan)
    targets = defaultdict(dict)
    for activity_id, period_id, value in Target.objects.filter(activity__in=activities).values_list(
        "activity_id", "period_id", "value"
    ):
        targets[activity_id][period_id] = value
    submitted = defaultdict(dict)
    for activity_id, period_id, achieved, spent in Realisation.objects.filter(
        activity__in=activities, status=RealisationStatus.DISERAHKAN, period__in=period_ids
    ).values_list("activity_id", "period_id", "achieved_value", "budget_spent"):
        submitted[activity_id][period_id] = (achieved, spent)
    total = Summary(_("Seluruh rencana"))
    late = defaultdict(int)
    overdue = own_overdue = 0
    for pk, created_at, budget, agency, agency_id in activities.values_list(
        "pk", "created_at", "budget", "responsible_agency__name", "responsible_agency_id"
    ):
        figures = ActivityFigures.of(plan, created_at, periods, targets[pk], submitted[pk], today)
        total.count(
            achievement(figures.target_total, figures.achieved_total), budget, figures.spent
        )
        if figures.overdue_periods:
            late[agency] += len(figures.overdue_periods)
            overdue += len(figures.overdue_periods)
            if agency_id and agency_id == getattr(user, "agency_id", None):
                own_overdue += len(figures.overdue_periods)
    return {
        "plan": plan,
        "activities": total.activities,
        "achievement": total.achievement,
        "absorption": total.absorption,
        "overdue": overdue,
        # Those of the user's own agency ("Kegiatan saya"): the whole plan's count for someone
        # who reads it all would name other agencies' late reports on their agency's panel.
        "own_overdue": own_overdue,
        # Agency name -> overdue reports, most overdue first (what the leadership asks about).
        "late_agencies": sorted(late.items(), key=lambda item: (-item[1], item[0])),
    }


@dataclass(frozen=True)
class PeriodAchievement:
    """One activity in one period with a target above zero: its submitted realisation (0 when
    none) against the target."""

    activity_id: int
    period_id: int
    stage: str
    target: Decimal
    achieved: Decimal

    @property
    def ratio(self) -> Decimal:
        """Uncapped (1.3 = 130%)."""
        return achievement_uncapped(self.target, self.achieved)


def period_achievement(period_ids) -> list[PeriodAchievement]:
    """Achievement per activity and period for the given periods, in two queries."""
    achieved = {
        (activity, period): value
        for activity, period, value in Realisation.objects.filter(period_id__in=period_ids)
        .submitted()
        .values_list("activity_id", "period_id", "achieved_value")
    }
    return [
        PeriodAchievement(activity, period, stage, target, achieved.get((activity, period), 0))
        for activity, period, stage, target in Target.objects.filter(
            period_id__in=period_ids, value__gt=0
        )
        .order_by("activity_id", "period__order")
        .values_list("activity_id", "period_id", "activity__stage", "value")
    ]


def plan_revisions(plan: ActionPlan):
    """Changes made to an established plan, newest first, each with its reason and changes."""
    return (
        ActivityLog.objects.for_object(plan)
        .filter(action="action_plans.plan.revise")
        .select_related("actor")
    )


def attach_realisation_history(realisations) -> None:
    """Give each realisation its submissions and returns from the activity log (`history`,
    oldest first), in one query."""
    realisations = [r for r in realisations if r is not None]
    history = defaultdict(list)
    entries = (
        ActivityLog.objects.for_objects(Realisation, [r.pk for r in realisations])
        .filter(action__startswith="action_plans.realisation.")
        .select_related("actor")
        .order_by("at", "pk")
    )
    for entry in entries if realisations else ():
        history[entry.object_id].append(entry)
    for realisation in realisations:
        realisation.history = history[str(realisation.pk)]


def _unreported(activities, period):
    """Activities that owe a report for `period` (the rule of `report_expected`: an established
    plan, a target above zero, in the plan by the due date) and have no submitted realisation
    for it."""
    after_due = datetime.combine(
        period.due_date + timedelta(days=1), time.min, timezone.get_current_timezone()
    )
    return (
        activities.filter(targets__period=period, targets__value__gt=0)
        .exclude(plan__status=PlanStatus.DRAFT)
        .filter(models.Q(created_at__isnull=True) | models.Q(created_at__lt=after_due))
        .exclude(
            pk__in=Realisation.objects.filter(
                period=period, status=RealisationStatus.DISERAHKAN
            ).values("activity_id")
        )
        .select_related("responsible_agency")
        .order_by("code")
    )


def period_due_now(user, today=None):
    """The period whose realisation report is due next among the established plans the user
    sees (its plan selected with it; one query): started, its due date not passed. Last year's
    last period (ending 31 December, due in January) stays the one due until its due date."""
    today = today or timezone.localdate()
    plans = (
        ActionPlan.objects.visible_to(user)
        .filter(year__in=(today.year - 1, today.year))
        .exclude(status=PlanStatus.DRAFT)
    )
    return (
        Period.objects.filter(plan__in=plans, start_date__lte=today, due_date__gte=today)
        .select_related("plan")
        .order_by("due_date")
        .first()
    )


# `operator_due(period=...)` not given: the function finds the period due now itself.
FIND = object()


def operator_due(user, today=None, *, period=FIND) -> dict | None:
    """What the user's agency must report: the periods already overdue (oldest first, each with
    its unreported activities), then the period due now (last year's last period until its due
    date in January) or, between periods, this year's established plan; and what was returned
    for correction (four queries, three given `period`).

    Overdue periods are those of established plans whose due date has passed in this year's
    plan, and last year's periods due this year, as the reminders count them (`periods_due`):
    older gaps stop nagging. A closed plan takes no more reports, so it owes none here.
    `period`: the period due now (`period_due_now`) when the caller has it already."""
    today = today or timezone.localdate()
    if period is FIND:
        period = period_due_now(user, today)
    # The user's own agency, explicitly: visible_to gives a secretariat member the whole plan,
    # and this panel is about their agency's reports.
    activities = Activity.objects.visible_to(user).filter(responsible_agency_id=user.agency_id)
    overdue_periods = models.Q(
        period__due_date__lt=today,
        period__plan__status=PlanStatus.DITETAPKAN,
        period__plan__year__gte=today.year - 1,
    ) & (models.Q(period__plan__year=today.year) | models.Q(period__due_date__year=today.year))
    owed = _owed(
        activities, (overdue_periods | models.Q(period=period)) if period else overdue_periods
    )
    overdue = defaultdict(list)
    for target in owed:
        if target.period != period:
            overdue[target.period].append(target.activity)
    if period is not None:
        plan = period.plan
    else:
        plan = ActionPlan.objects.visible_to(user).filter(year=today.year).first()
        if (plan is None or not plan.is_locked) and not overdue:
            return None
    returned = list(
        Realisation.objects.visible_to(user)
        .filter(activity__responsible_agency_id=user.agency_id)
        # A closed plan takes no corrections any more (plans closed before the close refused
        # them may still hold some).
        .filter(status=RealisationStatus.DIKEMBALIKAN)
        .exclude(activity__plan__status=PlanStatus.DITUTUP)
        .select_related("activity", "period")
        .order_by("period__due_date", "activity__code")
    )
    return {
        "plan": plan,
        "period": period,
        "days_left": (period.due_date - today).days if period else None,
        "due": [t.activity for t in owed if t.period == period],
        "overdue": list(overdue.items()),
        "returned": returned,
    }


def _owed(activities, periods) -> list[Target]:
    """The targets above zero of `activities` in the periods matching `periods` (a Q over the
    target's period) for which a realisation is owed (the rule of `report_expected`: the
    activity was in the plan by the period's due date) and none is submitted: oldest due date
    first, with their activity and period (one query)."""
    submitted = Realisation.objects.filter(
        activity=models.OuterRef("activity_id"),
        period=models.OuterRef("period_id"),
        status=RealisationStatus.DISERAHKAN,
    )
    return list(
        Target.objects.filter(periods, activity__in=activities, value__gt=0)
        .exclude(period__plan__status=PlanStatus.DRAFT)
        # In the plan by the due date, in Jakarta time (`__date` reads the current time zone).
        .filter(
            models.Q(activity__created_at__isnull=True)
            | models.Q(activity__created_at__date__lte=models.F("period__due_date"))
        )
        .exclude(models.Exists(submitted))
        .select_related("activity", "period__plan")
        .order_by("period__due_date", "period__order", "activity__code")
    )


def periods_due(today=None, *, horizon: int = 7) -> list[Period]:
    """Periods of established plans whose report is due within `horizon` days or overdue (one
    query): this year's plan, and last year's periods due this year (the last one, ending 31
    December, is due in January). Older gaps stop nagging."""
    today = today or timezone.localdate()
    return list(
        Period.objects.filter(
            models.Q(plan__year=today.year) | models.Q(due_date__year=today.year),
            plan__status=PlanStatus.DITETAPKAN,
            plan__year__gte=today.year - 1,
            start_date__lte=today,
            due_date__lte=today + timedelta(days=horizon),
        ).select_related("plan")
    )


def due_reports(periods, today=None) -> list[dict]:
    """For the daily reminders: per period, the activities still unreported, grouped by
    responsible agency (one query per period)."""
    today = today or timezone.localdate()
    result = []
    for period in periods:
        grouped = defaultdict(list)
        for activity in _unreported(Activity.objects.filter(plan=period.plan), period):
            grouped[activity.responsible_agency].append(activity)
        for agency, activities in sorted(grouped.items(), key=lambda item: item[0].name):
            result.append(
                {
                    "period": period,
                    "agency": agency,
                    "activities": activities,
                    "days_left": (period.due_date - today).days,
                }
            )
    return result


def readiness_gaps(period) -> dict:
    """What the period's report still lacks (two queries): activities with a target but no
    submitted realisation, and submitted realisations without any evidence.

    Slot: the evaluation's own readiness figures ("kesiapan laporan", evaluations/selectors.py)
    should replace or extend this once that app lands."""
    activities = Activity.objects.filter(plan=period.plan)
    unreported = _unreported(activities, period).count()
    without_evidence = (
        Realisation.objects.filter(
            period=period, status=RealisationStatus.DISERAHKAN, evidence__isnull=True
        )
        .distinct()
        .count()
    )
    return {"unreported": unreported, "without_evidence": without_evidence}


# --- per-period figures for official documents ---------------------------------------------


class AchievementClass(models.TextChoices):
    """How an action's realisation compares with its target (thresholds are settings)."""

    MELAMPAUI = "melampaui", _("Melampaui target")
    TERCAPAI = "tercapai", _("Tercapai")
    MENDEKATI = "mendekati", _("Mendekati target")
    DI_BAWAH = "di_bawah", _("Di bawah target")


def achievement_class(ratio: Decimal | None) -> AchievementClass | None:
    """The class of an uncapped achievement ratio; None when there was no target. The one rule
    for the RAT, the evaluation and the documents (ACTION_CLASS_THRESHOLDS, in percent)."""
    if ratio is None:
        return None
    above, near = (Decimal(str(t)) for t in settings.ACTION_CLASS_THRESHOLDS)
    percent = ratio * 100
    if percent > above:
        return AchievementClass.MELAMPAUI
    if percent >= above:
        return AchievementClass.TERCAPAI
    if percent >= near:
        return AchievementClass.MENDEKATI
    return AchievementClass.DI_BAWAH


class Timeliness(models.TextChoices):
    """Where an activity's realisation report for a period stands, of the activities that owe
    one (`report_expected`). "Late" alone meant a report handed in after the due date in the
    documents and a report still missing after it on the dashboard: each has its own words."""

    TEPAT_WAKTU = "tepat_waktu", _("Disampaikan tepat waktu")
    TERLAMBAT = "terlambat", _("Disampaikan terlambat")
    # What the dashboard, the RAT summary and the matrix count as overdue (`overdue_periods`).
    LEWAT_BATAS = "lewat_batas", _("Belum disampaikan, lewat batas")
    BELUM_BATAS = "belum_batas", _("Belum disampaikan, batas belum lewat")


@dataclass
class PeriodRow:
    """One activity in one period, as the period report shows it."""

    activity: Activity
    target: Decimal | None
    realisation: Realisation | None  # submitted realisations only
    # Whether the activity owes a report for the period (`Cell.expected`), and whether it is
    # missing after the due date (the period is among the row's `overdue_periods`).
    expected: bool = False
    overdue: bool = False

    @property
    def timeliness(self) -> Timeliness | None:
        """None for an activity that owes no report for the period."""
        if not self.expected:
            return None
        if self.realisation:
            return Timeliness.TERLAMBAT if self.realisation.is_late else Timeliness.TEPAT_WAKTU
        return Timeliness.LEWAT_BATAS if self.overdue else Timeliness.BELUM_BATAS

    @property
    def achieved(self):
        return self.realisation.achieved_value if self.realisation else None

    @property
    def ratio(self) -> Decimal | None:
        """Realisation over target, uncapped: doing more than planned shows."""
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
    return rows_of_period(matrix_rows(plan, activities), period)


def rows_of_period(matrix, period) -> list[PeriodRow]:
    """One period's rows of the matrix (`matrix_rows`)."""
    rows = []
    for row in matrix:
        cell = next(c for c in row.cells if c.period.pk == period.pk)
        rows.append(
            PeriodRow(
                row.activity,
                cell.target,
                cell.submitted,
                expected=cell.expected,
                overdue=period in row.overdue_periods,
            )
        )
    return rows


def timeliness_counts(rows) -> dict:
    """How many of the activities that owe the period's report stand at each `Timeliness`
    (every one present, zeros included), and their number in all (`owed`)."""
    counts = dict.fromkeys(Timeliness, 0)
    for row in rows:
        if row.timeliness is not None:
            counts[row.timeliness] += 1
    return {"counts": counts, "owed": sum(counts.values())}


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


# How long after a plan action a second press of the same button counts as a double tap.
PRESSED_TWICE_WITHIN = timedelta(minutes=10)


def plan_action_just_done(plan, action: str, user) -> bool:
    """Whether the plan's latest status action is `action` (a log code such as
    "action_plans.plan.establish"), done by `user` moments ago: a second press of the button
    (or a form sent again after a lost answer), not another person's earlier action."""
    latest = (
        ActivityLog.objects.for_object(plan)
        .filter(action__startswith="action_plans.plan.")
        .order_by("-at", "-pk")
        .first()
    )
    return (
        latest is not None
        and latest.action == action
        and latest.actor_id == user.pk
        and latest.at >= timezone.now() - PRESSED_TWICE_WITHIN
    )
