"""Backups: an archive restores into a fresh database with the same rows and the same files, and
a restore refuses damaged archives and, without confirmation, databases that hold data."""

import hashlib
import io
import tarfile

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import CommandError, call_command
from django.db import connection

from core.backup import BackupError, create_backup, restore_backup, storage_names
from core.services import evidence_store
from incidents.models import Evidence
from tests.factories import IncidentFactory, jpeg_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def row_counts(database: dict) -> dict[str, int]:
    with psycopg.connect(
        dbname=database["NAME"],
        user=database["USER"],
        password=database["PASSWORD"] or None,
        host=database["HOST"] or None,
        port=database["PORT"] or None,
    ) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
            )
        ]
        return {
            table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables
        }


def checksums(storage) -> dict[str, str]:
    result = {}
    for name in storage_names(storage):
        with storage.open(name, "rb") as handle:
            result[name] = hashlib.sha256(handle.read()).hexdigest()
    return result


@pytest.fixture
def source(petugas, django_capture_on_commit_callbacks):
    """A report with a photo, and an issued file in another folder of the store."""
    incident = IncidentFactory(kecamatan=petugas.kecamatan, reported_by=petugas)
    evidence = Evidence(incident=incident, uploaded_by=petugas)
    # Evidence files reach the store when the transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        evidence_store(evidence, ContentFile(jpeg_bytes(), name="foto warga.jpg"), by=petugas)
    default_storage.save("reports/2026/laporan.pdf", ContentFile(b"%PDF-1.7 laporan"))
    return connection.settings_dict


@pytest.fixture
def fresh_database(source):
    fresh = {**source, "NAME": f"{source['NAME']}_restore"}
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{fresh["NAME"]}"')
        cursor.execute(f'CREATE DATABASE "{fresh["NAME"]}"')
    yield fresh
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{fresh["NAME"]}" WITH (FORCE)')


def test_restore_into_a_fresh_database_gives_the_same_rows_and_files(
    source, fresh_database, tmp_path
):
    archive = create_backup(database=source, storage=default_storage, output_dir=tmp_path / "b")
    assert archive.name.startswith("portal-") and archive.suffix == ".tar"
    assert archive.stat().st_mode & 0o077 == 0  # personal data: owner only

    restored_files = FileSystemStorage(location=tmp_path / "restored-media")
    counts = restore_backup(archive, database=fresh_database, storage=restored_files)

    source_rows = row_counts(source)
    assert source_rows["incidents_evidence"] == 1
    assert row_counts(fresh_database) == source_rows
    assert counts == {"tables": len(source_rows), "files": 2}
    assert checksums(restored_files) == checksums(default_storage)
    assert len(checksums(restored_files)) == 2


def test_a_database_with_data_is_replaced_only_with_confirmation(source, tmp_path):
    archive = create_backup(database=source, storage=default_storage, output_dir=tmp_path)
    before = row_counts(source)
    with pytest.raises(BackupError, match="sudah berisi"):
        restore_backup(archive, database=source, storage=default_storage)
    assert row_counts(source) == before


def test_a_damaged_archive_is_refused_before_anything_changes(source, fresh_database, tmp_path):
    archive = create_backup(database=source, storage=default_storage, output_dir=tmp_path)
    damaged = tmp_path / "damaged.tar"
    with tarfile.open(archive) as original, tarfile.open(damaged, "w") as copy:
        for member in original.getmembers():
            data = original.extractfile(member).read()
            if member.name.startswith("files/evidence/"):
                data = data[:-1] + b"\x00"
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    with pytest.raises(BackupError, match="tidak cocok: arsip rusak"):
        restore_backup(damaged, database=fresh_database, storage=default_storage)
    assert row_counts(fresh_database) == {}


def test_the_commands_write_an_archive_and_refuse_to_overwrite_unasked(source, tmp_path):
    call_command("backup", output_dir=str(tmp_path))
    (archive,) = tmp_path.glob("portal-*.tar")
    with pytest.raises(CommandError, match="CONFIRM=yes"):
        call_command("restore", str(archive))
