"""Writes every app shares."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from core.models import ActivityLog, EvidenceFile


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
