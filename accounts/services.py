"""Writes of the accounts app."""

from accounts.models import AuditEntry


def audit_record(*, user, action: str, **detail) -> AuditEntry:
    """Record that `user` did `action` (a dotted code) with some detail (JSON-serialisable)."""
    return AuditEntry.objects.create(user=user, action=action, detail=detail)
