"""The computed indicators: each a named, documented function of one period's or one year's data
that returns its raw value, the 0-100 score it maps to, and the ids of the records behind it.

The functions read every record (not a user's view): an evaluation is an institutional figure.
Pages that list the records behind a figure narrow them to what the reader may see.

Each function runs a fixed number of queries, however many records there are.
"""

import calendar
import statistics
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Count, Exists, F, Min, OuterRef, Q, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from action_plans.choices import DEFAULT_DUE_DAYS, PERIOD_LAYOUTS, PeriodScheme, PlanStatus
from action_plans.models import ActionPlan, Activity, Realisation, RealisationEvidence, Target
from action_plans.selectors import achievement_class, period_achievement
from directory.choices import ContactKind
from directory.models import Region
from evaluations.choices import YEAR_SCOPE, ActionClass
from incidents.choices import ActionType, Status
from incidents.models import HandlingStep, Incident

HUNDRED = Decimal(100)


def tenths(value: Decimal) -> Decimal:
    """To one decimal, halves up as people round (5 of 16 is 31,3 %, not Python's 31,2)."""
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# Reports that count as reports: submitted and not rejected.
COUNTED_STATUSES = [
    Status.DIAJUKAN,
    Status.DIVERIFIKASI,
    Status.DITANGANI,
    Status.SELESAI,
    Status.DITUTUP,
]
RESOLVED_STATUSES = [Status.SELESAI, Status.DITUTUP]
DIALOGUE_TYPES = [ActionType.DIALOG, ActionType.MEDIASI, ActionType.RAPAT]
LEADER_KINDS = [
    ContactKind.MASYARAKAT,
    ContactKind.AGAMA,
    ContactKind.ADAT,
    ContactKind.PEMUDA,
    ContactKind.PEREMPUAN,
]

# Keys of `Result.records`: which list the ids belong to.
INCIDENTS, STEPS, ACTIVITIES, REALISATIONS = "incidents", "steps", "activities", "realisations"


# --- the period or year evaluated ----------------------------------------------------------------


@dataclass(frozen=True)
class ScopePeriod:
    """A reporting period as the evaluation sees it (from the year's plan, or the default
    four-monthly layout when there is no plan yet)."""

    code: str
    start_date: date
    end_date: date
    due_date: date
    pk: int | None = None


@dataclass(frozen=True)
class Scope:
    """One period (B04, B08, B12 ...) or a whole year, with its dates and the year's plan."""

    year: int
    code: str
    periods: tuple
    plan: ActionPlan | None

    @property
    def is_year(self) -> bool:
        return self.code == YEAR_SCOPE

    @property
    def start(self) -> date:
        return self.periods[0].start_date

    @property
    def end(self) -> date:
        return self.periods[-1].end_date

    @property
    def last_due(self) -> date:
        """When the last realisation report of the scope is due."""
        return max(p.due_date for p in self.periods)

    @property
    def period_ids(self) -> list[int]:
        return [p.pk for p in self.periods if p.pk]

    def aware_range(self) -> tuple[datetime, datetime]:
        """The scope's days as a half-open range of Jakarta-time instants."""
        zone = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, zone),
            datetime.combine(self.end + timedelta(days=1), time.min, zone),
        )


_READING: ContextVar[dict | None] = ContextVar("evaluation_reading", default=None)


@contextmanager
def one_reading():
    """Inside it, what every scope of a year shares (plan periods, framework, achievements,
    evaluations, stored results) is read from the database once: a page that shows a year, its
    periods and the year before asks for them a dozen times. Only for reading: what is written
    inside is not seen again."""
    token = _READING.set({})
    try:
        yield
    finally:
        _READING.reset(token)


def reading_once() -> bool:
    """Whether this runs inside `one_reading()`."""
    return _READING.get() is not None


def read_once(key, read):
    """`read()`, or inside `one_reading()` what it returned the first time for `key`."""
    memo = _READING.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


