from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore an archive made by `manage.py backup` into the configured database and file "
        "store, after verifying every checksum. A database that already has tables is replaced "
        "only with --replace."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace the data of a database that is not empty.",
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
            f"Restored {counts['tables']} tables and {counts['files']} files from {archive}."
        )
