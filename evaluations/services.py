"""Writes to the evaluation: manual scores, finalising, the province's result, weights. Each
checks the named permission first, validates, saves and logs in one transaction."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from core.services import evidence_store, log_action, require_perm
from evaluations.choices import EvaluationStatus, IndicatorKind
from evaluations.indicators import scope_for
from evaluations.models import (
    Evaluation,
    Framework,
    Indicator,
    ManualScore,
    ManualScoreEvidence,
    Pillar,
)
from evaluations.selectors import (
    compute_figures,
    computed_codes,
    framework_for,
    results_recount,
)


def evaluation_get_or_create(*, year: int, scope: str) -> Evaluation:
    """The evaluation record of a period or year (a draft until finalised). LookupError when
    the year has no such period."""
    scope_for(year, scope)
    evaluation, _created = Evaluation.objects.get_or_create(year=year, scope=scope)
    return evaluation


class ScoreChangedMeanwhile(Exception):
    """A manual score saved by someone else since the form was opened: nothing was written.
    `changes`: (label, as opened, as stored now); `state`: the score as stored now."""

    def __init__(self, changes, state):
        super().__init__(changes)
        self.changes, self.state = changes, state


class WeightsChangedMeanwhile(ScoreChangedMeanwhile):
    """Weights saved by someone else since the weights form was opened: nothing was written."""


def shown_number(value: str) -> str:
    """A stored number ("87.5") as people read it here ("87,5")."""
    try:
        return number_format(Decimal(value)) if value != "" else ""
    except ArithmeticError:
        return value


def manual_score_state(manual: ManualScore | None) -> dict:
    """A manual score as its form shows it, to see later whether it changed meanwhile."""
    if manual is None or manual.pk is None:
        return {"score": "", "justification": ""}
    return {"score": f"{manual.score.normalize():f}", "justification": manual.justification}


@transaction.atomic
def manual_score_save(
    *,
    evaluation: Evaluation,
    indicator_code: str,
    score: Decimal,
    justification: str,
    files=(),
    by,
    opened: dict | None = None,
) -> ManualScore:
    """Store a manual score with its files. With `opened` (the score as the form showed it),
    a score someone else saved since is not written over unseen (ScoreChangedMeanwhile)."""
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    require_perm(by, "evaluations.score_evaluation")  # the role, before the state
    if evaluation.is_final:
        # Finalised by a colleague since the form was opened: a message, not a refused role.
        raise ValidationError(_("Evaluasi ini sudah final; nilainya tidak dapat diubah lagi."))
    require_perm(by, "evaluations.score_evaluation", evaluation)
    framework = framework_for(evaluation.year)
    if not Indicator.objects.filter(
        pillar__framework=framework, code=indicator_code, kind=IndicatorKind.MANUAL
    ).exists():
        raise ValidationError(_("Indikator ini tidak dinilai manual."))
    manual = ManualScore.objects.filter(
        evaluation=evaluation, indicator_code=indicator_code
    ).first() or ManualScore(evaluation=evaluation, indicator_code=indicator_code)
    state = manual_score_state(manual)
    if opened is not None and opened != state:
        labels = {"score": _("Nilai"), "justification": _("Alasan penilaian")}
        shown = {"score": shown_number}
        changes = [
            (
                labels[name],
                shown.get(name, str)(opened.get(name, "")),
                shown.get(name, str)(value),
            )
            for name, value in state.items()
            if opened.get(name, "") != value
        ]
        raise ScoreChangedMeanwhile(changes, state)
    manual.score, manual.justification, manual.scored_by = score, justification.strip(), by
    manual.full_clean()
    manual.save()
    for upload in files:
        evidence_store(ManualScoreEvidence(manual_score=manual), upload, by=by)
    log_action(
        actor=by,
        action="evaluations.score",
        obj=evaluation,
        indicator=indicator_code,
        score=str(score),
        files=len(files),
    )
    return manual


def results_refresh(*, year: int, scope: str, by) -> None:
    """Work out the computed indicators of a period or year again now (the secretariat's
    "Hitung ulang"), rather than waiting for them to age out. LookupError for no such period;
    RecountRunning (nothing done, nothing logged) when a recount of it is already under way."""
    require_perm(by, "evaluations.refresh_results")
    results_recount(scope_for(year, scope), computed_codes(year))
    log_action(actor=by, action="evaluations.refresh", year=year, scope=scope)


@transaction.atomic
def evaluation_finalise(*, evaluation: Evaluation, by) -> Evaluation:
    """Freeze every value, score and count (and the ids of the records behind them) so later
    edits to reports, realisations or weights do not move this evaluation."""
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    require_perm(by, "evaluations.score_evaluation")  # the role, before the state
    if evaluation.is_final:
        raise ValidationError(_("Evaluasi ini sudah final."))
    require_perm(by, "evaluations.finalise_evaluation", evaluation)
    scope = scope_for(evaluation.year, evaluation.scope)
    if timezone.localdate() <= scope.last_due:
        # Finalising is for good: frozen before the period's realisations were due, it would
        # count them half (the last one, ending 31 December, is due in January).
        raise ValidationError(
            _("Evaluasi ini baru dapat difinalkan setelah batas laporan periodenya (%(date)s).")
            % {"date": date_format(scope.last_due, "j F Y")}
        )
    # Frozen in the portal's language, whatever the finaliser reads in: units and formulas
    # are stored as text, and the official documents print them.
    with translation.override(settings.LANGUAGE_CODE):
        figures = compute_figures(scope, evaluation, live=True)
    if figures.unscored_manual:
        raise ValidationError(
            _("Nilai dulu indikator manual: %(names)s.")
            % {"names": ", ".join(row.name for row in figures.unscored_manual)}
        )
    figures.status = EvaluationStatus.FINAL
    evaluation.snapshot = figures.to_snapshot()
    evaluation.status = EvaluationStatus.FINAL
    evaluation.finalised_at, evaluation.finalised_by = timezone.now(), by
    evaluation.full_clean()
    evaluation.save()
    log_action(
        actor=by,
        action="evaluations.finalise",
        obj=evaluation,
        total=None if figures.total is None else str(figures.total),
    )
    return evaluation


@transaction.atomic
def province_result_record(
    *,
    evaluation: Evaluation,
    rank: int | None,
    score: Decimal | None,
    award: str = "",
    note: str = "",
    by,
) -> Evaluation:
    """What the province announced for this period or year, next to the portal's prediction."""
    require_perm(by, "evaluations.record_province_result", evaluation)
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    evaluation.province_rank, evaluation.province_score = rank, score
    evaluation.province_award, evaluation.province_note = award.strip(), note.strip()
    evaluation.province_recorded_at = timezone.now()
    evaluation.full_clean()
    evaluation.save()
    log_action(
        actor=by,
        action="evaluations.province_result",
        obj=evaluation,
        rank=rank,
        score=None if score is None else str(score),
    )
    return evaluation


