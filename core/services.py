"""Writes every app shares."""

from django.contrib.contenttypes.models import ContentType

from core.models import ActivityLog


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
