from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from directory.services import (
    BoundaryImportError,
    read_boundary_collection,
    region_boundaries_load,
)


class Command(BaseCommand):
    help = (
        "Load region outlines from a GeoJSON FeatureCollection whose features carry the "
        "Kemendagri code (e.g. 35.17.08) in a property. All or nothing: one bad feature refuses "
        "the file. Regions without a centre get the outline's centroid."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="a .geojson file")
        parser.add_argument(
            "--property",
            default="kode",
            help="the feature property holding the Kemendagri code (default: kode)",
        )

    def handle(self, *args, **options):
        path = options["path"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Berkas {path} tidak dapat dibaca: {error.strerror}.") from error
        try:
            collection = read_boundary_collection(data)
            result = region_boundaries_load(
                collection=collection, code_property=options["property"]
            )
        except BoundaryImportError as error:
            raise CommandError("\n".join(error.messages)) from error
        self.stdout.write(f"Batas wilayah dimuat: {len(result.updated)} wilayah.")
        if result.unknown:
            self.stdout.write(result.skipped_note())
