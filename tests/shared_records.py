"""Records made once for a group of tests, as Django's `TestCase.setUpTestData` does.

A class-scoped fixture opens a transaction, makes the records and keeps the transaction open
while the tests of the class run; each test runs in a savepoint inside it (pytest-django's `db`
then nests), so whatever a test changes is rolled back before the next one, and the whole is
rolled back after the last. Each test gets deep copies of the records, so a change one test makes
to an instance in memory never reaches the next. Files the records store (evidence, logos) are
written to a folder of the group and copied into each test's own MEDIA_ROOT.

A record holding a freshly uploaded file (an upload object, not yet a stored file) cannot be
deep-copied for each test: read it back from the database in `build_records()` first
(`Evidence.objects.get(pk=stored.pk)`), as tests/incidents/test_permissions.py does.

Use it where many tests only read the same costly records (an established plan, a year of
reports) and differ in who asks and what: permission matrices. A group that runs on two xdist
workers is built once on each.
"""

import copy
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.test import TestCase, override_settings

# The suite's fast hasher (tests/conftest.py `fast_and_isolated`), also for records made
# before any test's settings apply.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Shared:
    records: dict
    media_root: Path

    def for_test(self, media_root: Path) -> dict:
        """Copies of the records and of their files, for one test."""
        shutil.copytree(self.media_root, media_root, dirs_exist_ok=True)
        return copy.deepcopy(self.records)


@contextmanager
def shared_records(build, *, django_db_blocker, media_root: Path):
    """Runs `build()` (returning a dict of records) in a transaction held open until exit."""
    media_root.mkdir(parents=True, exist_ok=True)
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        # Marked as TestCase marks its own: a durable atomic block inside a test still works.
        outer._from_testcase = True
        outer.__enter__()
    try:
        with (
            django_db_blocker.unblock(),
            override_settings(MEDIA_ROOT=media_root, PASSWORD_HASHERS=FAST_HASHERS),
            # Files are written when the transaction commits, which this one never does.
            TestCase.captureOnCommitCallbacks(execute=True),
        ):
            records = build()
        yield Shared(records, media_root)
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
