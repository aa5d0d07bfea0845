from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Cadangkan basis data (pg_dump, format custom) dan setiap berkas unggahan, dengan daftar "
        "checksum, ke satu arsip bertanda waktu (folder bawaan: backups/)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            default=str(settings.BASE_DIR / "backups"),
            help="Folder tempat arsip ditulis.",
        )

    def handle(self, *args, output_dir, **options):
        try:
            path = create_backup(
                database=connections[DEFAULT_DB_ALIAS].settings_dict,
                storage=default_storage,
                output_dir=Path(output_dir),
            )
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Cadangan tersimpan: {path}")
