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

from accounts.choices import Role
from directory.choices import AgencyKind, RegionLevel
from evaluations.models import Framework
from tests import template_db
from tests.factories import AgencyFactory, RegionFactory, UserFactory


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


@pytest.fixture
def roles(db):
    ensure_roles()


@pytest.fixture
def regency(db):
    return RegionFactory(code="35.17", name="KAB. JOMBANG", level=RegionLevel.KABUPATEN)


@pytest.fixture
def kecamatan(regency):
    return RegionFactory(code="35.17.08", name="Diwek", level=RegionLevel.KECAMATAN, parent=regency)


@pytest.fixture
def other_kecamatan(regency):
    return RegionFactory(
        code="35.17.05", name="Wonosalam", level=RegionLevel.KECAMATAN, parent=regency
    )


@pytest.fixture
def desa(kecamatan):
    return RegionFactory(
        code="35.17.08.2001", name="Ceweng", level=RegionLevel.DESA, parent=kecamatan
    )


@pytest.fixture
def agency(db):
    return AgencyFactory(
        name="Badan Kesatuan Bangsa dan Politik", acronym="Bakesbangpol", kind=AgencyKind.PEMDA
    )


@pytest.fixture
def petugas(roles, kecamatan):
    """A field officer scoped to one kecamatan."""
    return UserFactory(
        username="petugas",
        first_name="Siti",
        last_name="Petugas",
        kecamatan=kecamatan,
        roles=[Role.PETUGAS],
    )


@pytest.fixture
def sekretariat(roles, agency):
    return UserFactory(
        username="sekretariat",
        first_name="Budi",
        last_name="Sekretariat",
        agency=agency,
        roles=[Role.SEKRETARIAT],
    )


@pytest.fixture
def pimpinan(roles):
    return UserFactory(
        username="pimpinan", first_name="Bapak", last_name="Pimpinan", roles=[Role.PIMPINAN]
    )


@pytest.fixture
def admin_user(roles):
    return UserFactory(
        username="admin", first_name="Admin", last_name="Portal", is_staff=True, roles=[Role.ADMIN]
    )


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
    return UserFactory(
        username="petugas-kab", first_name="Joko", last_name="Kabupaten", roles=[Role.PETUGAS]
    )


@pytest.fixture
def sekretariat2(roles):
    return UserFactory(username="sekretariat2", roles=[Role.SEKRETARIAT])


@pytest.fixture(autouse=True)
def fast_and_isolated(settings, tmp_path):
    """Evidence files go to a throwaway folder (returned); test users are hashed cheaply."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings.MEDIA_ROOT


@pytest.fixture
def default_framework(db):
    """The framework the data migration creates; re-created after a transactional (browser)
    test has emptied the tables."""
    if not Framework.objects.exists():
        migration = importlib.import_module("evaluations.migrations.0002_default_framework")
        migration.create(apps, None)
