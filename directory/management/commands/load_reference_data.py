import csv
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.management.base import BaseCommand
from directory.models import Region
from directory.services import reference_agencies_load, region_centres_load

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "reference"


class Command(BaseCommand):
    help = gettext_lazy(
        "Membuat instansi yang lazim ada dalam Tim Terpadu kabupaten dan satu kantor per "
        "kecamatan, serta titik tengah rujukan kecamatan dan desa (untuk peta) bila kabupaten "
        "punya daftarnya. Instansi dan titik tengah yang sudah ada dibiarkan. Jalankan "
        "import_regions lebih dulu."
    )

    def handle(self, *args, **options):
        code = settings.PORTAL_REGION_CODE
        regency = Region.objects.filter(code=code).first()
        if regency is None:
            raise CommandError(
                _("Wilayah %(code)s belum dimuat: jalankan `manage.py import_regions`.")
                % {"code": code}
            )
        # A regency-specific list (real local names) wins over the generic one.
        path = REFERENCE_DIR / f"agencies-{code}.csv"
        if not path.exists():
            path = REFERENCE_DIR / "agencies.csv"
        with path.open(newline="", encoding="utf-8") as handle:
            created = reference_agencies_load(regency=regency, rows=list(csv.DictReader(handle)))
        self.stdout.write(_("Instansi rujukan: %(count)s dibuat.") % {"count": created})
        # Approximate kecamatan and desa centres, each row citing the public page it was read
        # from (the `sumber` column, see reference/README.md); the map falls back on them for
        # reports without coordinates.
        centres = REFERENCE_DIR / f"centres-{code}.csv"
        if centres.exists():
            with centres.open(newline="", encoding="utf-8") as handle:
                placed = region_centres_load(rows=list(csv.DictReader(handle)))
            self.stdout.write(
                _("Titik tengah rujukan: %(count)s wilayah ditempatkan.") % {"count": placed}
            )
