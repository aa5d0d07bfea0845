"""Model pieces shared by the apps."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.log import action_label
from core.uploads import sha256_of, validate_evidence_file


def evidence_path(instance, filename):
    # A random name: the original (which may hold personal data) is kept only in the database.
    suffix = PurePath(filename).suffix.lower()
    return f"evidence/{uuid.uuid4().hex}{suffix}"


class EvidenceFile(models.Model):
    """A supporting file: validated type and size, checksum, uploader. Stored outside the static
    tree and served only by views that first check the owning record is visible to the user."""

    file = models.FileField(_("berkas"), upload_to=evidence_path)
    original_name = models.CharField(_("nama berkas"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("ukuran"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def shows_inline(self) -> bool:
        return self.content_type in ("image/jpeg", "image/png", "application/pdf")

    def store(self, upload, *, by):
        """Validate `upload` and fill this record from it (the caller saves the record)."""
        self.content_type = validate_evidence_file(upload)
        self.original_name = upload.name[:255]
        self.size = upload.size
        self.sha256 = sha256_of(upload)
        self.uploaded_by = by
        # Forms validate every file before any is stored, so a file reaches the disk only when
        # the whole save is about to succeed; only a database failure later leaves one behind.
        self.file.save(upload.name, upload, save=False)


class ActivityLogQuerySet(models.QuerySet):
    def for_object(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )


class ActivityLog(models.Model):
    """One log of business events across the portal: who did what (a dotted action code such as
    `incidents.export` or `action_plans.plan.establish`), to which record, with what data.

    Field-level history is kept separately by pghistory triggers; this log holds the events a
    person names ("verified", "exported", "established") and the reasons given. Entries are
    written by services only and never changed (UU 27/2022: know who took which data)."""

    at = models.DateTimeField(_("waktu"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("pengguna"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("tindakan"), max_length=60, db_index=True)
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("jenis data"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    object_id = models.CharField(_("id data"), max_length=40, blank=True)
    object_repr = models.CharField(_("data"), max_length=200, blank=True)
    data = models.JSONField(_("rincian"), default=dict, blank=True)

    objects = ActivityLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("catatan kegiatan")
        verbose_name_plural = _("catatan kegiatan")
        ordering = ["-at", "-pk"]
        indexes = [
            # The timeline of one record (detail pages, data-subject reports).
            models.Index(fields=["content_type", "object_id", "at"], name="core_log_object_idx"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor or '-'} {self.action}"

    @property
    def action_label(self) -> str:
        return action_label(self.action)


class FormSubmission(models.Model):
    """The token of one rendered form, claimed by the request that acted on it. A second
    submission of the same form (a double tap on "Ajukan", a resend after a lost answer) finds
    the claim and is sent to what the first one created instead of creating it again."""

    token = models.UUIDField(unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    result_url = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("pengiriman formulir")
        verbose_name_plural = _("pengiriman formulir")

    def __str__(self):
        return str(self.token)