def row_of_scope(model, year: int, code: str):
    """The `model` row of (year, scope code), or None; inside `one_reading()` the rows of every
    scope of the year are read at once."""
    if not reading_once():
        return model.objects.filter(year=year, scope=code).first()
    return read_once(
        (model, year), lambda: {row.scope: row for row in model.objects.filter(year=year)}
    ).get(code)


def year_periods(year: int) -> tuple[list[ScopePeriod], ActionPlan | None]:
    return read_once(("periods", year), lambda: _year_periods(year))


def _year_periods(year: int) -> tuple[list[ScopePeriod], ActionPlan | None]:
    plan = ActionPlan.objects.filter(year=year).first()
    if plan is not None:
        periods = [
            ScopePeriod(p.code, p.start_date, p.end_date, p.due_date, p.pk)
            for p in plan.periods.all()
        ]
        if periods:
            return periods, plan
    periods = []
    for code, _name, first, last in PERIOD_LAYOUTS[PeriodScheme.CATURWULAN]:
        end = date(year, last, calendar.monthrange(year, last)[1])
        periods.append(
            ScopePeriod(code, date(year, first, 1), end, end + timedelta(days=DEFAULT_DUE_DAYS))
        )
    return periods, plan


def period_codes(years) -> dict[int, list[str]]:
    """{year: its period codes} for many years at once (two queries, however many years)."""
    plans = {
        plan.year: [p.code for p in plan.periods.all()]
        for plan in ActionPlan.objects.filter(year__in=list(years)).prefetch_related("periods")
    }
    default = [code for code, _name, _first, _last in PERIOD_LAYOUTS[PeriodScheme.CATURWULAN]]
    return {year: plans.get(year) or default for year in years}


def scope_for(year: int, code: str) -> Scope:
    """The scope of `code` in `year`; LookupError when the year has no such period."""
    periods, plan = year_periods(year)
    if code == YEAR_SCOPE:
        return Scope(year, code, tuple(periods), plan)
    chosen = [p for p in periods if p.code == code]
    if not chosen:
        raise LookupError(code)
    return Scope(year, code, tuple(chosen), plan)


def has_data(scope: Scope) -> bool:
    """Whether there is anything to evaluate in `scope`: the year has an action plan, or a
    counted report of conflict occurred in the scope's days. Without either every indicator
    judges nothing, and the shares of a fixed whole (kecamatan reached 0 of 21, dialogues 0 of
    6) read as a score of 0: a year before the portal was used looked like a failed one.

    Inside `one_reading()` the periods of a year are asked about at once (one query)."""
    if scope.plan is not None:
        return True
    with_reports = read_once(("with_reports", scope.year), lambda: _with_reports(scope.year))
    return any(period.code in with_reports for period in scope.periods)


def _with_reports(year: int) -> set[str]:
    """The codes of the year's periods in which a counted report occurred (one query: the first
    such report of each period, each found through the occurred-at index)."""
    zone = timezone.get_current_timezone()
    firsts = [
        counted_incidents()
        .filter(
            occurred_at__gte=datetime.combine(period.start_date, time.min, zone),
            occurred_at__lt=datetime.combine(period.end_date + timedelta(days=1), time.min, zone),
        )
        .annotate(period=Value(period.code))
        .values_list("period", flat=True)[:1]
        for period in year_periods(year)[0]
    ]
    return set(firsts[0].union(*firsts[1:], all=True))


# --- results -------------------------------------------------------------------------------------


@dataclass
class Result:
    """An indicator's outcome: `raw` in `unit`, its `score` (0-100, None when there is nothing
    to judge), the fraction behind a share, and the ids of the records behind the figure."""

    raw: Decimal | None
    score: Decimal | None
    numerator: int | None = None
    denominator: int | None = None
    records: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ComputedIndicator:
    code: str
    unit: str
    mapping: str  # how the raw value becomes a score, shown next to the figure
    function: Callable[[Scope], Result]
    # The values of the settings the mapping depends on, for its %(name)s placeholders: readers
    # see "6 kali per periode", not the name of a server setting.
    mapping_values: Callable[[], dict] | None = None

    def mapping_text(self) -> str:
        """The mapping as a reader sees it, with the current settings' values filled in."""
        text = str(self.mapping)
        return text % self.mapping_values() if self.mapping_values else text


