import csv
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from directory.models import Region
from directory.services import reference_agencies_load, region_centres_load

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "reference"


class Command(BaseCommand):
    help = (
        "Create the agencies usually found in a kabupaten Tim Terpadu and one office per "
        "kecamatan, and the reference centres of the kecamatan and desa (for the map) where the "
        "regency has a list of them. Existing agencies and centres are kept as they are. Run "
        "import_regions first."
    )

    def handle(self, *args, **options):
        code = settings.PORTAL_REGION_CODE
        regency = Region.objects.filter(code=code).first()
        if regency is None:
            raise CommandError(f"Region {code} is not loaded: run `manage.py import_regions`.")
        # A regency-specific list (real local names) wins over the generic one.
        path = REFERENCE_DIR / f"agencies-{code}.csv"
        if not path.exists():
            path = REFERENCE_DIR / "agencies.csv"
        with path.open(newline="", encoding="utf-8") as handle:
            created = reference_agencies_load(regency=regency, rows=list(csv.DictReader(handle)))
        self.stdout.write(f"Reference agencies: {created} created.")
        # Approximate kecamatan and desa centres, each row citing the public page it was read
        # from (the `sumber` column, see reference/README.md); the map falls back on them for
        # reports without coordinates.
        centres = REFERENCE_DIR / f"centres-{code}.csv"
        if centres.exists():
            with centres.open(newline="", encoding="utf-8") as handle:
                placed = region_centres_load(rows=list(csv.DictReader(handle)))
            self.stdout.write(f"Reference centres: {placed} regions placed.")
