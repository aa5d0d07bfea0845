from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Pulihkan arsip buatan `manage.py backup` ke basis data dan penyimpanan berkas yang "
        "dikonfigurasi, setelah setiap checksum diperiksa. Basis data yang sudah berisi tabel "
        "hanya diganti dengan --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Arsip portal-<waktu>.tar yang dipulihkan.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Ganti data basis data yang tidak kosong.",
        )

    def handle(self, *args, archive, replace, **options):
        connection = connections[DEFAULT_DB_ALIAS]
        connection.close()  # pg_restore --clean must not wait on this process's locks
        try:
            counts = restore_backup(
                Path(archive),
                database=connection.settings_dict,
                storage=default_storage,
                replace=replace,
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Dipulihkan: {counts['tables']} tabel dan {counts['files']} berkas dari {archive}."
        )