REGISTRY: dict[str, ComputedIndicator] = {}


def computed(code: str, unit: str, mapping: str, mapping_values=None):
    def register(function):
        REGISTRY[code] = ComputedIndicator(code, unit, mapping, function, mapping_values)
        return function

    return register


def share(numerator: int, denominator: int, records: dict) -> Result:
    """A share in percent, scored one point per percent; nothing to share of is no score."""
    if not denominator:
        return Result(None, None, numerator, denominator, records)
    value = tenths(HUNDRED * numerator / denominator)
    return Result(value, value, numerator, denominator, records)


def count_score(count: int, target: int) -> Decimal:
    """`count` against `target`: full score at the target, proportionally below it."""
    if target <= 0:
        return HUNDRED
    return min(HUNDRED, tenths(HUNDRED * count / target))


def days_score(days: Decimal, good: int, poor: int) -> Decimal:
    """Full score at or below `good` days, zero at or above `poor`, linear between."""
    if days <= good:
        return HUNDRED
    if days >= poor:
        return Decimal(0)
    return tenths(HUNDRED * (poor - days) / (poor - good))


# --- shared record sets --------------------------------------------------------------------------


def counted_incidents():
    return Incident.objects.filter(status__in=COUNTED_STATUSES)


def steps_in(scope: Scope):
    return HandlingStep.objects.filter(
        date__range=(scope.start, scope.end), incident__status__in=COUNTED_STATUSES
    )


def planned_activities(scope: Scope):
    """Activities with a target above zero in one of the scope's periods."""
    if scope.plan is None:
        return Activity.objects.none()
    targets = Target.objects.filter(
        activity=OuterRef("pk"), period_id__in=scope.period_ids, value__gt=0
    )
    return Activity.objects.filter(plan=scope.plan).filter(Exists(targets))


def submitted_realisations(scope: Scope):
    return Realisation.objects.filter(period_id__in=scope.period_ids).submitted()


def expected_reports(scope: Scope, today: date | None = None) -> list[tuple[int, int]]:
    """(activity, period) pairs that owe a realisation report by now: the plan is established,
    the period has a target above zero, the due date has passed, and the activity was in the
    plan before that due date (one added later cannot have been late)."""
    today = today or timezone.localdate()
    if scope.plan is None or scope.plan.status == PlanStatus.DRAFT:
        return []
    due = {p.pk: p.due_date for p in scope.periods if p.pk and p.due_date < today}
    rows = Target.objects.filter(period_id__in=due, value__gt=0).values_list(
        "activity_id", "period_id", "activity__created_at"
    )
    return [
        (activity, period)
        for activity, period, created in rows
        if created is None or timezone.localdate(created) <= due[period]
    ]


# --- kolaborasi lintas sektor --------------------------------------------------------------------


@computed(
    "kolaborasi.kegiatan_lintas_instansi",
    "%",
    _("Persentase = nilai (100% kegiatan melibatkan dua instansi atau lebih = 100)."),
)
def activities_with_several_agencies(scope: Scope) -> Result:
    """Share of the planned activities run by two or more agencies (the responsible agency and
    at least one supporting agency)."""
    rows = list(
        planned_activities(scope)
        .annotate(
            helpers=Count(
                "supporting_agencies",
                filter=~Q(supporting_agencies=F("responsible_agency")),
                distinct=True,
            )
        )
        .values_list("pk", "helpers")
    )
    several = [pk for pk, helpers in rows if helpers >= 1]
    return share(len(several), len(rows), {ACTIVITIES: several})


