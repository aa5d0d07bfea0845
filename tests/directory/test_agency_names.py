"""One agency per name, whatever its letter case and spacing: the import finds it, the admin's
form refuses a second one next to the name, and the migration that makes the name unique
ignoring case stops, naming them, on a database that already holds two."""

import importlib

import pytest
from django.apps import apps
from django.core.management import CommandError
from django.db import connection

from directory.models import Agency
from directory.services import reference_agencies_load
from tests.directory.test_spreadsheets import (
    CSV,
    XLSX,
    confirm,
    csv_file,
    import_file,
    row_problems,
    xlsx,
)
from tests.helpers import form_as_sent

pytestmark = pytest.mark.django_db

TAKEN = "Instansi dengan nama ini sudah ada (huruf besar/kecil dan spasi tidak dibedakan)."


@pytest.mark.parametrize("typed", ["DINAS SOSIAL", " dinas  Sosial "])
def test_an_import_row_in_other_letters_updates_the_agency_of_that_name(client, admin_user, typed):
    client.force_login(admin_user)
    stored = Agency.objects.create(name="Dinas Sosial", acronym="Dinsos lama", kind="pemda")
    upload = xlsx([["Nama instansi", "Singkatan", "Jenis instansi"], [typed, "Dinsos", "pemda"]])

    response = import_file(client, "agency", upload, XLSX)
    assert "confirm_form" in response.context, response.content.decode()
    confirm(client, "agency", response)

    # Updated, and its name kept as stored (not turned into the file's capitals).
    assert list(Agency.objects.values_list("pk", "name", "acronym")) == [
        (stored.pk, "Dinas Sosial", "Dinsos")
    ]


def test_a_new_agency_is_stored_single_spaced(client, admin_user):
    client.force_login(admin_user)
    upload = csv_file("Nama instansi,Jenis instansi\n Dinas   Pendidikan ,pemda\n")

    confirm(client, "agency", import_file(client, "agency", upload, CSV))

    assert list(Agency.objects.values_list("name", flat=True)) == ["Dinas Pendidikan"]


@pytest.mark.parametrize("again", ["DINAS  BARU", "Dinas Baru"])
def test_a_name_repeated_in_one_file_is_named_not_merged(client, admin_user, again):
    # The second row silently overwrote the first, and the preview called it an update of an
    # agency the directory did not have.
    client.force_login(admin_user)
    upload = xlsx(
        [
            ["Nama instansi", "Singkatan", "Jenis instansi"],
            ["Dinas Baru", "DB", "pemda"],
            [again, "DB2", "polri"],
        ]
    )

    response = import_file(client, "agency", upload, XLSX)

    assert "confirm_form" not in response.context
    assert row_problems(response) == [
        "Baris 3: kolom “Nama instansi”: Nama instansi ini sudah ada di baris sebelumnya di "
        "berkas ini (huruf besar/kecil dan spasi tidak dibedakan). Hapus salah satu barisnya."
    ]
    assert not Agency.objects.exists()


def agency_form(client, name):
    data = form_as_sent(client.get("/admin/directory/agency/add/"), "agency_form")
    data.update(name=name, acronym="", kind="pemda")
    return client.post("/admin/directory/agency/add/", data)


@pytest.mark.parametrize("typed", ["DINAS SOSIAL", "Dinas  sosial", "Dinas Sosial"])
def test_the_admin_form_refuses_the_same_name_in_other_letters_next_to_the_field(
    client, admin_user, typed
):
    client.force_login(admin_user)
    Agency.objects.create(name="Dinas Sosial", kind="pemda")

    response = agency_form(client, typed)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors == {"name": [TAKEN]}
    assert Agency.objects.count() == 1


def test_the_admin_form_saves_a_name_single_spaced(client, admin_user):
    client.force_login(admin_user)

    assert agency_form(client, "  Dinas\u00a0Kesehatan  ").status_code == 302

    assert Agency.objects.get().name == "Dinas Kesehatan"


def test_reference_agencies_are_not_added_again_in_other_letters(regency, kecamatan):
    Agency.objects.create(name="DINAS SOSIAL", kind="pemda")
    Agency.objects.create(name="KECAMATAN DIWEK", kind="kecamatan")

    created = reference_agencies_load(
        regency=regency, rows=[{"name": "Dinas Sosial", "acronym": "Dinsos", "kind": "pemda"}]
    )

    assert created == 0
    assert Agency.objects.count() == 2


MIGRATION = "directory.migrations.0006_agency_names_single_spaced"


def without_the_name_constraint():
    """The table as it was before 0007 (this test's transaction undoes the change)."""
    constraint = next(
        c for c in Agency._meta.constraints if c.name == "agency_name_unique_ignoring_case"
    )
    with connection.schema_editor() as editor:
        editor.remove_constraint(Agency, constraint)


def test_the_migration_stops_naming_names_that_differ_only_in_case_or_spacing():
    without_the_name_constraint()
    social = Agency.objects.create(name="Dinas Sosial", kind="pemda")
    shouting = Agency.objects.create(name="DINAS SOSIAL", kind="pemda")
    spaced = Agency.objects.create(name="x", kind="pemda")
    Agency.objects.filter(pk=spaced.pk).update(name=" Dinas sosial")
    Agency.objects.create(name="Polres Jombang", kind="polri")

    with pytest.raises(CommandError) as stopped:
        importlib.import_module(MIGRATION).normalise(apps, None)

    message = str(stopped.value)
    assert message.startswith("Migrasi dihentikan: nama instansi berikut hanya berbeda")
    assert (
        f"“Dinas Sosial” (ID {social.pk}), “DINAS SOSIAL” (ID {shouting.pk}), "
        f"“ Dinas sosial” (ID {spaced.pk})"
    ) in message
    assert "Polres" not in message
    assert (
        "dengan manage.py merge_agencies <ID yang dipertahankan> <ID duplikat>, atau ubah "
        "namanya di halaman admin Instansi, lalu jalankan migrate lagi."
    ) in message
    # Nothing was changed.
    assert Agency.objects.get(pk=spaced.pk).name == " Dinas sosial"


def test_the_migration_single_spaces_names():
    stored = Agency.objects.create(name="x", kind="pemda")
    Agency.objects.filter(pk=stored.pk).update(name="  Dinas \t Sosial\n")

    importlib.import_module(MIGRATION).normalise(apps, None)

    stored.refresh_from_db()
    assert stored.name == "Dinas Sosial"
