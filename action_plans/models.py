"""The yearly Integrated Action Plan (RAT): its periods, activities, targets and realisations."""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
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
from core.models import EvidenceFile
from core.querysets import TaskForceRecordQuerySet
from directory.models import Agency, Region

NON_NEGATIVE = [MinValueValidator(Decimal(0))]


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
        from django.urls import reverse

        return reverse("action_plans:matrix", args=[self.year])

    @property
    def is_locked(self) -> bool:
        return self.status != PlanStatus.DRAFT


class Period(models.Model):
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
                violation_error_message=_("Batas laporan tidak boleh sebelum periode berakhir."),
            ),
        ]

    def __str__(self):
        return self.code

    def is_open_for_reporting(self, today=None) -> bool:
        """Realisations can be reported once the period has started."""
        return (today or timezone.localdate()) >= self.start_date


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

    @property
    def is_late(self) -> bool:
        """Judged on the first submission against the period's due date (Jakarta time)."""
        if not self.first_submitted_at:
            return False
        return timezone.localdate(self.first_submitted_at) > self.period.due_date


class RealisationEvent(models.Model):
    """Submission, return for correction and resubmission of a realisation."""

    class Action(models.TextChoices):
        SUBMITTED = "diserahkan", _("Diserahkan")
        RETURNED = "dikembalikan", _("Dikembalikan untuk perbaikan")
        RESUBMITTED = "diserahkan_ulang", _("Diserahkan ulang")

    realisation = models.ForeignKey(Realisation, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.realisation}: {self.action}"


class RealisationEvidence(EvidenceFile):
    realisation = models.ForeignKey(Realisation, on_delete=models.CASCADE, related_name="evidence")

    class Meta(EvidenceFile.Meta):
        verbose_name = _("bukti realisasi")
        verbose_name_plural = _("bukti realisasi")


class PlanRevision(models.Model):
    """A recorded change to an established plan: who, when, why and what."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="revisions")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(_("alasan perubahan"), max_length=2000)
    changes = models.JSONField(_("perubahan"), default=list)

    class Meta:
        verbose_name = _("revisi rencana")
        verbose_name_plural = _("revisi rencana")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.plan} {self.at:%Y-%m-%d}"
