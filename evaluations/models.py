"""The four-pillar evaluation: a weighted framework of indicators, and per period or year an
evaluation that is live while a draft and frozen once final."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.models import EvidenceFile
from evaluations.choices import YEAR_SCOPE, EvaluationStatus, IndicatorKind
from evaluations.querysets import EvaluationQuerySet

SCORE_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]
# The first year the portal takes: the initial framework (migration 0002) is in force from it,
# i.e. for every year until weights are changed for one.
FIRST_YEAR = 2012
YEAR_VALIDATORS = [MinValueValidator(FIRST_YEAR), MaxValueValidator(2100)]


class Framework(models.Model):
    """One version of the pillars, indicators and weights, in force from `valid_from` until the
    next version. Changing the weights for a year makes a new version from that year on, so an
    earlier year keeps the weights it was evaluated with."""

    valid_from = models.PositiveSmallIntegerField(
        _("berlaku sejak tahun"),
        unique=True,
        validators=YEAR_VALIDATORS,
        error_messages={"unique": _("Sudah ada kerangka yang berlaku sejak tahun ini.")},
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("kerangka evaluasi")
        verbose_name_plural = _("kerangka evaluasi")
        ordering = ["-valid_from"]

    def __str__(self):
        return _("Kerangka evaluasi sejak %(year)s") % {"year": self.valid_from}

    @property
    def is_initial(self) -> bool:
        """The portal's initial weights, in force for every year until changed for one."""
        return self.valid_from <= FIRST_YEAR


