"""The evaluation's figures, for the evaluation pages and for other apps (the reports app's PDFs).

Entry point for other apps::

    figures = evaluation_figures(2025)          # the year
    figures = evaluation_figures(2025, "B08")   # one period

returns a `Figures` (below). When the evaluation of that period or year is final, the figures
come from its frozen snapshot (they no longer move when records change); otherwise they are
computed live from the portal's data. Scores are 0-100 `Decimal`s, or None where there was
nothing to judge (no reports at all, no plan yet, a manual indicator not scored yet); a pillar's
score is the weighted mean of its scored indicators, the total the weighted mean of the scored
pillars. Every indicator row carries the ids of the records behind it (`records`, keyed
"incidents", "steps", "activities", "realisations").

A fixed number of queries per call, however many records there are. A draft's computed
indicators come from StoredResults (see `indicator_results`), at most
EVALUATION_RESULTS_MAX_AGE minutes old, or older while one reader recounts them;
`Figures.computed_at` says when they were computed and `Figures.values_source` whether they are
stored, being recounted or worked out live. Rows carry no record ids when stored (`live_row`
works one out with them, for a drill-down).
"""

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Prefetch
from django.utils import timezone

from action_plans.choices import PlanStatus, Stage
from action_plans.models import ActionPlan, Activity, Realisation, Target
from evaluations import indicators
from evaluations.choices import YEAR_SCOPE, ActionClass, EvaluationStatus, IndicatorKind
from evaluations.indicators import Scope, scope_for
from evaluations.models import (
    FIRST_YEAR,
    Evaluation,
    Framework,
    Indicator,
    ManualScore,
    StoredResults,
)
from incidents.selectors import awaiting_verification

__all__ = ["Figures", "IndicatorRow", "PillarRow", "evaluation_figures", "framework_for"]


# Where a draft's computed values come from (`Computed.source`, `Figures.values_source`).
STORED = "stored"  # read from StoredResults, younger than EVALUATION_RESULTS_MAX_AGE
LIVE = "live"  # worked out from the portal's data during this call
RECOUNTING = "recounting"  # StoredResults past their age, while another reader recounts them


@dataclass
class IndicatorRow:
    """One indicator in one evaluation. `raw` is the measured value in `unit` ("%" for a
    share); `numerator`/`denominator` the counts behind a share; `justification` and
    `evidence` (list of `[id, file name]`) only for manual ones."""

    code: str
    name: str
    kind: str
    weight: Decimal
    unit: str = ""
    mapping: str = ""
    raw: Decimal | None = None
    score: Decimal | None = None
    numerator: int | None = None
    denominator: int | None = None
    records: dict = field(default_factory=dict)
    justification: str = ""
    evidence: list = field(default_factory=list)

    @property
    def is_manual(self) -> bool:
        return self.kind == IndicatorKind.MANUAL


@dataclass
class PillarRow:
    code: str
    name: str
    weight: Decimal
    score: Decimal | None
    indicators: list


