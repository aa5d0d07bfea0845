"""Backups: the database (pg_dump, custom format) and every uploaded file, in one archive with a
checksum manifest; and their restore, which verifies the whole archive before touching anything.

An archive is a plain tar:

    database.dump        pg_dump --format=custom (already compressed)
    files/<name>         every file of the default storage (evidence, issued reports), by name
    MANIFEST.sha256      "<sha256>  <member>" for each member above, `sha256sum -c` compatible

Files are read and written through Django's storage API, so the same commands work when the
uploads live in an S3-compatible store. Called by `manage.py backup` / `manage.py restore`
(`make backup`, `make restore FILE=...`).
"""

import hashlib
import io
import os
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path, PurePosixPath

import psycopg
from django.core.files import File
from django.core.files.storage import Storage

DUMP = "database.dump"
MANIFEST = "MANIFEST.sha256"
FILES = "files/"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why and what to do."""


def _sha256(handle) -> str:
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


def libpq_env(database: dict) -> dict[str, str]:
    """The environment pg_dump/pg_restore need to reach a Django database (no password on the
    command line, where other users could read it)."""
    env = dict(os.environ)
    for key, var in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
        ("NAME", "PGDATABASE"),
    ):
        if database.get(key):
            env[var] = str(database[key])
    if database.get("OPTIONS", {}).get("sslmode"):
        env["PGSSLMODE"] = database["OPTIONS"]["sslmode"]
    return env


def _connect(database: dict) -> psycopg.Connection:
    return psycopg.connect(
        dbname=database["NAME"],
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
        autocommit=True,
    )


def table_count(database: dict) -> int:
    """How many tables the database's public schema holds (0: a fresh database)."""
    with _connect(database) as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        ).fetchone()[0]


def storage_names(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every file name in `storage`, walking folders through the storage API."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:  # a file-system storage nothing was uploaded to yet
        return
    for name in sorted(files):
        yield f"{folder}{name}"
    for sub in sorted(folders):
        yield from storage_names(storage, f"{folder}{sub}/")


def create_backup(*, database: dict, storage: Storage, output_dir: Path) -> Path:
    """Write `output_dir/portal-<timestamp>.tar` (mode 0600: it holds personal data)."""
    output_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = output_dir / f"portal-{stamp}.tar"
    partial = target.with_suffix(".tar.partial")
    manifest: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as scratch:
        dump = Path(scratch) / DUMP
        result = _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(dump)],
            database,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump gagal: {result.stderr.strip()}")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as archive:
                with dump.open("rb") as handle:
                    manifest.append((_sha256(handle), DUMP))
                archive.add(dump, arcname=DUMP)
                for name in storage_names(storage):
                    manifest.append(_add_stored_file(archive, storage, name))
                text = "".join(f"{digest}  {member}\n" for digest, member in manifest)
                _add_bytes(archive, MANIFEST, text.encode())
            partial.rename(target)
        finally:
            partial.unlink(missing_ok=True)
    return target


def _add_stored_file(archive: tarfile.TarFile, storage: Storage, name: str) -> tuple[str, str]:
    # Copied to a local temporary file first: tar needs the size before the content, and a
    # remote store is read once.
    with tempfile.TemporaryFile() as local, storage.open(name, "rb") as source:
        shutil.copyfileobj(source, local, CHUNK)
        local.seek(0)
        digest = _sha256(local)
        info = tarfile.TarInfo(FILES + name)
        info.size = local.tell()
        info.mode = 0o600
        local.seek(0)
        archive.addfile(info, local)
    return digest, FILES + name


