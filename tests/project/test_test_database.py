"""The test database is a copy of a migrated template (tests/template_db.py): the copy must
carry what only the migrations create — triggers, constraints and the data migrations' rows."""

import pytest
from django.db import connection

import accounts.migrations as accounts_migrations
from accounts.choices import Role
from tests import template_db

pytestmark = pytest.mark.django_db


def test_the_copy_has_the_history_triggers_and_the_data_migrations_rows():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgname LIKE %s AND NOT tgisinternal",
            ["pgtrigger_%"],
        )
        (triggers,) = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM pg_extension WHERE extname = 'btree_gist'")
        (btree_gist,) = cursor.fetchone()

    assert triggers > 20
    assert btree_gist == 1
    # As copied: a transactional test run before on this worker empties the tables.
    assert template_db.ROWS_AT_COPY["groups"] >= set(Role.values)
    assert template_db.ROWS_AT_COPY["frameworks"] >= 1


def test_the_template_is_named_after_the_migration_files(tmp_path, monkeypatch):
    before = template_db.migrations_digest()
    assert template_db.migrations_digest() == before

    # A new migration file gives another template.
    extra = tmp_path / "0999_extra.py"
    extra.write_text("# a new migration\n")
    folders = [*accounts_migrations.__path__, str(tmp_path)]
    monkeypatch.setattr(accounts_migrations, "__path__", folders)
    assert template_db.migrations_digest() != before
