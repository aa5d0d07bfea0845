"""Writes of the reports app: drafts, issuing, the annual narrative. Views and the command call
these; each checks the actor's permission itself, so no caller can skip it."""

import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from core.services import log_action
from reports import documents
from reports.models import AnnualNarrative, IssuedReport


def _require(user, perm):
    if not user.has_perm(perm):
        raise PermissionDenied


def report_draft(*, kind: str, year: int, period_code: str = "", by) -> tuple[str, bytes]:
    """A draft PDF (watermarked "DRAF"), made at any time and stored nowhere. Returns the title
    and the bytes. Raises DocumentUnavailable or RenderError with a message for the user."""
    _require(by, "reports.preview_report")
    document = documents.build(kind, year, period_code)
    content = document.pdf(draft=True)
    log_action(actor=by, action="reports.draft", **document.parameters)
    return document.title, content


def report_issue(*, kind: str, year: int, period_code: str = "", by) -> IssuedReport:
    """Render the final PDF and archive it as the next version, with its SHA-256, the issuer,
    the time and the parameters. Earlier versions stay as they were."""
    _require(by, "reports.issue_report")
    document = documents.build(kind, year, period_code)
    # Rendered before the transaction: it may take seconds and must not hold locks meanwhile.
    content = document.pdf(draft=False)
    digest = hashlib.sha256(content).hexdigest()
    for _attempt in range(3):
        try:
            with transaction.atomic():
                return _archive(document, content, digest, by)
        except IntegrityError:
            # Someone issued the same report at the same moment: take the next version number.
            continue
    raise IntegrityError("Could not allocate a report version")


def _archive(document, content, digest, by) -> IssuedReport:
    same = IssuedReport.objects.filter(
        kind=document.kind, year=document.year, period_code=document.period_code
    )
    version = (same.aggregate(last=Max("version"))["last"] or 0) + 1
    report = IssuedReport(
        kind=document.kind,
        year=document.year,
        period_code=document.period_code,
        version=version,
        title=document.title[:255],
        sha256=digest,
        size=len(content),
        parameters=document.parameters,
        issued_by=by,
        issued_at=timezone.now(),
    )
    report.file.save("report.pdf", ContentFile(content), save=False)
    stored = report.file.name
    try:
        report.save()
        log_action(actor=by, action="reports.issue", obj=report, sha256=digest, version=version)
    except Exception:
        report.file.storage.delete(stored)
        raise
    return report


def report_download(*, report: IssuedReport, by) -> bytes:
    """The stored bytes of an issued report, checked against their recorded SHA-256."""
    _require(by, "reports.download_issued")
    with report.file.open("rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != report.sha256:
        # The archive is the evidence of what was sent: a changed file is never handed out.
        raise ValueError("Stored report does not match its checksum")
    log_action(actor=by, action="reports.download", obj=report)
    return content


NARRATIVE_FIELDS = ("summary", "obstacles", "follow_up", "recommendations")


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass
class NarrativeConflict(Exception):
    """Sections a colleague saved after this user opened the page, and this user changed too
    (`stored`: section name to the text stored now); nothing was written."""

    stored: dict
    by: object = None
    at: object = None


@transaction.atomic
def narrative_save(*, year: int, by, opened: dict | None = None, **texts) -> AnnualNarrative:
    """Save the year's narrative. With `opened` (each section's text_digest when the page was
    opened), a section this user left as it was keeps what is stored (a colleague's newer
    text), and one both changed raises NarrativeConflict instead of being overwritten."""
    _require(by, "reports.write_narrative")
    AnnualNarrative.objects.get_or_create(year=year)
    narrative = AnnualNarrative.objects.select_for_update().get(year=year)
    conflicts = {}
    for name in NARRATIVE_FIELDS:
        typed, stored = texts.get(name, ""), getattr(narrative, name)
        if opened is not None and name in opened:
            if text_digest(typed) == opened[name]:
                continue  # untouched on this page
            if text_digest(stored) != opened[name] and stored != typed:
                conflicts[name] = stored
                continue
        setattr(narrative, name, typed)
    if conflicts:
        raise NarrativeConflict(stored=conflicts, by=narrative.updated_by, at=narrative.updated_at)
    narrative.updated_by = by
    narrative.full_clean()
    narrative.save()
    log_action(actor=by, action="reports.narrative", obj=narrative)
    return narrative