@computed(
    "kolaborasi.instansi_merealisasikan",
    "%",
    _("Persentase instansi penanggung jawab yang sudah menyerahkan realisasi = nilai."),
)
def agencies_with_realisations(scope: Scope) -> Result:
    """Distinct responsible agencies that submitted at least one realisation in the scope, as a
    share of the agencies responsible for planned activities."""
    responsible = set(planned_activities(scope).values_list("responsible_agency_id", flat=True))
    rows = list(submitted_realisations(scope).values_list("pk", "activity__responsible_agency_id"))
    reporting = {agency for _pk, agency in rows} & responsible
    return share(len(reporting), len(responsible), {REALISATIONS: [pk for pk, _a in rows]})


@computed(
    "kolaborasi.penanganan_lintas_instansi",
    "%",
    _("Persentase langkah penanganan yang melibatkan dua instansi atau lebih = nilai."),
)
def steps_with_several_agencies(scope: Scope) -> Result:
    """Share of the handling steps in the scope that involved two or more agencies."""
    rows = list(steps_in(scope).annotate(n=Count("agencies", distinct=True)).values_list("pk", "n"))
    several = [pk for pk, n in rows if n >= 2]
    return share(len(several), len(rows), {STEPS: several})


# --- komunikasi efektif --------------------------------------------------------------------------


def dialogue_target(scope: Scope) -> int:
    return settings.EVALUATION_DIALOGUE_TARGET * len(scope.periods)


@computed(
    "komunikasi.dialog_mediasi_rakor",
    _("kali"),
    _(
        "Jumlah dibanding target (%(target)s kali per periode, ditetapkan oleh administrator "
        "server); target tercapai = 100."
    ),
    lambda: {"target": settings.EVALUATION_DIALOGUE_TARGET},
)
def dialogues_held(scope: Scope) -> Result:
    """Dialogues, mediations and coordination meetings held: handling steps of those kinds, and
    submitted realisations of activities whose title names such a meeting
    (EVALUATION_DIALOGUE_KEYWORDS)."""
    dialogue_steps = steps_in(scope).filter(action_type__in=DIALOGUE_TYPES)
    steps = list(dialogue_steps.values_list("pk", flat=True))
    keywords = Q()
    for word in settings.EVALUATION_DIALOGUE_KEYWORDS:
        keywords |= Q(activity__title__icontains=word)
    realisations = (
        list(submitted_realisations(scope).filter(keywords).values_list("pk", flat=True))
        if settings.EVALUATION_DIALOGUE_KEYWORDS
        else []
    )
    count = len(steps) + len(realisations)
    return Result(
        Decimal(count),
        count_score(count, dialogue_target(scope)),
        count,
        dialogue_target(scope),
        {STEPS: steps, REALISATIONS: realisations},
    )


@computed(
    "komunikasi.hari_ke_penanganan",
    _("hari"),
    _(
        "Median %(good)s hari atau kurang = 100, %(poor)s hari atau lebih = 0, di antaranya "
        "turun merata (batas ditetapkan oleh administrator server)."
    ),
    lambda: dict(zip(("good", "poor"), settings.EVALUATION_RESPONSE_DAYS, strict=True)),
)
def median_days_to_first_step(scope: Scope) -> Result:
    """Median days from a report (reported in the scope) to its first handling step. Reports
    without any step yet are left out of the median and counted in `denominator`."""
    start, end = scope.aware_range()
    rows = list(
        counted_incidents()
        .filter(reported_at__gte=start, reported_at__lt=end)
        .annotate(first_step=Min("steps__date"))
        .values_list("pk", "reported_at", "first_step")
    )
    handled = [(pk, reported, first) for pk, reported, first in rows if first is not None]
    if not handled:
        return Result(None, None, 0, len(rows), {INCIDENTS: []})
    days = [max(0, (first - timezone.localdate(reported)).days) for _pk, reported, first in handled]
    median = Decimal(str(statistics.median(days)))
    good, poor = settings.EVALUATION_RESPONSE_DAYS
    return Result(
        median,
        days_score(median, good, poor),
        len(handled),
        len(rows),
        {INCIDENTS: [pk for pk, _r, _f in handled]},
    )


