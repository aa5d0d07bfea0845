"""Test databases cloned from a migrated template kept in the cluster between runs.

Running every migration (with its triggers, constraints and data migrations) costs far more
than the tests of one xdist worker need to start, and pytest-django pays it once per worker and
per run. Instead the first worker that finds no template for the current migrations migrates one
(under a lock, so the others wait rather than migrate too), and every worker then copies it with
`CREATE DATABASE … TEMPLATE …`, which takes well under a second. The template's name carries a
digest of every installed app's migration files, so changing, adding or removing a migration
(or upgrading a package that ships migrations) makes a new template; stale ones are dropped.
"""

import hashlib
import importlib
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection

PREFIX = "test_tpl_"
LOCK_KEY = 741_852_963  # any constant: serialises template building among the workers
# Part of the template's name: changing how a template is built makes a new one.
BUILD_VERSION = b"statistics-frozen-1"


def migrations_digest() -> str:
    digest = hashlib.sha256(BUILD_VERSION)
    for config in sorted(apps.get_app_configs(), key=lambda c: c.name):
        try:
            package = importlib.import_module(f"{config.name}.migrations")
        except ModuleNotFoundError:
            continue
        for folder in getattr(package, "__path__", ()):
            for path in sorted(Path(folder).glob("*.py")):
                digest.update(f"{config.name}/{path.name}".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _exists(cursor, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    return cursor.fetchone() is not None


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _build_template(name: str, verbosity: int) -> None:
    """Migrate a database under a temporary name and rename it only once it is complete, so an
    interrupted build never leaves a template that looks usable."""
    building = f"{name}_building"
    test_settings = connection.settings_dict["TEST"]
    worker_name = test_settings.get("NAME")
    test_settings["NAME"] = building
    try:
        connection.creation.create_test_db(
            verbosity=verbosity, autoclobber=True, serialize=False, keepdb=False
        )
        _freeze_statistics()
    finally:
        test_settings["NAME"] = worker_name
        connection.close()
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"ALTER DATABASE {_quote(building)} RENAME TO {_quote(name)}")


def _freeze_statistics() -> None:
    """The planner's statistics of the migrated template, kept for every test database copied
    from it: autovacuum is off for its tables.

    Tests roll their rows back, which leaves dead rows behind. An autovacuum that then finds a
    table bloated but empty records it as holding no rows in all its pages, and PostgreSQL
    plans later tests' bigger queries (a seeded year, a scale test) with nested loops as if
    every table had one row: the bench smoke test took 360 s instead of 20 s late in a run.
    Without statistics of such a state, the planner estimates a table's rows from its actual
    size."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute(
            "SELECT oid::regclass::text FROM pg_class WHERE relkind = 'r' "
            "AND relnamespace = 'public'::regnamespace"
        )
        for (table,) in cursor.fetchall():
            cursor.execute(f"ALTER TABLE {table} SET (autovacuum_enabled = false)")


def setup(verbosity: int = 0) -> tuple[str, str]:
    """Create this worker's test database from the template; returns (original name, test
    database name) for `teardown`."""
    original = connection.settings_dict["NAME"]
    worker = connection.creation._get_test_db_name()
    template = f"{PREFIX}{migrations_digest()}"
    with connection._nodb_cursor() as cursor:
        # A session-level advisory lock, held while this worker builds or copies the template.
        cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
        try:
            if not _exists(cursor, template):
                cursor.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{PREFIX}%"]
                )
                for (stale,) in cursor.fetchall():
                    cursor.execute(f"DROP DATABASE IF EXISTS {_quote(stale)}")
                _build_template(template, verbosity)
                connection.settings_dict["NAME"] = original
            cursor.execute(f"DROP DATABASE IF EXISTS {_quote(worker)}")
            cursor.execute(f"CREATE DATABASE {_quote(worker)} TEMPLATE {_quote(template)}")
        finally:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
    _point_at(worker)
    _note_data_rows()
    return original, worker


# What the copy held before any test ran: a transactional test empties the tables on its way
# out, so a test reading the data migrations' rows later on this worker could find none.
ROWS_AT_COPY: dict = {}


def _note_data_rows() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM auth_group")
        ROWS_AT_COPY["groups"] = {name for (name,) in cursor.fetchall()}
        cursor.execute("SELECT count(*) FROM evaluations_framework")
        ROWS_AT_COPY["frameworks"] = cursor.fetchone()[0]


def teardown(original: str, worker: str) -> None:
    connection.close()
    _point_at(original)
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {_quote(worker)}")


def _point_at(name: str) -> None:
    connection.close()
    connection.settings_dict["NAME"] = name
    settings.DATABASES[connection.alias]["NAME"] = name
