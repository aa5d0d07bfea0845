"""The letterhead, the annual narrative and the archive of issued (signed-off) reports."""

import pgtrigger
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.uploads import sniff_content_type
from reports.choices import ReportKind, document_filename

YEAR_VALIDATORS = [MinValueValidator(2012), MaxValueValidator(2100)]
MAX_LOGO_BYTES = 2 * 1024 * 1024


def validate_logo(upload):
    """A PNG or JPEG of at most 2 MB, judged by its content. The stored logo was judged when it
    was uploaded: a save without a new one does not read it again (its file may be gone,
    which failed the save with a 500)."""
    if getattr(upload, "_committed", False):
        return
    if upload.size > MAX_LOGO_BYTES:
        raise ValidationError(_("Logo paling besar 2 MB."), code="too_big")
    if sniff_content_type(upload) not in ("image/png", "image/jpeg"):
        raise ValidationError(_("Logo harus berupa gambar PNG atau JPEG."), code="type")


class Letterhead(models.Model):
    """The regency's letterhead (*kop*) on every document: the logo an administrator uploads.
    One row; the secretariat's name and address come from settings."""

    logo = models.FileField(
        _("logo kabupaten"),
        upload_to="letterhead/",
        blank=True,
        validators=[validate_logo],
        help_text=_("PNG atau JPEG, paling besar 2 MB."),
    )
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("kop surat")
        verbose_name_plural = _("kop surat")
        constraints = [
            # One row: the same constant for every row, unique (two "Simpan" at once would
            # otherwise both find none and add two, which the admin cannot delete).
            models.UniqueConstraint(
                models.Value(True),
                name="letterhead_one_row",
                violation_error_message=_("Kop surat sudah ada: ubah kop surat yang ada."),
            ),
        ]

    def __str__(self):
        return str(_("Kop surat"))


class AnnualNarrative(models.Model):
    """What the secretariat writes for the year's annual report: summary, obstacles, follow-up
    and recommendations. Figures are never typed here; they come from the portal's data."""

    year = models.PositiveSmallIntegerField(_("tahun"), unique=True, validators=YEAR_VALIDATORS)
    summary = models.TextField(_("ringkasan"), max_length=10000, blank=True)
    obstacles = models.TextField(_("kendala"), max_length=10000, blank=True)
    follow_up = models.TextField(_("tindak lanjut"), max_length=10000, blank=True)
    recommendations = models.TextField(_("rekomendasi"), max_length=10000, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    class Meta:
        verbose_name = _("narasi laporan tahunan")
        verbose_name_plural = _("narasi laporan tahunan")
        ordering = ["-year"]

    def __str__(self):
        return _("Narasi %(year)s") % {"year": self.year}


class IssuedReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Issued reports are read by those allowed to download them; everyone else sees none."""
        if not user.is_authenticated or not user.has_perm("reports.download_issued"):
            return self.none()
        return self.all()


def issued_path(instance, filename):
    period = f"-{instance.period_code}" if instance.period_code else ""
    return (
        f"issued/{instance.year}/{instance.kind}{period}-v{instance.version}-"
        f"{instance.sha256[:12]}.pdf"
    )


@pgtrigger.register(
    # The archive is the record of what was sent to the province: the database itself refuses
    # to change or delete a row, whatever code (or admin) tries.
    pgtrigger.Protect(name="issued_report_immutable", operation=pgtrigger.Update | pgtrigger.Delete)
)
class IssuedReport(models.Model):
    """A report as issued: the exact PDF bytes, their SHA-256, who issued it, when, and the
    parameters it was built from. Never changed; issuing again adds the next version."""

    kind = models.CharField(_("jenis"), max_length=8, choices=ReportKind.choices)
    year = models.PositiveSmallIntegerField(_("tahun"), validators=YEAR_VALIDATORS)
    period_code = models.CharField(_("periode"), max_length=4, blank=True)
    version = models.PositiveSmallIntegerField(_("versi"))
    title = models.CharField(_("judul"), max_length=255)
    file = models.FileField(_("berkas"), upload_to=issued_path)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("ukuran"))
    parameters = models.JSONField(_("parameter"), default=dict)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("diterbitkan oleh"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("diterbitkan pada"))

    objects = IssuedReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("laporan terbit")
        verbose_name_plural = _("laporan terbit")
        ordering = ["-year", "kind", "period_code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "period_code", "version"],
                name="issued_report_version_unique",
                violation_error_message=_("Versi laporan ini sudah diterbitkan."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind=ReportKind.PERIOD, period_code__gt="")
                | (~models.Q(kind=ReportKind.PERIOD) & models.Q(period_code="")),
                name="issued_report_period_only_for_period_kind",
                violation_error_message=_("Hanya laporan periode yang memiliki periode."),
            ),
        ]

    def __str__(self):
        return f"{self.title} (v{self.version})"

    @property
    def filename(self) -> str:
        return document_filename(
            kind=self.kind,
            year=self.year,
            period_code=self.period_code,
            suffix=f"-v{self.version}",
        )
