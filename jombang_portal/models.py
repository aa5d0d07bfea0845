"""Model pieces shared by the apps."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


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
        from jombang_portal.uploads import sha256_of, validate_evidence_file

        self.content_type = validate_evidence_file(upload)
        self.original_name = upload.name[:255]
        self.size = upload.size
        self.sha256 = sha256_of(upload)
        self.uploaded_by = by
        # Forms validate every file before any is stored, so a file reaches the disk only when
        # the whole save is about to succeed; only a database failure later leaves one behind.
        self.file.save(upload.name, upload, save=False)