@dataclass
class Figures:
    """Everything an evaluation shows. `classes` counts activities per action class (by
    uncapped achievement); `classes_by_stage` the same per handling stage; `mean_achievement`
    is the mean of the activities' achievement capped at 100% (units differ), `classes` use
    the uncapped one."""

    year: int
    scope: str
    status: str
    framework_from: int
    total: Decimal | None
    pillars: list
    classes: dict
    classes_by_stage: dict
    mean_achievement: Decimal | None
    activities: int
    computed_at: str
    # STORED, LIVE or RECOUNTING for a draft; a final evaluation's snapshot was LIVE.
    values_source: str = LIVE
    # False when there was nothing to evaluate (`indicators.has_data`, and no manual score):
    # every figure is empty, not 0. Snapshots frozen before this was kept had data.
    has_data: bool = True

    @property
    def indicators(self) -> list:
        return [row for pillar in self.pillars for row in pillar.indicators]

    @property
    def computed_time(self) -> datetime:
        """When the computed indicators were worked out (`computed_at`), as a datetime."""
        return datetime.fromisoformat(self.computed_at)

    @property
    def framework_is_initial(self) -> bool:
        """Weighted with the portal's initial weights (`Framework.is_initial`)."""
        return self.framework_from <= FIRST_YEAR

    def indicator(self, code: str) -> IndicatorRow | None:
        return next((row for row in self.indicators if row.code == code), None)

    @property
    def unscored_manual(self) -> list:
        return [row for row in self.indicators if row.is_manual and row.score is None]

    def to_snapshot(self) -> dict:
        def plain(value):
            if isinstance(value, Decimal):
                return str(value)
            if isinstance(value, dict):
                return {k: plain(v) for k, v in value.items()}
            if isinstance(value, list | tuple):
                return [plain(v) for v in value]
            return value

        return plain(asdict(self))

    @classmethod
    def from_snapshot(cls, data: dict) -> "Figures":
        def number(value):
            return None if value is None else Decimal(value)

        pillars = []
        for p in data["pillars"]:
            rows = []
            for row in p["indicators"]:
                for key in ("weight", "raw", "score"):
                    row[key] = number(row[key])
                rows.append(IndicatorRow(**row))
            pillars.append(
                PillarRow(p["code"], p["name"], number(p["weight"]), number(p["score"]), rows)
            )
        return cls(
            **{
                **data,
                "total": number(data["total"]),
                "mean_achievement": number(data["mean_achievement"]),
                "pillars": pillars,
            }
        )


def framework_for(year: int) -> Framework | None:
    """The framework version in force in `year`, with its pillars and indicators. Inside
    `indicators.one_reading()` every version is read once (a handful of rows): the year page
    compares a year with the one before, which are nearly always under the same version."""
    if not indicators.reading_once():
        return _frameworks().filter(valid_from__lte=year).first()
    versions = indicators.read_once("frameworks", lambda: list(_frameworks()))
    return next((version for version in versions if version.valid_from <= year), None)


def _frameworks():
    """The framework versions, newest first, with their pillars and indicators."""
    return Framework.objects.prefetch_related(
        Prefetch("pillars__indicators", queryset=Indicator.objects.order_by("order", "pk"))
    ).order_by("-valid_from")


def weighted(pairs) -> Decimal | None:
    """Weighted mean of (score, weight) pairs, leaving out those without a score."""
    scored = [(score, weight) for score, weight in pairs if score is not None and weight]
    total_weight = sum((weight for _s, weight in scored), Decimal(0))
    if not total_weight:
        return None
    return indicators.tenths(sum(score * weight for score, weight in scored) / total_weight)


def _computed(framework: Framework | None) -> list[str]:
    if framework is None:
        return []
    return [
        indicator.code
        for pillar in framework.pillars.all()
        for indicator in pillar.indicators.all()
        if indicator.kind == IndicatorKind.COMPUTED
    ]


def computed_codes(year: int) -> list[str]:
    """The codes of the computed indicators in the framework of `year`."""
    return _computed(framework_for(year))


def _encode(result: indicators.Result) -> dict:
    def text(value):
        return None if value is None else str(value)

    return {
        "raw": text(result.raw),
        "score": text(result.score),
        "numerator": result.numerator,
        "denominator": result.denominator,
    }


def _decode(data: dict) -> indicators.Result:
    def number(value):
        return None if value is None else Decimal(value)

    return indicators.Result(
        number(data["raw"]), number(data["score"]), data["numerator"], data["denominator"]
    )


class RecountRunning(Exception):
    """Another request or process is working these values out right now."""


@dataclass(frozen=True)
class Computed:
    """Computed indicators (code -> `indicators.Result`), when they were worked out, and
    where they come from (STORED, LIVE or RECOUNTING)."""

    values: dict
    computed_at: datetime
    source: str