# --- inklusivitas --------------------------------------------------------------------------------


@computed(
    "inklusivitas.laporan_melibatkan_tokoh",
    "%",
    _("Persentase laporan yang ditangani dengan melibatkan tokoh = nilai."),
)
def reports_engaging_leaders(scope: Scope) -> Result:
    """Share of the reports handled in the scope (a handling step dated in it) whose handling
    engaged community, religious, customary, youth or women leaders."""
    steps = steps_in(scope)
    handled = set(steps.values_list("incident_id", flat=True))
    engaged = set(
        steps.filter(contacts__kind__in=LEADER_KINDS).values_list("incident_id", flat=True)
    )
    return share(len(engaged), len(handled), {INCIDENTS: sorted(engaged)})


@computed(
    "inklusivitas.jenis_tokoh",
    _("jenis"),
    _(
        "Jenis tokoh yang dilibatkan dari lima (masyarakat, agama, adat, pemuda, perempuan); "
        "kelimanya = 100."
    ),
)
def leader_kinds_engaged(scope: Scope) -> Result:
    """Distinct kinds of leaders (of the five) engaged in handling steps in the scope."""
    rows = list(
        steps_in(scope)
        .filter(contacts__kind__in=LEADER_KINDS)
        .values_list("pk", "contacts__kind")
        .distinct()
    )
    kinds = {kind for _pk, kind in rows}
    value = Decimal(len(kinds))
    return Result(
        value,
        tenths(HUNDRED * len(kinds) / len(LEADER_KINDS)),
        len(kinds),
        len(LEADER_KINDS),
        {STEPS: sorted({pk for pk, _kind in rows})},
    )


@computed(
    "inklusivitas.kecamatan_terjangkau",
    "%",
    _("Persentase kecamatan yang terjangkau penanganan atau kegiatan = nilai."),
)
def kecamatan_reached(scope: Scope) -> Result:
    """Share of the regency's kecamatan reached: the kecamatan of reports handled in the scope
    and the locations of activities with a submitted realisation in it."""
    total = Region.objects.kecamatan().count()
    incidents = list(
        counted_incidents()
        .filter(pk__in=steps_in(scope).values("incident_id"))
        .values_list("pk", "kecamatan_id")
    )
    realisations = list(
        submitted_realisations(scope)
        .filter(activity__location__isnull=False)
        .values_list("pk", "activity__location_id")
    )
    reached = {k for _pk, k in incidents} | {k for _pk, k in realisations}
    return share(
        len(reached),
        total,
        {INCIDENTS: [pk for pk, _k in incidents], REALISATIONS: [pk for pk, _k in realisations]},
    )


# --- evaluasi berkelanjutan ----------------------------------------------------------------------


@computed(
    "evaluasi.laporan_tepat_waktu",
    "%",
    _("Persentase laporan realisasi yang diserahkan tepat waktu = nilai."),
)
def reports_on_time(scope: Scope, today: date | None = None) -> Result:
    """Share of the realisation reports owed in the scope (see `expected_reports`) that stand
    submitted and whose first submission came by the period's due date. One returned for
    correction and not handed in again is not a report (yet), whenever it first came."""
    expected = expected_reports(scope, today)
    due = {p.pk: p.due_date for p in scope.periods}
    submitted = {
        (r.activity_id, r.period_id): r
        for r in Realisation.objects.filter(
            period_id__in=scope.period_ids, first_submitted_at__isnull=False
        )
        .submitted()
        .only("pk", "activity_id", "period_id", "first_submitted_at")
    }
    on_time = [
        submitted[pair].pk
        for pair in expected
        if pair in submitted
        and timezone.localdate(submitted[pair].first_submitted_at) <= due[pair[1]]
    ]
    return share(len(on_time), len(expected), {REALISATIONS: on_time})


