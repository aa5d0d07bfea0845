"""Writes every app shares."""

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from core.models import ActivityLog, FormSubmission
from core.utils import parse_uuid


def log_action(*, actor, action: str, obj=None, **data) -> ActivityLog:
    """Record a business event: `actor` did `action` (a dotted code) to `obj`, with `data`
    (JSON-serialisable). Part of the caller's transaction, so a rolled-back change logs nothing."""
    entry = ActivityLog(
        actor=actor if getattr(actor, "pk", None) else None, action=action, data=data
    )
    if obj is not None:
        entry.content_type = ContentType.objects.get_for_model(obj)
        entry.object_id = str(obj.pk)
        entry.object_repr = str(obj)[:200]
    entry.save()
    return entry


class AlreadySubmitted(Exception):
    """This form was already submitted; `url` shows what that submission created."""

    def __init__(self, url: str = ""):
        super().__init__(url)
        self.url = url


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
        raise AlreadySubmitted(earlier.result_url if earlier else "") from None


def submission_earlier(*, token, by) -> FormSubmission | None:
    """The committed submission of this form by this user, if there is one."""
    token = parse_uuid(token)
    if token is None:
        return None
    return FormSubmission.objects.filter(token=token, user=by).first()


def submission_done(*, submission: FormSubmission | None, url: str) -> None:
    if submission is not None:
        submission.result_url = url
        submission.save(update_fields=["result_url"])
