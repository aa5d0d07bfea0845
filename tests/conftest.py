"""Personas for each role, and a small region tree, shared by every test.

The role Groups come from the apps' data migrations and survive each test's rollback; `roles`
re-creates them only after a transactional (browser) test has emptied the tables.
"""

import importlib
import pkgutil

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.db import connections
from django.test import TransactionTestCase
from django.utils import translation

from accounts.choices import Role
from directory.choices import RegionLevel
from evaluations.models import Framework
from tests import personas as personas_
from tests import template_db
from tests.factories import RegionFactory, UserFactory
from tests.shared_records import FAST_HASHERS, shared_records


def role_migrations():
    """Every app's `00xx_roles` data migration, which creates the Groups and grants them the
    model permissions of that app."""
    for config in apps.get_app_configs():
        try:
            package = importlib.import_module(f"{config.name}.migrations")
        except ModuleNotFoundError:
            continue
        for module in pkgutil.iter_modules(getattr(package, "__path__", ())):
            if module.name.endswith("_roles"):
                yield importlib.import_module(f"{package.__name__}.{module.name}")


def ensure_roles():
    """One query when the Groups are there (the usual case); else the migrations again."""
    if Group.objects.filter(name__in=Role.values).count() < len(Role.values):
        for migration in role_migrations():
            migration.forwards(apps, None)


@pytest.fixture(scope="session")
def delete_output_dir():
    """pytest-playwright empties its output folder (test-artifacts/) as each xdist worker starts,
    which could wipe what a worker that failed earlier left there; files are overwritten by
    name instead."""


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Test databases are thrown away after the run, so their commits (migrations, the flushes
    between browser tests) need not wait for the disk."""
    options = django_settings.DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


@pytest.fixture(scope="session")
def django_db_setup(
    request, django_test_environment, django_db_blocker, django_db_modify_db_settings
):
    """Each worker's test database is a copy of a migrated template (tests/template_db.py)
    instead of a fresh run of every migration."""
    with django_db_blocker.unblock():
        names = template_db.setup(verbosity=request.config.option.verbose)
    yield
    with django_db_blocker.unblock():
        template_db.teardown(*names)


# Filled by the migrations' post_migrate signal only and the same in every test: a transactional
# test leaves them, so nothing has to fill them again.
KEPT_TABLES = {"django_content_type", "auth_permission"}


def empty_filled_tables(connection):
    """What Django's flush after a transactional test does, for a small data set: TRUNCATE only the
    tables holding a row (and, by CASCADE, those referring to them) instead of all ~75, and leave
    the content types and permissions, so the post_migrate signal need not make them again
    (0.7-1.3 s per test against 0.25 s)."""
    tables = sorted(
        set(connection.introspection.django_table_names(only_existing=True, include_views=False))
        - KEPT_TABLES
    )
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(f"(SELECT %s FROM {quote(table)} LIMIT 1)" for table in tables),
            tables,
        )
        filled = [table for (table,) in cursor.fetchall()]
        if filled:
            cursor.execute(f"TRUNCATE {', '.join(quote(table) for table in filled)} CASCADE")


@pytest.fixture(scope="session", autouse=True)
def transactional_tests_empty_only_filled_tables():
    """pytest-django ends every transactional test (browser tests, for the live server's own
    connection; tests of requests at the same moment) with TransactionTestCase's flush of every
    table; `empty_filled_tables` does the same for what a test filled. No test here flushes only
    some apps or restores serialised data, the cases Django's flush takes care of."""

    def fixture_teardown(test_case):
        for alias in test_case._databases_names(include_mirrors=False):
            empty_filled_tables(connections[alias])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TransactionTestCase, "_fixture_teardown", fixture_teardown)
        yield


@pytest.fixture
def roles(db):
    ensure_roles()


@pytest.fixture(scope="class")
def shared(request, django_db_setup, django_db_blocker, tmp_path_factory):
    """The records the test class's `build_records()` makes, once for the whole class, in a
    transaction each test runs inside (tests/shared_records.py)."""

    def build():
        # Emptied by a transactional (browser) test run before on this worker.
        ensure_roles()
        ensure_default_framework()
        return request.cls.build_records()

    with shared_records(
        build,
        django_db_blocker=django_db_blocker,
        media_root=tmp_path_factory.mktemp("shared-media"),
    ) as group:
        yield group