class Pillar(models.Model):
    """One of the four pillars (kolaborasi, komunikasi, inklusivitas, evaluasi) with its weight
    in the total score. The weights of a framework's pillars add up to 100."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="pillars")
    code = models.CharField(_("kode"), max_length=20)
    name = models.CharField(_("nama"), max_length=100)
    description = models.TextField(_("uraian"), blank=True)
    weight = models.DecimalField(
        _("bobot (%)"), max_digits=5, decimal_places=2, validators=SCORE_VALIDATORS
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("pilar")
        verbose_name_plural = _("pilar")
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "code"], name="evaluation_pillar_code_unique"
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0, weight__lte=100),
                name="evaluation_pillar_weight_range",
                violation_error_message=_("Bobot harus antara 0 dan 100."),
            ),
        ]

    def __str__(self):
        return self.name


class Indicator(models.Model):
    """A measure within a pillar: either computed by a named function over the portal's data
    (`code` names the function in `evaluations.indicators`) or scored by hand by the secretariat
    with a justification and evidence. Weights within a pillar add up to 100."""

    pillar = models.ForeignKey(Pillar, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(_("kode"), max_length=40)
    name = models.CharField(_("nama"), max_length=200)
    description = models.TextField(_("cara menilai"), blank=True)
    kind = models.CharField(_("jenis"), max_length=10, choices=IndicatorKind.choices)
    weight = models.DecimalField(
        _("bobot dalam pilar (%)"), max_digits=5, decimal_places=2, validators=SCORE_VALIDATORS
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("indikator")
        verbose_name_plural = _("indikator")
        ordering = ["pillar__order", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["pillar", "code"], name="evaluation_indicator_code_unique"
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0, weight__lte=100),
                name="evaluation_indicator_weight_range",
                violation_error_message=_("Bobot harus antara 0 dan 100."),
            ),
        ]

    def __str__(self):
        return self.name


class Evaluation(models.Model):
    """The evaluation of one period (B04, B08, B12 ...) or of a whole year (`scope` = "tahun").

    A draft shows live values. Finalising stores `snapshot`: every indicator's value, score,
    count and the ids of the records behind it, the pillar and total scores, the weights used
    and the action classes, so later edits to reports or realisations do not move it. What the
    province announced (rank, score, award) is recorded next to it for comparison."""

    year = models.PositiveSmallIntegerField(_("tahun"), validators=YEAR_VALIDATORS)
    scope = models.CharField(_("periode"), max_length=8)
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=EvaluationStatus.choices,
        default=EvaluationStatus.DRAFT,
    )
    snapshot = models.JSONField(_("nilai beku"), default=dict, blank=True, editable=False)
    finalised_at = models.DateTimeField(_("difinalkan pada"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    province_rank = models.PositiveSmallIntegerField(
        _("peringkat dari provinsi"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    province_score = models.DecimalField(
        _("nilai dari provinsi"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    province_award = models.CharField(_("penghargaan"), max_length=200, blank=True)
    province_note = models.TextField(_("catatan hasil provinsi"), max_length=5000, blank=True)
    province_recorded_at = models.DateTimeField(null=True, blank=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("evaluasi")
        verbose_name_plural = _("evaluasi")
        ordering = ["-year", "scope"]
        constraints = [
            models.UniqueConstraint(fields=["year", "scope"], name="evaluation_once_per_scope"),
            models.CheckConstraint(
                condition=Q(status=EvaluationStatus.DRAFT) | ~Q(snapshot={}),
                name="evaluation_final_has_snapshot",
                violation_error_message=_("Evaluasi final harus menyimpan nilai bekunya."),
            ),
        ]

    def __str__(self):
        if self.is_year:
            return _("Evaluasi tahun %(year)s") % {"year": self.year}
        return _("Evaluasi %(period)s %(year)s") % {"period": self.scope, "year": self.year}

    def get_absolute_url(self):
        return reverse("evaluations:detail", args=[self.year, self.scope])

    @property
    def is_year(self) -> bool:
        return self.scope == YEAR_SCOPE

    @property
    def is_final(self) -> bool:
        return self.status == EvaluationStatus.FINAL


class ManualScore(models.Model):
    """The secretariat's score (0-100) of a manual indicator in one evaluation, with the
    justification and evidence files behind it. Keyed by the indicator's code, which stays the
    same across framework versions."""

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="manual_scores"
    )
    indicator_code = models.CharField(_("indikator"), max_length=40)
    score = models.DecimalField(
        _("nilai (0-100)"), max_digits=5, decimal_places=2, validators=SCORE_VALIDATORS
    )
    justification = models.TextField(_("alasan penilaian"), max_length=5000)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("nilai manual")
        verbose_name_plural = _("nilai manual")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "indicator_code"], name="manual_score_once_per_indicator"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100),
                name="manual_score_range",
                violation_error_message=_("Nilai harus antara 0 dan 100."),
            ),
        ]

    def __str__(self):
        return f"{self.evaluation} {self.indicator_code}: {self.score}"

    def clean(self):
        if not (self.justification or "").strip():
            raise ValidationError({"justification": _("Tuliskan alasan penilaian.")})


class ManualScoreEvidence(EvidenceFile):
    """A supporting file for a manual score (minutes, attendance list, photo, decree)."""

    manual_score = models.ForeignKey(ManualScore, on_delete=models.CASCADE, related_name="evidence")

    class Meta(EvidenceFile.Meta):
        verbose_name = _("bukti penilaian")
        verbose_name_plural = _("bukti penilaian")


class StoredResults(models.Model):
    """The computed indicators of one period or year as last worked out from the portal's data
    (value, score and counts; not the ids of the records behind them), so a page reads a few
    rows instead of aggregating every report of the period. A draft evaluation's page shows
    them with the time they were computed; they are worked out again when older than
    EVALUATION_RESULTS_MAX_AGE minutes, by `manage.py refresh_evaluation_results` (a timer),
    or on request ("Hitung ulang"), one recount per row at a time (selectors.indicator_results);
    a final evaluation keeps its own frozen snapshot."""

    year = models.PositiveSmallIntegerField(_("tahun"), validators=YEAR_VALIDATORS)
    scope = models.CharField(_("periode"), max_length=8)
    results = models.JSONField(_("hasil"), default=dict)
    computed_at = models.DateTimeField(_("dihitung pada"))

    class Meta:
        verbose_name = _("hasil indikator tersimpan")
        verbose_name_plural = _("hasil indikator tersimpan")
        constraints = [
            models.UniqueConstraint(fields=["year", "scope"], name="stored_results_once_per_scope"),
        ]

    def __str__(self):
        return f"{self.year} {self.scope} @ {self.computed_at:%Y-%m-%d %H:%M}"
