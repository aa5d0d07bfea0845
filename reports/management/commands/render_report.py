"""Render an official document to a PDF file from the command line, e.g.

    manage.py render_report --kind period --year 2024 --period B08 --output b08.pdf

The file is a draft (watermarked "DRAF") unless --final is given; issuing with an archive entry
happens only in the portal, where the issuer is known. Same templates and bounds as the portal.
"""

from pathlib import Path

from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from reports import documents
from reports.choices import ReportKind
from reports.rendering import RenderError


class Command(BaseCommand):
    help = "Buat PDF laporan resmi (periode, tahunan, atau naskah RAT)."

    def add_arguments(self, parser):
        parser.add_argument("--kind", required=True, choices=ReportKind.values)
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--period", default="", help="Kode periode, mis. B08.")
        parser.add_argument("--output", required=True, help="Berkas PDF yang ditulis.")
        parser.add_argument("--final", action="store_true", help="Tanpa tanda DRAF.")

    def handle(self, *args, kind, year, period, output, final, **options):
        if not 2012 <= year <= 2100:
            raise CommandError("Tahun harus antara 2012 dan 2100.")
        if kind == ReportKind.PERIOD and not period:
            raise CommandError("Laporan periode memerlukan --period, mis. --period B08.")
        if kind != ReportKind.PERIOD and period:
            raise CommandError("--period hanya untuk --kind period.")
        target = Path(output)
        if not target.parent.is_dir():
            raise CommandError(f"Folder {target.parent} tidak ada.")
        try:
            document = documents.build(kind, year, period)
            content = document.pdf(draft=not final)
        except (documents.DocumentUnavailable, RenderError) as error:
            raise CommandError(str(error.message)) from None
        target.write_bytes(content)
        self.stdout.write(
            _("%(title)s: %(path)s (%(size)s byte)")
            % {"title": document.title, "path": target, "size": intcomma(len(content))}
        )
