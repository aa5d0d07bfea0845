"""Validation of uploaded evidence files, shared by incidents and action plans.

The type is decided from the file's content (its signature, and for Office files the parts inside
the ZIP container), and it must agree with the file name's extension: an HTML page renamed to
`.jpg` is refused. Five types are enough for the task force's evidence, so a small explicit
sniffer is used instead of a libmagic binding (a system library CI would also have to install).
"""

import hashlib
import tempfile
import zipfile

from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024

# extension -> content type detected from the bytes
ALLOWED = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
ALLOWED_LABEL = "JPEG, PNG, PDF, DOCX, XLSX"


def sniff_content_type(upload) -> str | None:
    """The content type the bytes say, or None when they are none of the allowed types."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"\xff\xd8\xff"):
        return ALLOWED["jpg"]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return ALLOWED["png"]
    if head.startswith(b"%PDF-"):
        return ALLOWED["pdf"]
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
            # NotImplementedError: a zip asking for a newer version of the format than Python
            # reads (a byte in its header), which no document we take needs.
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names:
            if "word/document.xml" in names:
                return ALLOWED["docx"]
            if "xl/workbook.xml" in names:
                return ALLOWED["xlsx"]
    return None


def validate_evidence_file(upload) -> str:
    """Raise a ValidationError (in Indonesian) unless the file is acceptable evidence; return
    its content type."""
    name = upload.name or ""
    if upload.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            _("Berkas %(name)s terlalu besar (%(size)s): paling besar %(limit)s per berkas."),
            code="too_big",
            params={
                "name": name,
                "size": filesizeformat(upload.size),
                "limit": "10 MB",
            },
        )
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED:
        raise ValidationError(
            _("Jenis berkas %(name)s tidak diterima. Gunakan %(allowed)s."),
            code="extension",
            params={"name": name, "allowed": ALLOWED_LABEL},
        )
    detected = sniff_content_type(upload)
    if detected != ALLOWED[extension]:
        raise ValidationError(
            _("Isi berkas %(name)s tidak sesuai dengan jenisnya (.%(ext)s). Unggah berkas asli."),
            code="mismatch",
            params={"name": name, "ext": extension},
        )
    return detected


def sha256_of(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def copy_of(upload) -> File:
    """The upload's bytes in a temporary file this code owns: in memory while small, then an
    unlinked file on disk that disappears when closed or garbage-collected."""
    # Outlives this function: closed once written to storage, or dropped with a rollback.
    spool = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)  # noqa: SIM115
    for chunk in upload.chunks():
        spool.write(chunk)
    spool.seek(0)
    return File(spool, name=upload.name)
