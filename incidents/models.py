"""Reports of potential conflicts and conflict events, their handling and evidence."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pghistory
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThan, LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _

from core.choices import Stage
from core.models import ConstraintFieldsMixin, EvidenceFile
from core.querysets import TaskForceRecordQuerySet
from directory.models import Agency, Contact, Region
from directory.selectors import regency_bounds, regency_title
from incidents.choices import (
    IMPACT_CHOICES,
    LIKELIHOOD_CHOICES,
    SEARCH_CONFIG,
    STATUS_ORDER,
    ActionType,
    Aspect,
    Confidentiality,
    ConflictSource,
    DatePrecision,
    Form,
    InformationSource,
    Kind,
    LocationPrecision,
    PartyType,
    Resolution,
    RiskLevel,
    Status,
)
from incidents.querysets import (
    IncidentAuthorTallyQuerySet,
    IncidentQuerySet,
    IncidentTallyQuerySet,
    PartyQuerySet,
)

UNKNOWN_HELP = _("Kosongkan bila belum diketahui; isi 0 bila memang tidak ada.")
# Likelihood (1-4) x impact (1-4): 1-3 rendah, 4-6 sedang, 8-9 tinggi, 12-16 sangat tinggi.
RISK_SCORE = F("likelihood") * F("impact")
# Sorting by risk puts unassessed reports last in either direction: their score counts as beyond
# every real score (see NullsLastOrderingFilter); the two sort indexes use the same expressions.
RISK_SORT_LAST = 99
RISK_SORT_FIRST = 0
# A phone's clock may run a little ahead of the server's (not into the next day for a time known
# only to the day: Incident._in_the_future).
CLOCK_SKEW = timedelta(minutes=10)
# Older dates are typing mistakes (and year 1 does not even survive the UTC round trip).
EARLIEST_OCCURRENCE = datetime(1990, 1, 1, tzinfo=ZoneInfo("Asia/Jakarta"))
FINISHED = [Status.SELESAI, Status.DITUTUP]
RISK_REQUIRED = _("Wajib diisi untuk potensi konflik (penilaian risiko).")
QUICK_INCOMPLETE = _(
    "Laporan cepat ini perlu dilengkapi (klasifikasi, penilaian risiko, pihak) sebelum "
    "diverifikasi."
)


class ReferenceCounter(models.Model):
    """The last reference number handed out in a year. Incremented with one atomic upsert, whose
    row lock serialises concurrent reports, so no two reports share a number."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last_number}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class ConflictStatus(models.Model):
    """A *Status Keadaan Konflik* at regency scale, declared by the Bupati after consulting the
    DPRD leadership for at most 90 days; it may be extended, and ends by revocation or expiry."""

    MAX_DAYS = 90

    decree_number = models.CharField(
        _("nomor keputusan"),
        max_length=100,
        unique=True,
        error_messages={"unique": _("Nomor keputusan ini sudah tercatat.")},
    )
    scope = models.CharField(_("cakupan wilayah"), max_length=200)
    start_date = models.DateField(_("mulai berlaku"))
    end_date = models.DateField(_("berakhir"))
    extension_decree_number = models.CharField(
        _("nomor keputusan perpanjangan"), max_length=100, blank=True
    )
    extended_until = models.DateField(_("diperpanjang sampai"), null=True, blank=True)
    revocation_decree_number = models.CharField(
        _("nomor keputusan pencabutan"), max_length=100, blank=True
    )
    revoked_on = models.DateField(_("dicabut pada"), null=True, blank=True)
    notes = models.TextField(_("catatan"), blank=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    # A Status Keadaan Konflik is a public decree: every task-force member may read it.
    objects = TaskForceRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("status keadaan konflik")
        verbose_name_plural = _("status keadaan konflik")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="conflictstatus_end_after_start",
                violation_error_message=_("Tanggal berakhir tidak boleh sebelum tanggal mulai."),
            ),
        ]

    def __str__(self):
        return self.decree_number

    @property
    def effective_end(self):
        end = self.extended_until or self.end_date
        if self.revoked_on and self.revoked_on < end:
            return self.revoked_on
        return end

    def clean(self):
        errors = {}
        if self.start_date and self.end_date:
            days = (self.end_date - self.start_date).days + 1
            if self.end_date < self.start_date:
                errors["end_date"] = _("Tanggal berakhir tidak boleh sebelum tanggal mulai.")
            elif days > self.MAX_DAYS:
                errors["end_date"] = _(
                    "Status keadaan konflik berlaku paling lama %(max)s hari (di sini %(days)s "
                    "hari). Catat perpanjangan pada kolom perpanjangan."
                ) % {"max": self.MAX_DAYS, "days": days}
        if bool(self.extension_decree_number) != bool(self.extended_until):
            field = "extended_until" if self.extension_decree_number else "extension_decree_number"
            errors[field] = _("Perpanjangan memerlukan nomor keputusan dan tanggal akhir baru.")
        elif self.extended_until and self.end_date and self.extended_until <= self.end_date:
            errors["extended_until"] = _("Perpanjangan harus berakhir setelah tanggal berakhir.")
        if bool(self.revocation_decree_number) != bool(self.revoked_on):
            field = "revoked_on" if self.revocation_decree_number else "revocation_decree_number"
            errors[field] = _("Pencabutan memerlukan nomor keputusan dan tanggalnya.")
        elif self.revoked_on and self.start_date and self.revoked_on < self.start_date:
            errors["revoked_on"] = _("Tanggal pencabutan tidak boleh sebelum tanggal mulai.")
        elif (
            self.revoked_on
            and self.end_date
            and self.revoked_on > (self.extended_until or self.end_date)
        ):
            errors["revoked_on"] = _(
                "Tanggal pencabutan harus dalam masa berlaku (status sudah berakhir sebelumnya)."
            )
        if errors:
            raise ValidationError(errors)


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    # Derived columns with no history of their own: the submission is in the activity log, the
    # steps in their own history.
    exclude=["risk_level", "search_document", "submitted_at", "has_steps", "status_rank"],
)
class Incident(ConstraintFieldsMixin, models.Model):
    """One report: a potential conflict (*potensi*) or a conflict event (*kejadian*).

    Following SNPK/ACLED practice an event has one date and one place, each with its precision,
    names its information source, and keeps *unknown* impact counts (NULL) apart from zero.
    `version` is the optimistic lock: every save through the services increments it.
    """

    reference = models.CharField(_("nomor laporan"), max_length=20, unique=True, editable=False)
    kind = models.CharField(_("jenis laporan"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("judul"), max_length=200)
    chronology = models.TextField(_("kronologi"), max_length=20000)
    occurred_at = models.DateTimeField(_("waktu kejadian"))
    occurred_precision = models.CharField(
        _("ketepatan waktu"),
        max_length=6,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    reported_at = models.DateTimeField(_("dilaporkan pada"), auto_now_add=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pelapor"),
        on_delete=models.PROTECT,
        related_name="reported_incidents",
    )
    information_source = models.CharField(
        _("sumber informasi"), max_length=16, choices=InformationSource.choices
    )
    kecamatan = models.ForeignKey(
        Region,
        verbose_name=_("kecamatan"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    desa = models.ForeignKey(
        Region,
        verbose_name=_("desa/kelurahan"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    address = models.CharField(_("alamat/lokasi"), max_length=255, blank=True)
    latitude = models.DecimalField(
        _("lintang"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("bujur"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    location_precision = models.CharField(
        _("ketepatan lokasi"),
        max_length=10,
        choices=LocationPrecision.choices,
        default=LocationPrecision.DESA,
    )
    # Blank only on a quick report not yet completed (see `needs_completion` and clean()).
    conflict_source = models.CharField(
        _("sumber konflik"), max_length=16, choices=ConflictSource.choices, blank=True
    )
    aspect = models.CharField(_("aspek"), max_length=16, choices=Aspect.choices, blank=True)
    form = models.CharField(_("bentuk"), max_length=20, choices=Form.choices, blank=True)
    killed = models.PositiveIntegerField(
        _("korban meninggal"), null=True, blank=True, help_text=UNKNOWN_HELP
    )
    injured = models.PositiveIntegerField(
        _("korban luka"), null=True, blank=True, help_text=UNKNOWN_HELP
    )
    displaced = models.PositiveIntegerField(
        _("pengungsi"), null=True, blank=True, help_text=UNKNOWN_HELP
    )
    houses_damaged = models.PositiveIntegerField(
        _("rumah rusak"), null=True, blank=True, help_text=UNKNOWN_HELP
    )
    public_facilities_damaged = models.PositiveIntegerField(
        _("fasilitas umum rusak"), null=True, blank=True, help_text=UNKNOWN_HELP
    )
    worship_places_damaged = models.PositiveIntegerField(
        _("rumah ibadah rusak"), null=True, blank=True, help_text=UNKNOWN_HELP
    )
    loss_rupiah = models.PositiveBigIntegerField(
        _("kerugian (Rp)"), null=True, blank=True, help_text=UNKNOWN_HELP
    )
    likelihood = models.PositiveSmallIntegerField(
        _("kemungkinan"), choices=LIKELIHOOD_CHOICES, null=True, blank=True
    )
    # "Besaran dampak": the report form also has an impact section (casualties, damage), so
    # the risk factor must not be called just "dampak".
    impact = models.PositiveSmallIntegerField(
        _("besaran dampak"), choices=IMPACT_CHOICES, null=True, blank=True
    )
    # Derived in the database so that bulk updates cannot leave a stale risk behind.
    risk_level = models.GeneratedField(
        expression=Case(
            When(LessThanOrEqual(RISK_SCORE, 3), then=Value(RiskLevel.RENDAH.value)),
            When(LessThanOrEqual(RISK_SCORE, 6), then=Value(RiskLevel.SEDANG.value)),
            When(LessThanOrEqual(RISK_SCORE, 9), then=Value(RiskLevel.TINGGI.value)),
            When(GreaterThan(RISK_SCORE, 9), then=Value(RiskLevel.SANGAT_TINGGI.value)),
            default=None,
        ),
        output_field=models.CharField(max_length=13, choices=RiskLevel.choices, null=True),
        db_persist=True,
        verbose_name=_("tingkat risiko"),
    )
    stage = models.CharField(
        _("tahap penanganan"), max_length=12, choices=Stage.choices, default=Stage.PENCEGAHAN
    )
    confidentiality = models.CharField(
        _("sifat"),
        help_text=_("Tingkat kerahasiaan"),
        max_length=8,
        choices=Confidentiality.choices,
        default=Confidentiality.INTERNAL,
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    # The status's place in the workflow (draf 1 ... ditutup 7), kept by the database like
    # risk_level, so the list sorts in workflow order from an index (a CASE in the ORDER BY
    # could use none) and bulk writes cannot leave it stale.
    status_rank = models.GeneratedField(
        expression=Case(
            *[When(status=status.value, then=Value(n)) for n, status in enumerate(STATUS_ORDER, 1)],
            default=Value(0),
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
        verbose_name=_("urutan status"),
    )
    resolution = models.CharField(
        _("penyelesaian"), max_length=12, choices=Resolution.choices, blank=True
    )
    rejection_reason = models.TextField(_("alasan penolakan"), blank=True)
    # A quick report ("Lapor cepat"): filed from a phone with the essentials only and submitted
    # at once, so the secretariat sees it without delay; classification, risk and parties are
    # completed later through the full form, and it cannot be verified before that.
    # A database default too: bulk loaders (the benchmark seed) insert rows without it.
    needs_completion = models.BooleanField(
        _("perlu dilengkapi"), default=False, db_default=False, editable=False
    )
    # When the report was last submitted (set by the submit transition): how long it has been
    # waiting in the secretariat's verification queue, read from an index instead of the log.
    submitted_at = models.DateTimeField(_("diajukan pada"), null=True, blank=True, editable=False)
    # Whether any handling step exists, kept by a trigger on the steps (migration 0014), so
    # "awaiting a first step" is a column and a tally, not an anti-join over every report.
    has_steps = models.BooleanField(
        _("ada tindak lanjut"), default=False, db_default=False, editable=False
    )
    conflict_status = models.ForeignKey(
        ConflictStatus,
        verbose_name=_("status keadaan konflik"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)
    search_document = models.GeneratedField(
        expression=SearchVector("title", "chronology", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    objects = IncidentQuerySet.as_manager()

    # The fields a person fills in on the report form, in the form's order.
    EDITABLE_FIELDS = [
        "kind",
        "title",
        "chronology",
        "occurred_at",
        "occurred_precision",
        "information_source",
        "kecamatan",
        "desa",
        "address",
        "latitude",
        "longitude",
        "location_precision",
        "conflict_source",
        "aspect",
        "form",
        "likelihood",
        "impact",
        "killed",
        "injured",
        "displaced",
        "houses_damaged",
        "public_facilities_damaged",
        "worship_places_damaged",
        "loss_rupiah",
        "stage",
        "confidentiality",
        "conflict_status",
    ]

    class Meta:
        verbose_name = _("laporan")
        verbose_name_plural = _("laporan")
        ordering = ["-occurred_at", "-pk"]
        indexes = [
            # Full-text search of the list page (`q`) over title and chronology.
            GinIndex(fields=["search_document"], name="incident_search_gin"),
            # The list's default order and its date-range filter.
            models.Index(fields=["-occurred_at", "-id"], name="incident_occurred_idx"),
            # Kecamatan-scoped visibility and the kecamatan filter; with the date after the
            # status, a kecamatan + status + date-range filter (the dashboard's card links for an
            # officer, the list's usual narrowing) is counted from the index alone and its newest
            # rows read in order, instead of intersecting this index with the date index.
            models.Index(
                fields=["kecamatan", "status", "-occurred_at", "-id"],
                include=("confidentiality", "reported_by"),
                name="incident_kec_status_idx",
            ),
            # A kecamatan officer's list, newest first, and the kecamatan + date-range filter.
            models.Index(
                fields=["kecamatan", "-occurred_at", "-id"], name="incident_kec_occurred_idx"
            ),
            # The list's sorts (NullsLastOrderingFilter): by title, by status (workflow order),
            # and by risk
            # (likelihood x impact, unassessed last) in either direction; ties break on -id.
            # Each is read forwards for its sort and backwards for the list's last page.
            models.Index(fields=["title", "-id"], name="incident_title_idx"),
            models.Index(fields=["-title", "-id"], name="incident_title_desc_idx"),
            # Status ascending starts with the drafts, which others may not see: with status
            # and author in the index, the list's ids-first page (core.pagination.Keyset)
            # skips them inside the index.
            models.Index(
                fields=["status_rank", "-id"],
                name="incident_status_rank_idx",
                include=["status", "reported_by"],
            ),
            models.Index(fields=["-status_rank", "-id"], name="incident_status_rank_desc_idx"),
            models.Index(
                Coalesce(RISK_SCORE, Value(RISK_SORT_LAST)).asc(),
                F("id").desc(),
                name="incident_risk_asc_idx",
            ),
            models.Index(
                Coalesce(RISK_SCORE, Value(RISK_SORT_FIRST)).desc(),
                F("id").desc(),
                name="incident_risk_desc_idx",
            ),
            # The "or my own" part of visible_to as the dashboard reads it: the user's drafts
            # and the user's own restricted reports (IncidentTally covers everything else).
            models.Index(fields=["reported_by", "status"], name="incident_author_status_idx"),
            models.Index(
                fields=["reported_by", "confidentiality"], name="incident_author_conf_idx"
            ),
            # Everything visible_to tests for a kecamatan officer, so counting their list is an
            # index-only scan.
            models.Index(
                fields=["kecamatan", "status", "confidentiality", "reported_by"],
                name="incident_kec_visible_idx",
            ),
            # The secretariat's verification queue, longest waiting first.
            models.Index(
                fields=["submitted_at", "id"],
                name="incident_queue_idx",
                condition=Q(status=Status.DIAJUKAN),
            ),
            # A user's returned reports, latest first (the dashboard's "dikembalikan" panel):
            # without it, an officer with thousands of returned reports sorted them all.
            models.Index(
                fields=["reported_by", "-updated_at"],
                name="incident_author_returned_idx",
                condition=Q(status=Status.DITOLAK),
            ),
            # Verified or handled reports nobody has followed up yet, oldest first.
            models.Index(
                fields=["occurred_at", "id"],
                name="incident_no_step_idx",
                condition=Q(status__in=[Status.DIVERIFIKASI, Status.DITANGANI], has_steps=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="incident_lat_lon_together",
                violation_error_message=_("Isi lintang dan bujur bersama-sama."),
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.DITOLAK) | ~Q(rejection_reason=""),
                name="incident_rejection_has_reason",
                violation_error_message=_("Penolakan memerlukan alasan."),
            ),
            # A potential conflict is only useful with its risk assessment (likelihood x impact).
            models.CheckConstraint(
                condition=Q(needs_completion=True)
                | (~Q(conflict_source="") & ~Q(aspect="") & ~Q(form="")),
                name="incident_classified_unless_quick",
                violation_error_code="classification",
                violation_error_message=_("Lengkapi sumber konflik, aspek, dan bentuk."),
            ),
            models.CheckConstraint(
                condition=Q(needs_completion=False)
                | Q(status__in=[Status.DRAFT, Status.DIAJUKAN, Status.DITOLAK]),
                name="incident_quick_completed_before_verification",
                violation_error_code="needs_completion",
                violation_error_message=QUICK_INCOMPLETE,
            ),
            models.CheckConstraint(
                condition=~Q(kind=Kind.POTENSI)
                | Q(likelihood__isnull=False)
                | Q(needs_completion=True),
                name="incident_potential_has_likelihood",
                violation_error_code="potential_likelihood",
                violation_error_message=RISK_REQUIRED,
            ),
            models.CheckConstraint(
                condition=~Q(kind=Kind.POTENSI)
                | Q(impact__isnull=False)
                | Q(needs_completion=True),
                name="incident_potential_has_impact",
                violation_error_code="potential_impact",
                violation_error_message=RISK_REQUIRED,
            ),
            # How a report was resolved is known exactly when it is resolved or closed.
            models.CheckConstraint(
                condition=(Q(status__in=FINISHED) & ~Q(resolution=""))
                | (~Q(status__in=FINISHED) & Q(resolution="")),
                name="incident_resolution_iff_resolved",
                violation_error_code="resolution",
                violation_error_message=_(
                    "Cara penyelesaian diisi tepat ketika laporan selesai atau ditutup."
                ),
            ),
        ]

    CONSTRAINT_FIELDS = {
        "potential_likelihood": "likelihood",
        "potential_impact": "impact",
        "classification": "conflict_source",
        "resolution": "resolution",
    }

    def __str__(self):
        return f"{self.reference} — {self.title}"

    def get_absolute_url(self):
        return reverse("incidents:detail", args=[self.pk])

    @property
    def log_label(self) -> str:
        # The activity log names a report by its number only: a title may name people, and
        # the log's readers (administrators, a data subject's copy) may not see the report.
        return self.reference

    def clean(self):
        errors = {}
        # What is stored now (None for a new report): the time and place rules below apply to
        # what this save changes, so older records stay editable for anything else.
        stored = (
            type(self)
            .objects.filter(pk=self.pk)
            .values("occurred_at", "occurred_precision", "latitude", "longitude")
            .first()
            if self.pk
            else None
        )
        if self.kind == Kind.KEJADIAN:
            # The risk assessment is a potential conflict's (the form hides it for an event):
            # one sent by the hidden fields, or left from a potential turned event, counted the
            # event among the high risks the dashboard and the alerts are about.
            self.likelihood = self.impact = None
        if self.occurred_at and self._in_the_future():
            errors["occurred_at"] = _("Waktu kejadian tidak boleh di masa depan.")
        elif self.occurred_at and self.occurred_at < EARLIEST_OCCURRENCE:
            errors["occurred_at"] = _(
                "Waktu kejadian terlalu jauh di masa lalu (paling awal tahun %(year)s)."
            ) % {"year": EARLIEST_OCCURRENCE.year}
        elif self.occurred_at and self._time_moved(stored):
            # The other side of HandlingStep.clean: the event cannot be moved after its own
            # stopping or recovery.
            first = (
                self.steps.exclude(stage=Stage.PENCEGAHAN)
                .order_by("date")
                .values_list("date", flat=True)
                .first()
            )
            if first and first < self.earliest_day():
                errors["occurred_at"] = _(
                    "Tindak lanjut penghentian atau pemulihan sudah tercatat pada %(date)s: waktu "
                    "kejadian tidak dapat sesudahnya."
                ) % {"date": date_format(first, "SHORT_DATE_FORMAT")}
        if self.desa_id and self.kecamatan_id and self.desa.parent_id != self.kecamatan_id:
            errors["desa"] = _("Desa ini tidak berada di kecamatan yang dipilih.")
        if not self.needs_completion:
            for name in ("conflict_source", "aspect", "form"):
                if not getattr(self, name):
                    errors[name] = _("Wajib diisi.")
        if self._coordinates_changed(stored):
            errors.update(self.coordinates_errors())
        if errors:
            raise ValidationError(errors)

    def _in_the_future(self) -> bool:
        """Later than now, give or take a phone clock running ahead; known only to the day, on a
        day after today (tomorrow chosen at 23.55 is stored at a midnight within the skew)."""
        now = timezone.now()
        if self.occurred_at > now + CLOCK_SKEW:
            return True
        return self.occurred_precision == DatePrecision.DAY and timezone.localtime(
            self.occurred_at
        ).date() > timezone.localdate(now)

    def _time_moved(self, stored) -> bool:
        """Whether this save changes a stored report's time or its precision. Other edits of
        an older report are not refused for steps recorded before the rule existed. (Steps
        come after verification, which a quick report reaches completed, with its real time.)"""
        if stored is None:
            return False
        # The form sends minutes; a stored time with seconds (a quick report's, the demo's)
        # is the same time when its minute is.
        minute = {"second": 0, "microsecond": 0}
        return (stored["occurred_at"].replace(**minute), stored["occurred_precision"]) != (
            self.occurred_at.replace(**minute),
            self.occurred_precision,
        )

    def _coordinates_changed(self, stored) -> bool:
        """New coordinates, or changed ones: a report saved with coordinates outside the
        regency before they were checked stays editable for anything else."""
        if self.latitude is None or self.longitude is None:
            return False
        if stored is None:
            return True
        return (stored["latitude"], stored["longitude"]) != (self.latitude, self.longitude)

    def coordinates_errors(self) -> dict:
        """{field: message} when the coordinates lie outside the regency (a latitude typed
        without its minus sign put the marker in the South China Sea); {} when they lie inside
        or nothing is known to check them against (directory.selectors.regency_bounds)."""
        bounds = regency_bounds()
        if bounds is None or self.latitude is None or self.longitude is None:
            return {}
        latitude, longitude = float(self.latitude), float(self.longitude)
        if bounds.contains(latitude, longitude):
            return {}
        region = regency_title()
        if bounds.contains(-latitude, longitude):
            example = number_format(round((bounds.south + bounds.north) / 2, 2), 2)
            return {
                "latitude": _(
                    "Lintang di %(region)s bernilai negatif (contoh %(example)s): tanda minus "
                    "mungkin terlewat."
                )
                % {"region": region, "example": example}
            }
        field = "latitude" if not bounds.south <= latitude <= bounds.north else "longitude"
        return {
            field: _(
                "Titik ini berada di luar %(region)s (lintang %(south)s sampai %(north)s, bujur "
                "%(west)s sampai %(east)s). Periksa lintang dan bujurnya."
            )
            % {
                "region": region,
                **{
                    side: number_format(round(getattr(bounds, side), 2), 2)
                    for side in ("south", "north", "west", "east")
                },
            }
        }

    @property
    def occurred_label(self) -> str:
        """When it happened, as precisely as it is known: the month alone for a month, the date
        for a week, and for a day the time too unless it is local midnight, which is what a date
        given without a time is stored as (a date typed alone in the full form, a quick
        report's day: `day_only`)."""
        local = timezone.localtime(self.occurred_at)
        if self.occurred_precision == DatePrecision.MONTH:
            return date_format(local, "YEAR_MONTH_FORMAT")
        if self.occurred_precision == DatePrecision.WEEK or (local.hour, local.minute) == (0, 0):
            return date_format(local, "DATE_FORMAT")
        return date_format(local, "DATETIME_FORMAT")

    @staticmethod
    def day_only(day: date) -> datetime:
        """The time stored for a day whose hour is not known: its local midnight, which
        `occurred_label` and the exports (exports.occurred_cell) show as the date alone."""
        return timezone.make_aware(datetime.combine(day, time.min))

    def earliest_day(self):
        """The first day the event may have happened on, as precise as its date is known."""
        day = timezone.localtime(self.occurred_at).date()
        if self.occurred_precision == DatePrecision.WEEK:
            return day - timedelta(days=6)
        if self.occurred_precision == DatePrecision.MONTH:
            return day.replace(day=1)
        return day

    @property
    def region(self) -> Region:
        return self.desa or self.kecamatan

    def get_risk_level_display(self) -> str:
        # A GeneratedField gets no get_FOO_display() of its own.
        return RiskLevel(self.risk_level).label if self.risk_level else ""

    @property
    def risk_score(self) -> int | None:
        if self.likelihood and self.impact:
            return self.likelihood * self.impact
        return None


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Party(models.Model):
    """A party to the conflict (*pihak*), with its type and estimated size (unknown allowed)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="parties")
    name = models.CharField(_("nama pihak"), max_length=150)
    party_type = models.CharField(_("jenis pihak"), max_length=12, choices=PartyType.choices)
    estimated_size = models.PositiveIntegerField(
        _("perkiraan jumlah orang"),
        null=True,
        blank=True,
        help_text=_("Kosongkan bila belum diketahui."),
    )

    objects = PartyQuerySet.as_manager()

    class Meta:
        verbose_name = _("pihak")
        verbose_name_plural = _("pihak")
        ordering = ["pk"]

    def __str__(self):
        return self.name

    @staticmethod
    def anonymous_name(pk) -> str:
        """The name an anonymised party keeps (services.party_anonymise): never replaced again."""
        return f"Anonim #{pk}"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class HandlingStep(models.Model):
    """A follow-up action (*tindak lanjut*) taken on a report."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="steps")
    date = models.DateField(_("tanggal"))
    stage = models.CharField(_("tahap"), max_length=12, choices=Stage.choices)
    action_type = models.CharField(_("jenis tindakan"), max_length=16, choices=ActionType.choices)
    description = models.TextField(_("uraian"), max_length=10000)
    agencies = models.ManyToManyField(Agency, verbose_name=_("instansi terlibat"), blank=True)
    contacts = models.ManyToManyField(Contact, verbose_name=_("tokoh terlibat"), blank=True)
    outcome = models.TextField(_("hasil"), max_length=10000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tindak lanjut")
        verbose_name_plural = _("tindak lanjut")
        ordering = ["date", "pk"]

    def __str__(self):
        return f"{self.date} {self.get_action_type_display()}"

    def clean(self):
        if not self.date:
            return
        if self.date > timezone.localdate():
            raise ValidationError({"date": _("Tanggal tindak lanjut tidak boleh di masa depan.")})
        occurred = self.incident.occurred_at if self.incident_id else None
        if not occurred:
            return
        if self.date < timezone.localtime(occurred).date() - timedelta(days=366):
            raise ValidationError({"date": _("Tanggal terlalu jauh sebelum waktu kejadian.")})
        # Prevention may come before what it tried to prevent; stopping and recovery cannot (a
        # slip of the year counted the step in the year before and as handled in 0 days).
        earliest = self.incident.earliest_day()
        if self.stage != Stage.PENCEGAHAN and self.date < earliest:
            raise ValidationError(
                {
                    "date": _(
                        "Penghentian dan pemulihan tidak dapat sebelum kejadian (%(date)s). "
                        "Tindakan sebelum kejadian dicatat sebagai pencegahan."
                    )
                    % {"date": date_format(earliest, "SHORT_DATE_FORMAT")}
                }
            )


# The agencies and contacts of a step are link rows, only added or removed.
@pghistory.track(
    pghistory.InsertEvent(), pghistory.DeleteEvent(), obj_field=None, model_name="StepAgencyEvent"
)
class StepAgency(HandlingStep.agencies.through):
    """An agency involved in a handling step (the auto-created link table, tracked)."""

    class Meta:
        proxy = True
        verbose_name = _("instansi terlibat")
        verbose_name_plural = _("instansi terlibat")


@pghistory.track(
    pghistory.InsertEvent(), pghistory.DeleteEvent(), obj_field=None, model_name="StepContactEvent"
)
class StepContact(HandlingStep.contacts.through):
    """A community leader involved in a handling step (the auto-created link table, tracked)."""

    class Meta:
        proxy = True
        verbose_name = _("tokoh terlibat")
        verbose_name_plural = _("tokoh terlibat")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Evidence(EvidenceFile):
    """A file supporting a report or a handling step, served only through a view that checks the
    report is visible to the user."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="evidence")
    step = models.ForeignKey(
        HandlingStep, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )

    class Meta(EvidenceFile.Meta):
        verbose_name = _("bukti")
        verbose_name_plural = _("bukti")


class IncidentTally(models.Model):
    """How many reports there are per kecamatan, status, confidentiality and risk level, kept
    current by a database trigger on every insert, update and delete of a report (migration
    0008), so the dashboard adds up a few hundred rows instead of counting a million reports.
    `risk_level` is "" for reports without a risk assessment; `has_steps` splits off the reports
    nobody has followed up yet (migration 0014)."""

    kecamatan = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=12, choices=Status.choices)
    confidentiality = models.CharField(max_length=8, choices=Confidentiality.choices)
    risk_level = models.CharField(max_length=13, choices=RiskLevel.choices, blank=True)
    has_steps = models.BooleanField(default=False)
    count = models.IntegerField(default=0)

    objects = IncidentTallyQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kecamatan", "status", "confidentiality", "risk_level", "has_steps"],
                name="incident_tally_group_unique",
            ),
        ]

    def __str__(self):
        group = f"{self.kecamatan_id} {self.status} {self.confidentiality} {self.risk_level}"
        return f"{group}: {self.count}"


class IncidentAuthorTally(models.Model):
    """How many reports each user filed per kecamatan, status, confidentiality and risk level,
    kept current by a database trigger on every insert, update and delete of a report
    (migrations 0021 and 0023), so a field officer's "my reports by status" reads a few rows
    instead of counting the tens of thousands of reports one officer may file. The kecamatan is
    there because a kecamatan-scoped officer only sees their own reports in their current
    kecamatan (`IncidentQuerySet.visible_to`); confidentiality and risk level because the
    reports only their author sees (drafts, and restricted reports for an officer not cleared
    for them) are added to the report tally to give the list's total, with its status and risk
    filters. `risk_level` is "" for reports without a risk assessment, as in IncidentTally.

    The rows are derived data: deleting a user deletes theirs. A user who still has reports
    cannot be deleted (`Incident.reported_by` protects them), so only rows counting zero ever
    go that way, and no zero row left behind by a moved or deleted report blocks the deletion."""

    # No index of its own: the unique constraint's index starts with the author.
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pelapor"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    kecamatan = models.ForeignKey(
        Region, verbose_name=_("kecamatan"), on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    confidentiality = models.CharField(
        _("sifat"),
        max_length=8,
        choices=Confidentiality.choices,
        default=Confidentiality.INTERNAL,
    )
    risk_level = models.CharField(
        _("tingkat risiko"), max_length=13, choices=RiskLevel.choices, blank=True, default=""
    )
    count = models.IntegerField(_("jumlah"), default=0)

    objects = IncidentAuthorTallyQuerySet.as_manager()

    class Meta:
        verbose_name = _("rekap laporan per pelapor")
        verbose_name_plural = _("rekap laporan per pelapor")
        constraints = [
            models.UniqueConstraint(
                fields=["reported_by", "kecamatan", "status", "confidentiality", "risk_level"],
                name="incident_author_tally_unique",
            ),
        ]

    def __str__(self):
        group = f"{self.kecamatan_id} {self.status} {self.confidentiality} {self.risk_level}"
        return f"{self.reported_by_id} {group}: {self.count}"
