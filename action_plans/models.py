"""The yearly Integrated Action Plan (RAT): its periods, activities, targets and realisations."""

from decimal import Decimal
from itertools import pairwise

import pghistory
from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateRangeField, RangeOperators
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Deferrable, Func, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from action_plans.choices import (
    BudgetSource,
    PeriodScheme,
    Pillar,
    PlanStatus,
    RealisationStatus,
    Stage,
)
from action_plans.querysets import ActivityQuerySet, RealisationQuerySet
from core.models import ConstraintFieldsMixin, EvidenceFile
from core.querysets import TaskForceRecordQuerySet
from directory.models import Agency, Region, TeamDecree

NON_NEGATIVE = [MinValueValidator(Decimal(0))]


class DateRange(Func):
    """`daterange(start, end, '[]')`: both days included."""

    function = "DATERANGE"
    output_field = DateRangeField()

    def __init__(self, start, end):
        super().__init__(start, end, models.Value("[]"))


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class ActionPlan(models.Model):
    """One year's *Rencana Aksi Terpadu*. Built as a draft, then established (*ditetapkan*) and
    locked: after that it changes only through a recorded revision. Closed at year end."""

    year = models.PositiveSmallIntegerField(
        _("tahun"),
        unique=True,
        validators=[MinValueValidator(2012), MaxValueValidator(2100)],
        error_messages={"unique": _("Rencana aksi untuk tahun ini sudah ada.")},
    )
    decree_reference = models.CharField(_("dasar penetapan (SK)"), max_length=150, blank=True)
    decree_date = models.DateField(_("tanggal SK penetapan"), null=True, blank=True)
    # The year's Tim Terpadu decree, when the plan was established under it.
    team_decree = models.ForeignKey(
        TeamDecree,
        verbose_name=_("SK Tim Terpadu"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    period_scheme = models.CharField(
        _("periode pelaporan"),
        max_length=10,
        choices=PeriodScheme.choices,
        default=PeriodScheme.CATURWULAN,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    established_at = models.DateTimeField(_("ditetapkan pada"), null=True, blank=True)
    closed_at = models.DateTimeField(_("ditutup pada"), null=True, blank=True)

    # The plan itself (year, status, periods) is read by every member; its activities are
    # narrowed per user by ActivityQuerySet.visible_to.
    objects = TaskForceRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("rencana aksi terpadu")
        verbose_name_plural = _("rencana aksi terpadu")
        ordering = ["-year"]

    def __str__(self):
        return _("RAT %(year)s") % {"year": self.year}

    def get_absolute_url(self):
        return reverse("action_plans:matrix", args=[self.year])

    @property
    def is_locked(self) -> bool:
        return self.status != PlanStatus.DRAFT

    def clean(self):
        # An established plan stands on a decree: its number and date are part of the record.
        if self.status != PlanStatus.DRAFT and not (
            self.decree_reference.strip() and self.decree_date
        ):
            raise ValidationError(
                {"decree_reference": _("Isi nomor dan tanggal SK penetapan rencana.")}
            )


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Period(ConstraintFieldsMixin, models.Model):
    """A reporting period of a plan (B04, B08, B12 or quarters) with its report due date."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="periods")
    code = models.CharField(_("kode"), max_length=4)
    name = models.CharField(_("nama"), max_length=50)
    start_date = models.DateField(_("mulai"))
    end_date = models.DateField(_("selesai"))
    due_date = models.DateField(_("batas laporan realisasi"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("periode")
        verbose_name_plural = _("periode")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="period_code_unique_per_plan"),
            models.CheckConstraint(
                condition=Q(due_date__gte=models.F("end_date")),
                name="period_due_after_end",
                violation_error_code="due_date",
                violation_error_message=_("Batas laporan tidak boleh sebelum periode berakhir."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")),
                name="period_end_after_start",
                violation_error_code="end_date",
                violation_error_message=_("Periode tidak boleh berakhir sebelum dimulai."),
            ),
            # Deferred to the commit: moving a boundary between two periods changes both rows,
            # and the first saved would overlap the second for a moment.
            ExclusionConstraint(
                name="period_no_overlap",
                expressions=[
                    ("plan", RangeOperators.EQUAL),
                    (DateRange("start_date", "end_date"), RangeOperators.OVERLAPS),
                ],
                deferrable=Deferrable.DEFERRED,
                violation_error_code="start_date",
                violation_error_message=_(
                    "Periode ini tumpang tindih dengan periode lain dari rencana yang sama."
                ),
            ),
        ]

    CONSTRAINT_FIELDS = {"due_date": "due_date", "end_date": "end_date", "start_date": "start_date"}

    def __str__(self):
        return self.code

    def clean(self):
        year = self.plan.year if self.plan_id else None
        errors = {}
        for name in ("start_date", "end_date"):
            value = getattr(self, name)
            if year and value and value.year != year:
                errors[name] = _("Tanggal harus di tahun %(year)s.") % {"year": year}
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def check_no_overlap(periods):
        """Refuse a set of one plan's periods of which two overlap (the constraint checks the
        stored rows; this checks a set about to be stored together)."""
        ordered = sorted(periods, key=lambda p: p.start_date)
        for before, after in pairwise(ordered):
            if after.start_date <= before.end_date:
                raise ValidationError(
                    _("Periode %(a)s dan %(b)s tumpang tindih.")
                    % {"a": before.code, "b": after.code},
                    code="overlap",
                )

    def is_open_for_reporting(self, today=None) -> bool:
        """Realisations can be reported once the period has started."""
        return (today or timezone.localdate()) >= self.start_date


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Activity(models.Model):
    """A row of the RAT matrix: what is done, by whom, measured how, with what budget."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="activities")
    code = models.CharField(_("kode"), max_length=20)
    stage = models.CharField(_("tahap"), max_length=12, choices=Stage.choices)
    pillars = ArrayField(
        models.CharField(max_length=12, choices=Pillar.choices),
        verbose_name=_("pilar"),
        default=list,
        blank=True,
    )
    title = models.CharField(_("kegiatan"), max_length=255)
    responsible_agency = models.ForeignKey(
        Agency,
        verbose_name=_("penanggung jawab"),
        on_delete=models.PROTECT,
        related_name="responsible_activities",
    )
    supporting_agencies = models.ManyToManyField(
        Agency,
        verbose_name=_("instansi pendukung"),
        blank=True,
        related_name="supported_activities",
    )
    indicator = models.CharField(_("indikator keberhasilan"), max_length=255)
    unit = models.CharField(_("satuan"), max_length=50)
    budget = models.PositiveBigIntegerField(_("anggaran (Rp)"), default=0)
    budget_source = models.CharField(
        _("sumber anggaran"),
        max_length=8,
        choices=BudgetSource.choices,
        default=BudgetSource.APBD,
    )
    location = models.ForeignKey(
        Region,
        verbose_name=_("lokasi (kecamatan)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    incidents = models.ManyToManyField(
        "incidents.Incident",
        verbose_name=_("laporan terkait"),
        blank=True,
        related_name="activities",
    )
    order = models.PositiveIntegerField(default=0)
    # When the activity entered the plan: one added after a period's due date owes no report for
    # that period. Empty for activities recorded before this was kept (treated as always there).
    created_at = models.DateTimeField(_("ditambahkan"), default=timezone.now, null=True, blank=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("kegiatan")
        verbose_name_plural = _("kegiatan")
        ordering = ["plan", "order", "code"]  # stage order is applied by the selectors
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "code"],
                name="activity_code_unique_per_plan",
                violation_error_message=_("Kode kegiatan sudah dipakai di rencana ini."),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def clean(self):
        # A ceiling below what the agency already reported would refuse every later
        # realisation, even one of Rp 0. A budget of 0 means no ceiling. Only a budget being
        # lowered is checked: an activity over-spent before this rule keeps its edits (a typo
        # in the title), and raising its budget part of the way is allowed.
        if not self.pk or not self.budget:
            return
        stored = type(self).objects.filter(pk=self.pk).values_list("budget", flat=True).first()
        if stored and self.budget >= stored:
            return
        spent = self.realisations.aggregate(total=models.Sum("budget_spent"))["total"] or 0
        if self.budget < spent:
            raise ValidationError(
                {
                    "budget": _(
                        "Anggaran tidak boleh di bawah realisasi anggaran yang sudah dicatat "
                        "(Rp %(spent)s)."
                    )
                    % {"spent": f"{spent:,}".replace(",", ".")}
                }
            )

    def check_supporting(self, agencies):
        """The responsible agency leads; listing it again among the supporting ones is a
        mistake (many-to-many links cannot be checked by clean() or a row constraint)."""
        if self.responsible_agency_id and any(
            agency.pk == self.responsible_agency_id for agency in agencies
        ):
            raise ValidationError(
                {
                    "supporting_agencies": _(
                        "Penanggung jawab tidak perlu dicantumkan lagi sebagai pendukung."
                    )
                }
            )


# The supporting agencies and linked reports of an activity are link rows, only added or removed.
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.DeleteEvent(),
    obj_field=None,
    model_name="ActivitySupportEvent",
)
class ActivitySupport(Activity.supporting_agencies.through):
    """A supporting agency of an activity (the auto-created link table, tracked)."""

    class Meta:
        proxy = True
        verbose_name = _("instansi pendukung")
        verbose_name_plural = _("instansi pendukung")


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.DeleteEvent(),
    obj_field=None,
    model_name="ActivityIncidentEvent",
)
class ActivityIncident(Activity.incidents.through):
    """A report linked to an activity (the auto-created link table, tracked)."""

    class Meta:
        proxy = True
        verbose_name = _("laporan terkait")
        verbose_name_plural = _("laporan terkait")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Target(models.Model):
    """What an activity should achieve in one period, in the activity's unit."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="targets")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="targets")
    value = models.DecimalField(
        _("target"), max_digits=12, decimal_places=2, validators=NON_NEGATIVE
    )

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("target")
        constraints = [
            models.UniqueConstraint(fields=["activity", "period"], name="target_once_per_period"),
        ]

    def __str__(self):
        return f"{self.activity.code} {self.period.code}: {self.value}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Realisation(models.Model):
    """An agency's report on one activity for one period. The first submission time decides
    whether it was on time; a return for correction and the resubmission are kept as events."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="realisations")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="realisations")
    achieved_value = models.DecimalField(
        _("capaian"), max_digits=12, decimal_places=2, validators=NON_NEGATIVE
    )
    narrative = models.TextField(_("uraian pelaksanaan"), max_length=10000)
    budget_spent = models.PositiveBigIntegerField(_("realisasi anggaran (Rp)"), default=0)
    obstacles = models.TextField(_("kendala"), max_length=5000, blank=True)
    follow_up = models.TextField(_("tindak lanjut"), max_length=5000, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RealisationStatus.choices,
        default=RealisationStatus.DRAFT,
    )
    first_submitted_at = models.DateTimeField(_("pertama diserahkan"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("diserahkan"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    return_note = models.TextField(_("catatan pengembalian"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The optimistic lock: every save through the services increments it, so a form opened
    # before a colleague's save (or the secretariat's return) cannot silently overwrite it.
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RealisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("realisasi")
        verbose_name_plural = _("realisasi")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "period"], name="realisation_once_per_period"
            ),
        ]

    def __str__(self):
        return f"{self.activity.code} {self.period.code}"

    def clean(self):
        if self.budget_spent is None or not self.activity_id:
            return
        budget = self.activity.budget
        others = (
            Realisation.objects.filter(activity_id=self.activity_id)
            .exclude(pk=self.pk)
            .aggregate(total=models.Sum("budget_spent"))["total"]
            or 0
        )
        stored = (
            Realisation.objects.filter(pk=self.pk).values_list("budget_spent", flat=True).first()
            if self.pk
            else None
        ) or 0
        # An activity without a budget (0) records spending without a ceiling. Only a report
        # that raises the spending is refused: one that keeps or lowers it (a Rp 0 report of a
        # later period) saves even when the total already stands above the ceiling.
        if budget and self.budget_spent > stored and others + self.budget_spent > budget:
            raise ValidationError(
                {
                    "budget_spent": _("Realisasi anggaran melebihi pagu kegiatan (Rp %(budget)s).")
                    % {"budget": f"{budget:,}".replace(",", ".")}
                }
            )

    @property
    def is_late(self) -> bool:
        """Judged on the first submission against the period's due date (Jakarta time)."""
        if not self.first_submitted_at:
            return False
        return timezone.localdate(self.first_submitted_at) > self.period.due_date


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class RealisationEvidence(EvidenceFile):
    realisation = models.ForeignKey(Realisation, on_delete=models.CASCADE, related_name="evidence")

    class Meta(EvidenceFile.Meta):
        verbose_name = _("data dukung realisasi")
        verbose_name_plural = _("data dukung realisasi")
