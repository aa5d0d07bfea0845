"""The health check a load balancer or monitor polls: can this app server do its work?

Database reachable, every migration applied, file store writable. The answer names only which
check failed, never why (the reason goes to the log), so it leaks nothing to the anonymous callers
it is open to."""

import logging
import time
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.signals import setting_changed
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.dispatch import receiver

logger = logging.getLogger(__name__)

# Once every migration was applied this process's code never needs another one.
_migrations_applied = False


def database_reachable() -> bool:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def migrations_applied() -> bool:
    global _migrations_applied
    if not _migrations_applied:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        _migrations_applied = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _migrations_applied


# The check is open to anyone and writes a file: a writable store is taken as still writable
# for this many seconds, so a flood of checks writes at most one file per app process in that
# time. A failure is checked afresh every time, so recovery shows at once.
STORAGE_RECHECK_SECONDS = 10
_storage_writable_at = None  # time.time() of the last successful write


def storage_writable() -> bool:
    global _storage_writable_at
    now = time.time()
    if (
        _storage_writable_at is not None
        and 0 <= now - _storage_writable_at < STORAGE_RECHECK_SECONDS
    ):
        return True
    name = default_storage.save(f"health/{uuid.uuid4().hex}.txt", ContentFile(b"ok"))
    try:
        with default_storage.open(name, "rb") as handle:
            writable = handle.read() == b"ok"
    finally:
        default_storage.delete(name)
    _storage_writable_at = now if writable else None
    return writable


@receiver(setting_changed)
def _store_changed(*, setting, **kwargs):
    """Another store (settings changed at run time, as tests do) is checked afresh."""
    global _storage_writable_at
    if setting in {"MEDIA_ROOT", "STORAGES"}:
        _storage_writable_at = None


CHECKS = {
    "database": database_reachable,
    "migrations": migrations_applied,
    "storage": storage_writable,
}


def run_checks() -> dict[str, bool]:
    results = {}
    for name, check in CHECKS.items():
        if name == "migrations" and not results.get("database"):
            results[name] = False  # cannot be known without the database
            continue
        try:
            results[name] = bool(check())
        except Exception:
            logger.exception("Health check %r failed", name)
            results[name] = False
    return results