def check_weights(pillar_weights: dict, indicator_weights: dict, pillar_names: dict) -> None:
    """Pillar weights must add up to 100, and so must the indicator weights within each pillar
    (`indicator_weights`: pillar code -> list of weights). Raises one message per problem."""
    errors = []
    total = sum(pillar_weights.values(), Decimal(0))
    if total != 100:
        errors.append(
            _("Jumlah bobot keempat pilar harus 100 (sekarang %(total)s).")
            % {"total": f"{total.normalize():f}"}
        )
    for code, weights in indicator_weights.items():
        subtotal = sum(weights, Decimal(0))
        if subtotal != 100:
            errors.append(
                _("Jumlah bobot indikator pilar %(pillar)s harus 100 (sekarang %(total)s).")
                % {"pillar": pillar_names[code], "total": f"{subtotal.normalize():f}"}
            )
    if errors:
        raise ValidationError(errors)


def weights_state(framework: Framework) -> dict:
    """The weights of `framework` as the weights form shows them (field name -> weight), to
    see later whether they changed meanwhile."""
    state = {}
    for pillar in framework.pillars.all():
        state[f"pillar__{pillar.code}"] = f"{pillar.weight.normalize():f}"
        for indicator in pillar.indicators.all():
            state[f"indicator__{indicator.code}"] = f"{indicator.weight.normalize():f}"
    return state


def _weight_labels(framework: Framework) -> dict:
    labels = {}
    for pillar in framework.pillars.all():
        labels[f"pillar__{pillar.code}"] = pillar.name
        for indicator in pillar.indicators.all():
            labels[f"indicator__{indicator.code}"] = indicator.name
    return labels


@transaction.atomic
def framework_weights_update(
    *, year: int, pillar_weights: dict, indicator_weights: dict, by, opened: dict | None = None
) -> Framework:
    """Set the weights from `year` on (`pillar_weights`: pillar code -> weight,
    `indicator_weights`: indicator code -> weight). When the version in force began in an
    earlier year, a new version starting in `year` is made, so earlier years keep theirs.
    With `opened` (the weights as the form showed them), weights someone else saved since are
    not written over unseen (WeightsChangedMeanwhile)."""
    require_perm(by, "evaluations.change_framework")
    # One save at a time: a second one sent at the same moment (a double tap, another tab)
    # waits here, then finds the version the first one made instead of making it again.
    list(Framework.objects.select_for_update().order_by("pk").values_list("pk", flat=True))
    current = framework_for(year)
    if opened is not None:
        state = weights_state(current)
        if opened != state:
            labels = _weight_labels(current)
            changes = [
                (labels[name], shown_number(opened.get(name, "")), shown_number(value))
                for name, value in state.items()
                if opened.get(name, "") != value
            ]
            raise WeightsChangedMeanwhile(changes, state)
    pillars = list(current.pillars.all())
    check_weights(
        pillar_weights,
        {
            p.code: [indicator_weights.get(i.code, i.weight) for i in p.indicators.all()]
            for p in pillars
        },
        {p.code: p.name for p in pillars},
    )
    framework = current
    if current.valid_from != year:
        framework = Framework.objects.create(valid_from=year)
    for pillar in pillars:
        indicators = list(pillar.indicators.all())
        target = pillar
        if framework != current:
            target = Pillar.objects.create(
                framework=framework,
                code=pillar.code,
                name=pillar.name,
                description=pillar.description,
                weight=pillar.weight,
                order=pillar.order,
            )
        target.weight = pillar_weights.get(pillar.code, pillar.weight)
        target.full_clean()
        target.save()
        for indicator in indicators:
            if framework != current:
                indicator.pk, indicator.pillar = None, target
            indicator.weight = indicator_weights.get(indicator.code, indicator.weight)
            indicator.full_clean()
            indicator.save()
    log_action(
        actor=by,
        action="evaluations.framework.change",
        obj=framework,
        year=year,
        pillars={k: str(v) for k, v in pillar_weights.items()},
        indicators={k: str(v) for k, v in indicator_weights.items()},
    )
    return framework
