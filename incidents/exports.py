"""CSV and Excel exports of exactly the filtered rows. Rows are read with a server-side cursor
(`iterator`) and written out as they come, so memory stays flat however many rows there are."""

import csv
import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.utils import spreadsheet_safe

CHUNK = 500


def columns():
    """(header, getter) pairs, in the order of the export."""

    def local(value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    def count(value):
        return "" if value is None else value  # unknown stays empty, zero stays 0

    return [
        (_("Nomor laporan"), lambda i: i.reference),
        (_("Jenis"), lambda i: i.get_kind_display()),
        (_("Judul"), lambda i: i.title),
        (_("Waktu kejadian"), lambda i: local(i.occurred_at)),
        (_("Ketepatan waktu"), lambda i: i.get_occurred_precision_display()),
        (_("Kecamatan"), lambda i: i.kecamatan.name),
        (_("Desa/kelurahan"), lambda i: i.desa.name if i.desa else ""),
        (_("Alamat"), lambda i: i.address),
        (_("Lintang"), lambda i: "" if i.latitude is None else str(i.latitude)),
        (_("Bujur"), lambda i: "" if i.longitude is None else str(i.longitude)),
        (_("Sumber informasi"), lambda i: i.get_information_source_display()),
        (_("Sumber konflik"), lambda i: i.get_conflict_source_display()),
        (_("Aspek"), lambda i: i.get_aspect_display()),
        (_("Bentuk"), lambda i: i.get_form_display()),
        (_("Meninggal"), lambda i: count(i.killed)),
        (_("Luka"), lambda i: count(i.injured)),
        (_("Mengungsi"), lambda i: count(i.displaced)),
        (_("Rumah rusak"), lambda i: count(i.houses_damaged)),
        (_("Fasilitas umum rusak"), lambda i: count(i.public_facilities_damaged)),
        (_("Rumah ibadah rusak"), lambda i: count(i.worship_places_damaged)),
        (_("Kerugian (Rp)"), lambda i: count(i.loss_rupiah)),
        (_("Risiko"), lambda i: i.get_risk_level_display() if i.risk_level else ""),
        (_("Tahap"), lambda i: i.get_stage_display()),
        (_("Status"), lambda i: i.get_status_display()),
        (_("Penyelesaian"), lambda i: i.get_resolution_display() if i.resolution else ""),
        (_("Kerahasiaan"), lambda i: i.get_confidentiality_display()),
        (_("Pelapor"), lambda i: i.reported_by.get_full_name() or i.reported_by.username),
        (_("Dilaporkan pada"), lambda i: local(i.reported_at)),
    ]


def rows(queryset):
    cols = columns()
    yield [str(header) for header, _getter in cols]
    for incident in queryset.iterator(chunk_size=CHUNK):
        yield [_plain(getter(incident)) for _header, getter in cols]


def _plain(value):
    # Choice labels are lazy translations; spreadsheet writers want plain values.
    return spreadsheet_safe(str(value) if isinstance(value, Promise) else value)


class _Echo:
    """A file-like object that hands back what csv.writer writes to it."""

    def write(self, value):
        return value


def csv_response(queryset, filename):
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff"  # BOM, so Excel opens the UTF-8 file with the right characters
        for row in rows(queryset):
            yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(queryset, filename):
    # openpyxl's write-only mode keeps only the current row in memory and spools the sheet to
    # disk; the finished file is streamed from a temporary file that is gone once closed.
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Laporan"))
    for row in rows(queryset):
        sheet.append(row)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it
    book.save(handle)
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