def _add_bytes(archive: tarfile.TarFile, member: str, data: bytes) -> None:
    info = tarfile.TarInfo(member)
    info.size = len(data)
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def read_manifest(archive: tarfile.TarFile) -> dict[str, str]:
    """member -> sha256, after checking every member against it (and nothing unlisted)."""
    try:
        text = archive.extractfile(MANIFEST).read().decode()
    except (KeyError, AttributeError, UnicodeDecodeError):
        raise BackupError(f"Arsip tidak memuat {MANIFEST} yang dapat dibaca.") from None
    expected: dict[str, str] = {}
    for line in text.splitlines():
        digest, sep, member = line.partition("  ")
        if not sep or len(digest) != 64:
            raise BackupError(f"Baris {MANIFEST} tidak sah: {line!r}")
        path = PurePosixPath(member)
        if path.is_absolute() or ".." in path.parts:
            raise BackupError(f"Nama tidak aman di dalam arsip: {member!r}")
        expected[member] = digest
    if DUMP not in expected:
        raise BackupError("Arsip tidak memuat cadangan basis data.")
    members = {m.name: m for m in archive.getmembers()}
    for member, digest in expected.items():
        info = members.get(member)
        if info is None or not info.isfile():
            raise BackupError(f"{member} tercantum di daftar periksa tetapi tidak ada di arsip.")
        if _sha256(archive.extractfile(info)) != digest:
            raise BackupError(f"Checksum {member} tidak cocok: arsip rusak.")
    unlisted = set(members) - set(expected) - {MANIFEST}
    if unlisted:
        listed = ", ".join(sorted(unlisted))
        raise BackupError(f"Isi arsip yang tidak tercantum di daftar periksa: {listed}")
    return expected


def restore_backup(
    path: Path, *, database: dict, storage: Storage, replace: bool = False
) -> dict[str, int]:
    """Restore `path` into `database` and `storage`. A database that already has tables is
    replaced only with `replace=True`. Returns {"tables": n, "files": n}."""
    try:
        archive = tarfile.open(path, mode="r:")  # noqa: SIM115 -- closed by the with below
    except (OSError, tarfile.TarError) as error:
        raise BackupError(f"{path} tidak dapat dibaca: {error}") from None
    with archive:
        expected = read_manifest(archive)
        existing = table_count(database)
        if existing and not replace:
            raise BackupError(
                f"Basis data {database['NAME']!r} sudah berisi {existing} tabel. Pemulihan "
                "mengganti datanya: ulangi dengan konfirmasi (make restore ... CONFIRM=yes, atau "
                "manage.py restore --replace)."
            )
        with tempfile.TemporaryDirectory() as scratch:
            dump = Path(scratch) / DUMP
            with archive.extractfile(DUMP) as source, dump.open("wb") as local:
                shutil.copyfileobj(source, local, CHUNK)
            command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"]
            command += ["--single-transaction", "--dbname", database["NAME"]]
            if existing:
                command += ["--clean", "--if-exists"]
            result = _run([*command, str(dump)], database)
            if result.returncode != 0:
                raise BackupError(f"pg_restore gagal: {result.stderr.strip()}")
        files = [member for member in expected if member.startswith(FILES)]
        for member in files:
            _restore_file(archive, storage, member, expected[member])
    return {"tables": table_count(database), "files": len(files)}


def _run(command: list[str], database) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(command, env=libpq_env(database), capture_output=True, text=True)
    except FileNotFoundError as error:
        # A database given by DATABASE_URL: no local cluster brought the client tools along.
        raise BackupError(
            f"{command[0]} tidak ditemukan: pasang alat klien PostgreSQL "
            "(Debian: apt-get install postgresql-client)."
        ) from error


def _restore_file(archive: tarfile.TarFile, storage: Storage, member: str, digest: str) -> None:
    name = member.removeprefix(FILES)
    if storage.exists(name):
        storage.delete(name)
    with archive.extractfile(member) as source:
        saved = storage.save(name, File(source, name=name))
    if saved != name:
        raise BackupError(f"Penyimpanan berkas menyimpan {name} sebagai {saved}.")
    with storage.open(name, "rb") as handle:
        if _sha256(handle) != digest:
            raise BackupError(f"{name} yang tersimpan tidak cocok dengan checksum-nya.")