@pytest.fixture
def records(shared, db, fast_and_isolated):
    """This test's copies of the class's shared records (and of their files)."""
    return shared.for_test(fast_and_isolated)


@pytest.fixture
def regency(db):
    return personas_.regency()


@pytest.fixture
def kecamatan(regency):
    return personas_.kecamatan(regency)


@pytest.fixture
def other_kecamatan(regency):
    return personas_.other_kecamatan(regency)


@pytest.fixture
def desa(kecamatan):
    return RegionFactory(
        code="35.17.08.2001", name="Ceweng", level=RegionLevel.DESA, parent=kecamatan
    )


@pytest.fixture
def agency(db):
    return personas_.agency()


@pytest.fixture
def petugas(roles, kecamatan):
    """A field officer scoped to one kecamatan."""
    return personas_.petugas(kecamatan)


@pytest.fixture
def sekretariat(roles, agency):
    return personas_.sekretariat(agency)


@pytest.fixture
def pimpinan(roles):
    return personas_.pimpinan()


@pytest.fixture
def admin_user(roles):
    return personas_.admin_user()


@pytest.fixture
def personas(petugas, sekretariat, pimpinan, admin_user):
    return {
        Role.PETUGAS: petugas,
        Role.SEKRETARIAT: sekretariat,
        Role.PIMPINAN: pimpinan,
        Role.ADMIN: admin_user,
    }


@pytest.fixture
def photo(tmp_path):
    """A JPEG file on disk, as a phone would upload it."""
    from tests.factories import jpeg_bytes

    path = tmp_path / "foto-lokasi.jpg"
    path.write_bytes(jpeg_bytes())
    return path


@pytest.fixture
def petugas_unscoped(roles):
    """A field officer for the whole regency (no kecamatan scope)."""
    return personas_.petugas_unscoped()


@pytest.fixture
def sekretariat2(roles):
    return UserFactory(username="sekretariat2", roles=[Role.SEKRETARIAT])


@pytest.fixture(autouse=True)
def fast_and_isolated(request, settings, tmp_path):
    """Evidence files go to a throwaway folder (returned); test users are hashed cheaply.

    Two-factor login is off, so `client.force_login` of a secretariat or admin persona reaches
    the page itself; tests of the second factor turn it on with the `two_factor` fixture or
    the `two_factor` marker."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.TWO_FACTOR_ENFORCED = request.node.get_closest_marker("two_factor") is not None
    # Every signed-in request moves the session's expiry on (one UPDATE): the pinned query
    # counts then do not depend on how long ago the previous request of a test was.
    # tests/core/test_housekeeping.py tests the once-a-minute refresh itself.
    settings.SESSION_REFRESH_SECONDS = 0
    # Every test starts in the portal's language. The test client runs a request in the test's
    # thread and LocaleMiddleware leaves that request's language active afterwards, so a test
    # that ended on an English page left the next test in this worker speaking English.
    translation.activate(django_settings.LANGUAGE_CODE)
    return settings.MEDIA_ROOT


@pytest.fixture
def two_factor(settings):
    """Two-factor login enforced, as in every real environment."""
    settings.TWO_FACTOR_ENFORCED = True


def ensure_default_framework():
    if not Framework.objects.exists():
        migration = importlib.import_module("evaluations.migrations.0002_default_framework")
        migration.create(apps, None)


@pytest.fixture
def default_framework(db):
    """The framework the data migration creates; re-created after a transactional (browser)
    test has emptied the tables."""
    ensure_default_framework()


# The fuzzing campaign's tally (tests/project/test_fuzz.py) at the end of the run. Here, not in
# tests/project/: under pytest-xdist the controlling process loads only this conftest.
def pytest_terminal_summary(terminalreporter):
    lines = {
        value
        for reports in terminalreporter.stats.values()
        for report in reports
        for name, value in getattr(report, "user_properties", ())
        if name == "fuzz"
    }  # each of a test's reports (setup, call, teardown) carries them
    if lines:
        terminalreporter.section("fuzzing")
        for line in sorted(lines):
            terminalreporter.write_line(line)
