"""Writes every app shares."""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from core.models import ActivityLog, EvidenceFile, FormSubmission
from core.utils import parse_uuid


def require_perm(user, perm: str, obj=None) -> None:
    """A service's own check of the named permission (views check it too, for their page)."""
    if not user.has_perm(perm, obj):
        raise PermissionDenied


def log_action(*, actor, action: str, obj=None, **data) -> ActivityLog:
    """Record a business event: `actor` did `action` (a dotted code) to `obj`, with `data`
    (JSON-serialisable). Part of the caller's transaction, so a rolled-back change logs nothing."""
    entry = ActivityLog(
        actor=actor if getattr(actor, "pk", None) else None, action=action, data=data
    )
    if obj is not None:
        entry.content_type = ContentType.objects.get_for_model(obj)
        entry.object_id = str(obj.pk)
        # Kept as text: in the portal's language, whatever the actor reads in. A record whose
        # name says more than the log's readers may know (a report's title) offers a
        # `log_label` (its reference number).
        with translation.override(settings.LANGUAGE_CODE):
            entry.object_repr = str(getattr(obj, "log_label", None) or obj)[:200]
    entry.save()
    return entry


def evidence_store(evidence: EvidenceFile, upload, *, by) -> EvidenceFile:
    """Validate `upload`, then save the `evidence` record (see evidence_save)."""
    evidence.store(upload, by=by)
    return evidence_save(evidence)


def evidence_save(evidence: EvidenceFile) -> EvidenceFile:
    """Save an evidence record filled by EvidenceFile.store() and write its file once the
    surrounding transaction commits: a save that is rolled back (a refused party, a database
    error, a concurrent edit) leaves no file on disk."""
    evidence.save()
    storage, name, content = evidence.file.storage, evidence.file.name, evidence.pending_file

    def write():
        # The random name (evidence_path) cannot collide with a stored file.
        with content:
            storage.save(name, content)

    transaction.on_commit(write)
    return evidence


def evidence_file_delete(sender, instance, **kwargs):
    """post_delete of every evidence model: remove the file once the deletion is committed.

    A receiver rather than a service, because evidence also goes when its report, step or
    realisation is deleted, and cascades do not call Model.delete()."""
    if instance.file.name:
        storage, name = instance.file.storage, instance.file.name
        transaction.on_commit(lambda: storage.delete(name))


class AlreadySubmitted(Exception):
    """This form was already submitted; `url` shows what that submission created (`popup`: the
    answer of an admin popup, see FormSubmission.popup_answer)."""

    def __init__(self, url: str = "", popup: str = ""):
        super().__init__(url)
        self.url = url
        self.popup = popup

    @classmethod
    def of(cls, earlier: FormSubmission | None) -> "AlreadySubmitted":
        if earlier is None:
            return cls()
        return cls(earlier.result_url, popup=earlier.popup_answer)


def submission_claim(*, token, by) -> FormSubmission | None:
    """Claim a rendered form's token inside the transaction that does the form's work.

    A concurrent claim of the same token waits on the unique index until the first transaction
    ends; if that one committed, this raises AlreadySubmitted. No valid token (an old page, a
    script): None, and the work runs unguarded."""
    token = parse_uuid(token)
    if token is None:
        return None
    try:
        with transaction.atomic():
            return FormSubmission.objects.create(token=token, user=by)
    except IntegrityError:
        earlier = FormSubmission.objects.filter(token=token, user=by).first()
        raise AlreadySubmitted.of(earlier) from None


def submission_earlier(*, token, by) -> FormSubmission | None:
    """The committed submission of this form by this user, if there is one."""
    token = parse_uuid(token)
    if token is None:
        return None
    return FormSubmission.objects.filter(token=token, user=by).first()


def submission_done(*, submission: FormSubmission | None, url: str, popup: str = "") -> None:
    if submission is not None:
        submission.result_url = url
        submission.popup_answer = popup
        submission.save(update_fields=["result_url", "popup_answer"])


def submission_purge(*, older_than_days: int) -> int:
    """Delete form-submission tokens older than `older_than_days`; returns how many. A token only
    guards against a double tap or a resend of one rendered form, which happens within minutes:
    a month-old token protects nothing and only grows the table."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _by_model = FormSubmission.objects.filter(created_at__lt=cutoff).delete()
    return deleted