@computed(
    "evaluasi.realisasi_berbukti",
    "%",
    _("Persentase realisasi yang diserahkan dengan data dukung = nilai."),
)
def realisations_with_evidence(scope: Scope) -> Result:
    """Share of the submitted realisations in the scope with at least one evidence file."""
    rows = list(
        submitted_realisations(scope)
        .annotate(
            has_evidence=Exists(RealisationEvidence.objects.filter(realisation=OuterRef("pk")))
        )
        .values_list("pk", "has_evidence")
    )
    with_evidence = [pk for pk, has in rows if has]
    return share(len(with_evidence), len(rows), {REALISATIONS: with_evidence})


@computed(
    "evaluasi.laporan_selesai",
    "%",
    _("Persentase laporan yang sudah selesai atau ditutup = nilai."),
)
def reports_resolved(scope: Scope) -> Result:
    """Share of the reports of the scope (by date of occurrence) that are resolved or closed."""
    start, end = scope.aware_range()
    rows = list(
        counted_incidents()
        .filter(occurred_at__gte=start, occurred_at__lt=end)
        .values_list("pk", "status")
    )
    resolved = [pk for pk, status in rows if status in RESOLVED_STATUSES]
    return share(len(resolved), len(rows), {INCIDENTS: resolved})


@dataclass
class Achievement:
    """An activity's achievement in the scope. `ratio` is uncapped (130% stays 130%) and decides
    the action class; `capped` stops at 100% and is used only for the mean across activities,
    whose units differ."""

    activity_id: int
    stage: str
    target: Decimal
    achieved: Decimal
    ratio: Decimal

    @property
    def capped(self) -> Decimal:
        return min(self.ratio, Decimal(1))

    @property
    def action_class(self) -> str:
        return ActionClass(achievement_class(self.ratio).value)


def achievements(scope: Scope, today: date | None = None) -> list[Achievement]:
    """Per planned activity: its submitted realisations against its targets (above zero) in the
    scope's periods that have started (one not started yet has nothing to judge: its targets
    would read as 0 % achieved). For a year, the periods' targets and realisations are summed.

    Inside `one_reading()` the whole year is read once and each scope takes its periods from
    it: the year page shows the year and each of its periods."""
    wanted = set(scope.period_ids)
    rows = None
    if reading_once():
        year_ids = [p.pk for p in year_periods(scope.year)[0] if p.pk]
        if wanted and wanted <= set(year_ids):
            year_rows = read_once(
                ("achievements", scope.year), lambda: period_achievement(year_ids)
            )
            rows = [row for row in year_rows if row.period_id in wanted]
    if rows is None:
        rows = period_achievement(scope.period_ids)
    today = today or timezone.localdate()
    started = {p.pk for p in scope.periods if p.pk and p.start_date <= today}
    by_activity: dict[int, list] = {}
    for row in rows:
        if row.period_id not in started:
            continue
        by_activity.setdefault(row.activity_id, []).append(row)
    result = []
    for activity_id, items in by_activity.items():
        target = sum((i.target for i in items), Decimal(0))
        achieved = sum((i.achieved for i in items), Decimal(0))
        if target > 0:
            result.append(
                Achievement(activity_id, items[0].stage, target, achieved, achieved / target)
            )
    return result


@computed(
    "evaluasi.rata_rata_capaian",
    "%",
    _("Rata-rata capaian kegiatan, tiap kegiatan dibatasi 100% (satuan berbeda) = nilai."),
)
def mean_achievement(scope: Scope) -> Result:
    """The province's headline: the mean achievement over the planned activities, each capped
    at 100% because activities are measured in different units."""
    return mean_of(achievements(scope))


def mean_of(items: list[Achievement]) -> Result:
    """The mean capped achievement of `items` (see `mean_achievement`)."""
    if not items:
        return Result(None, None, 0, 0, {ACTIVITIES: []})
    mean = tenths(HUNDRED * sum(i.capped for i in items) / len(items))
    return Result(mean, mean, len(items), len(items), {ACTIVITIES: [i.activity_id for i in items]})
