"""A restore checks the whole archive before it touches the database or the files: every way an
archive can be damaged or forged is refused with a message saying what is wrong. And a backup
that cannot dump the database fails loudly instead of writing a partial archive."""

import hashlib
import io
import tarfile

import pytest
from django.core.files.storage import FileSystemStorage

from core.backup import (
    DUMP,
    MANIFEST,
    BackupError,
    create_backup,
    libpq_env,
    restore_backup,
    storage_names,
)

DUMP_BYTES = b"PGDMP fake dump"
# Never connected to: every archive below is refused before the database is looked at.
DATABASE = {"NAME": "tidak_dipakai", "USER": "", "PASSWORD": "", "HOST": "", "PORT": ""}


def digest(data):
    return hashlib.sha256(data).hexdigest()


def archive(tmp_path, members, manifest=None):
    """A tar of `members` (name -> bytes) with a manifest (default: the right one)."""
    if manifest is None:
        manifest = "".join(f"{digest(data)}  {name}\n" for name, data in members.items())
    path = tmp_path / "cadangan.tar"
    with tarfile.open(path, "w") as tar:
        for name, data in {
            **members,
            **({MANIFEST: manifest.encode()} if manifest else {}),
        }.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


def refusal(path, tmp_path):
    storage = FileSystemStorage(location=tmp_path / "media")
    with pytest.raises(BackupError) as caught:
        restore_backup(path, database=DATABASE, storage=storage)
    assert not (tmp_path / "media").exists()  # nothing written
    return str(caught.value)


def test_a_file_that_is_not_an_archive_is_refused(tmp_path):
    path = tmp_path / "bukan.tar"
    path.write_bytes(b"ini bukan arsip tar")
    assert refusal(path, tmp_path).startswith(f"{path} tidak dapat dibaca")


def test_an_archive_without_a_manifest_is_refused(tmp_path):
    path = archive(tmp_path, {DUMP: DUMP_BYTES}, manifest="")
    assert refusal(path, tmp_path) == f"Arsip tidak memuat {MANIFEST} yang dapat dibaca."


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ("tanpa-checksum database.dump\n", "Baris MANIFEST.sha256 tidak sah"),
        (f"{'0' * 64}  ../etc/passwd\n", "Nama tidak aman di dalam arsip: '../etc/passwd'"),
        (f"{'0' * 64}  /etc/passwd\n", "Nama tidak aman di dalam arsip: '/etc/passwd'"),
        (f"{digest(b'x')}  files/a.jpg\n", "Arsip tidak memuat cadangan basis data."),
        (
            f"{digest(DUMP_BYTES)}  {DUMP}\n{digest(b'x')}  files/hilang.jpg\n",
            "files/hilang.jpg tercantum di daftar periksa tetapi tidak ada di arsip.",
        ),
    ],
)
def test_a_forged_or_broken_manifest_is_refused(tmp_path, manifest, message):
    path = archive(tmp_path, {DUMP: DUMP_BYTES}, manifest=manifest)
    assert message in refusal(path, tmp_path)


def test_a_member_smuggled_in_without_the_manifest_is_refused(tmp_path):
    manifest = f"{digest(DUMP_BYTES)}  {DUMP}\n"
    path = archive(tmp_path, {DUMP: DUMP_BYTES, "files/selundupan.jpg": b"x"}, manifest=manifest)
    assert refusal(path, tmp_path) == (
        "Isi arsip yang tidak tercantum di daftar periksa: files/selundupan.jpg"
    )


def test_a_backup_of_a_database_that_cannot_be_dumped_fails_and_leaves_no_archive(tmp_path):
    empty_store = FileSystemStorage(location=tmp_path / "belum-ada")
    assert list(storage_names(empty_store)) == []  # no upload yet: an empty store, no error
    with pytest.raises(BackupError, match="pg_dump gagal"):
        create_backup(
            database={**DATABASE, "NAME": "basis_data_yang_tidak_ada", "OPTIONS": {}},
            storage=empty_store,
            output_dir=tmp_path / "cadangan",
        )
    assert list((tmp_path / "cadangan").iterdir()) == []


def test_a_machine_without_the_postgresql_client_is_told_what_to_install(tmp_path, monkeypatch):
    # With DATABASE_URL no local cluster brings pg_dump along: a traceback, not a message.
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BackupError, match="pg_dump tidak ditemukan: pasang alat klien PostgreSQL"):
        create_backup(
            database={**DATABASE, "OPTIONS": {}},
            storage=FileSystemStorage(location=tmp_path / "belum-ada"),
            output_dir=tmp_path / "cadangan",
        )
    assert list((tmp_path / "cadangan").iterdir()) == []


def test_pg_dump_gets_the_connection_through_the_environment_not_the_command_line():
    env = libpq_env(
        {
            "NAME": "portal",
            "USER": "portal",
            "PASSWORD": "rahasia",
            "HOST": "db.internal",
            "PORT": 5433,
            "OPTIONS": {"sslmode": "verify-full"},
        }
    )
    assert (env["PGDATABASE"], env["PGUSER"], env["PGPASSWORD"]) == ("portal", "portal", "rahasia")
    assert (env["PGHOST"], env["PGPORT"], env["PGSSLMODE"]) == (
        "db.internal",
        "5433",
        "verify-full",
    )