@contextmanager
def _recount_lock(scope: Scope) -> Iterator[bool]:
    """Whether this connection may recount `scope`: a PostgreSQL advisory lock per (year,
    period) taken without waiting, so no reader ever queues behind a recount.

    Session level, released in `finally`: a transaction-level lock would live until the
    caller's outermost transaction ends (a test's, a request's), long after the recount, and
    every reader meanwhile would be told of a recount that is over. A process that dies
    mid-recount loses its connection and with it the lock. (Needs session-pinned connections:
    no PgBouncer in transaction mode.)"""
    key = [f"evaluations.stored_results:{scope.year}:{scope.code}"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(hashtext(%s))", key)
        [acquired] = cursor.fetchone()
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", key)


def _stored(scope: Scope, codes, *, again: bool = False) -> StoredResults | None:
    """The stored results of `scope` when they hold every one of `codes`, however old. Inside
    `indicators.one_reading()` those of every scope of the year are read at once, unless
    `again` (read after taking the recount lock: what another reader just stored)."""
    if again:
        stored = StoredResults.objects.filter(year=scope.year, scope=scope.code).first()
    else:
        stored = indicators.row_of_scope(StoredResults, scope.year, scope.code)
    if stored is not None and set(codes) <= stored.results.keys():
        return stored
    return None


def _fresh(stored: StoredResults | None) -> bool:
    max_age = timedelta(minutes=settings.EVALUATION_RESULTS_MAX_AGE)
    return stored is not None and stored.computed_at > timezone.now() - max_age


def _read(stored: StoredResults, codes, source: str) -> Computed:
    return Computed(
        {code: _decode(stored.results[code]) for code in codes}, stored.computed_at, source
    )


def _live(scope: Scope, codes) -> Computed:
    """Worked out now, with the ids of the records behind each figure; not stored."""
    now = timezone.now()
    return Computed({code: indicators.REGISTRY[code].function(scope) for code in codes}, now, LIVE)


def _recount(scope: Scope, codes) -> Computed:
    """Work `codes` out now and store them; the caller holds the recount lock. In a savepoint,
    so a failure leaves the connection usable for releasing that lock."""
    with transaction.atomic():
        computed = _live(scope, codes)
        StoredResults.objects.update_or_create(
            year=scope.year,
            scope=scope.code,
            defaults={
                "results": {code: _encode(result) for code, result in computed.values.items()},
                "computed_at": computed.computed_at,
            },
        )
    return computed


def indicator_results(scope: Scope, codes) -> Computed:
    """The computed indicators `codes` of `scope`, for a page.

    Read from StoredResults (one query) while younger than EVALUATION_RESULTS_MAX_AGE minutes.
    When older, the first reader recounts and stores them (half a minute at a million reports),
    and every reader arriving meanwhile gets the stored values at once, marked RECOUNTING,
    instead of waiting or recounting too. Only when nothing is stored yet does a reader who finds a
    recount running work the values out for itself (not storing them)."""
    codes = [code for code in codes if code in indicators.REGISTRY]
    stored = _stored(scope, codes)
    if _fresh(stored):
        return _read(stored, codes, STORED)
    with _recount_lock(scope) as acquired:
        if acquired:
            # Another reader may have stored fresh values between our read and the lock.
            stored = _stored(scope, codes, again=True)
            if _fresh(stored):
                return _read(stored, codes, STORED)
            return _recount(scope, codes)
    if stored is not None:
        return _read(stored, codes, RECOUNTING)
    return _live(scope, codes)


def results_recount(scope: Scope, codes) -> Computed:
    """Work the computed indicators `codes` of `scope` out now and store them (the
    secretariat's "Hitung ulang", the timer). RecountRunning when a recount of `scope` is
    already under way: it is not started twice."""
    codes = [code for code in codes if code in indicators.REGISTRY]
    with _recount_lock(scope) as acquired:
        if not acquired:
            raise RecountRunning
        return _recount(scope, codes)


def compute_figures(
    scope: Scope, evaluation: Evaluation | None = None, *, live: bool = False
) -> Figures:
    """Figures of `scope`: manual scores from `evaluation` (when there is one) and the weights
    in force, read now; computed indicators from `indicator_results` (stored, at most
    EVALUATION_RESULTS_MAX_AGE minutes old), or with `live` worked out now with the ids of the
    records behind them (finalising)."""
    framework = framework_for(scope.year)
    manual = {}
    if evaluation is not None and evaluation.pk:
        manual = {
            m.indicator_code: m
            for m in ManualScore.objects.filter(evaluation=evaluation).prefetch_related("evidence")
        }
    framework_pillars = list(framework.pillars.all()) if framework else []
    codes = _computed(framework)
    has_data = bool(manual) or indicators.has_data(scope)
    if not has_data:
        # Nothing to work out (nor to store): every computed indicator is "tidak ada data".
        computed = Computed({}, timezone.now(), LIVE)
    elif live:
        computed = _live(scope, codes)
    else:
        computed = indicator_results(scope, codes)
    # A period not started yet has nothing to judge: "tidak ada data", not 0 for a share of
    # nothing (kecamatan reached 0/21) that pulled the total to 0,0.
    results = computed.values if scope.start <= timezone.localdate() else {}
    pillars = []
    for pillar in framework_pillars:
        rows = []
        for indicator in pillar.indicators.all():
            row = IndicatorRow(indicator.code, indicator.name, indicator.kind, indicator.weight)
            if indicator.kind == IndicatorKind.COMPUTED and indicator.code in results:
                spec = indicators.REGISTRY[indicator.code]
                result = results[indicator.code]
                row.unit, row.mapping = str(spec.unit), spec.mapping_text()
                row.raw, row.score = result.raw, result.score
                row.numerator, row.denominator = result.numerator, result.denominator
                row.records = result.records
            elif indicator.code in manual:
                score = manual[indicator.code]
                row.score = row.raw = score.score
                row.justification = score.justification
                row.evidence = [[e.pk, e.original_name] for e in score.evidence.all()]
            rows.append(row)
        pillars.append(
            PillarRow(
                pillar.code,
                pillar.name,
                pillar.weight,
                weighted((r.score, r.weight) for r in rows),
                rows,
            )
        )
    achievements = indicators.achievements(scope)
    by_stage = {stage: Counter() for stage in Stage.values}
    for item in achievements:
        by_stage[item.stage][item.action_class] += 1
    classes = Counter(item.action_class for item in achievements)
    mean = indicators.mean_of(achievements)
    return Figures(
        year=scope.year,
        scope=scope.code,
        status=EvaluationStatus.DRAFT,
        framework_from=framework.valid_from if framework else scope.year,
        total=weighted((p.score, p.weight) for p in pillars),
        pillars=pillars,
        classes={c: classes[c] for c in ActionClass.values},
        classes_by_stage={
            stage: {c: counts[c] for c in ActionClass.values} for stage, counts in by_stage.items()
        },
        mean_achievement=mean.raw,
        activities=len(achievements),
        computed_at=computed.computed_at.isoformat(),
        values_source=computed.source,
        has_data=has_data,
    )


def mean_achievement(year: int, period: str | None = None) -> Decimal | None:
    """The mean achievement of one period code ("B08") or of the year (period None), in
    percent to one decimal, as the evaluation page shows it for a draft (`Figures`): each
    activity's realisation against its target capped at 100% (their units differ), over the
    activities with a target above zero in the periods that have started; None when there are
    none. Worked out now from the portal's data (two queries). LookupError when the year has no
    such period."""
    return indicators.mean_of(indicators.achievements(scope_for(year, period or YEAR_SCOPE))).raw


def live_row(row: IndicatorRow, scope: Scope) -> IndicatorRow:
    """`row` (a computed indicator) worked out now, with the ids of the records behind it: a
    drill-down lists what the figure counts today."""
    if row.code not in indicators.REGISTRY:
        return row  # a framework code the portal cannot compute: shown without records
    result = indicators.REGISTRY[row.code].function(scope)
    row.raw, row.score = result.raw, result.score
    row.numerator, row.denominator = result.numerator, result.denominator
    row.records = result.records
    return row


def figures_of(evaluation: Evaluation | None, scope: Scope, *, live: bool = False) -> Figures:
    if evaluation is not None and evaluation.is_final:
        return Figures.from_snapshot(evaluation.snapshot)
    return compute_figures(scope, evaluation, live=live)


def evaluation_figures(year: int, period: str | None = None, *, live: bool = False) -> Figures:
    """The figures of `year` (period None) or of one period code ("B08"), frozen once final;
    while a draft, stored computed values (see `indicator_results`) or, with `live`, values
    worked out now. LookupError when the year has no such period."""
    code = period or YEAR_SCOPE
    scope = scope_for(year, code)
    # The year page asks for the year and each of its periods: their evaluations at once.
    evaluation = indicators.row_of_scope(Evaluation, year, code)
    return figures_of(evaluation, scope, live=live)


def previous_scope(year: int, code: str) -> tuple[int, str] | None:
    """The period before `code` (the last of the previous year for the first), or the previous
    year for a year."""
    if code == YEAR_SCOPE:
        return year - 1, YEAR_SCOPE
    codes = [p.code for p in indicators.year_periods(year)[0]]
    position = codes.index(code)
    if position > 0:
        return year, codes[position - 1]
    previous = [p.code for p in indicators.year_periods(year - 1)[0]]
    return year - 1, previous[-1]


# --- readiness ------------------------------------------------------------------------------------


@dataclass
class Readiness:
    """What would cost points if the period's report went today, each item linkable."""

    scope: Scope
    period: object
    missing_reports: list  # activities owing a realisation, with their agency
    without_evidence: list  # submitted realisations without any evidence file
    without_targets: list  # activities with no target for the period
    awaiting_verification: int  # reports submitted and not yet verified


def current_period_code(year: int, today: date | None = None) -> str:
    """The period whose report is next due: the first whose due date has not passed."""
    today = today or timezone.localdate()
    periods = indicators.year_periods(year)[0]
    for period in periods:
        if period.due_date >= today:
            return period.code
    return periods[-1].code


def due_scope(today: date | None = None) -> tuple[int, str]:
    """The year and code of the period whose report is due now, as the dashboard finds it
    (action_plans.selectors.period_due_now): last year's last period (ending 31 December, due
    in January) until its due date, when last year had a plan in force (in the portal's first
    year there is nothing to report for it), then this year's first period not yet due."""
    today = today or timezone.localdate()
    last = indicators.year_periods(today.year - 1)[0][-1]
    if (
        today <= last.due_date
        and ActionPlan.objects.filter(year=today.year - 1).exclude(status=PlanStatus.DRAFT).exists()
    ):
        return today.year - 1, last.code
    return today.year, current_period_code(today.year, today)


def readiness(year: int, code: str, today: date | None = None) -> Readiness:
    scope = scope_for(year, code)
    [period] = scope.periods
    plan = scope.plan
    if plan is None or not period.pk:
        return Readiness(scope, period, [], [], [], 0)
    today = today or timezone.localdate()
    submitted = set(
        Realisation.objects.filter(period_id=period.pk)
        .submitted()
        .values_list("activity_id", flat=True)
    )
    targets = {t.activity_id: t.value for t in Target.objects.filter(period_id=period.pk)}
    activities = list(
        Activity.objects.filter(plan=plan).select_related("responsible_agency").order_by("code")
    )
    missing = [
        a
        for a in activities
        if targets.get(a.pk)
        and plan.status != PlanStatus.DRAFT
        and (a.created_at is None or timezone.localdate(a.created_at) <= period.due_date)
        and a.pk not in submitted
    ]
    # Submitted ones only, as the evidence indicator counts them: a draft's or a returned
    # one's files are the agency's work in progress.
    without_evidence = list(
        Realisation.objects.filter(period_id=period.pk)
        .submitted()
        .annotate(files=Count("evidence"))
        .filter(files=0)
        .select_related("activity__responsible_agency")
        .order_by("activity__code")
    )
    return Readiness(
        scope=scope,
        period=period,
        missing_reports=missing,
        without_evidence=without_evidence,
        without_targets=[a for a in activities if a.pk not in targets],
        awaiting_verification=awaiting_verification(),
    )
