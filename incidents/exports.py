"""CSV and Excel exports of exactly the filtered rows. Rows are read with a server-side cursor
(`iterator`) and written out as they come, so memory stays flat however many rows there are;
parties and handling steps are prefetched per chunk of rows, never per row."""

import csv
import tempfile
from collections import defaultdict
from itertools import islice

from django.http import FileResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core import sheets
from core.sheets import DATE, DATETIME, NUMBER, Column
from incidents.models import HandlingStep, Incident, Party

CHUNK = 500
CHOICE_FIELDS = (
    "kind",
    "occurred_precision",
    "information_source",
    "conflict_source",
    "aspect",
    "form",
    "risk_level",
    "stage",
    "status",
    "resolution",
    "confidentiality",
)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _labels(model, name):
    """The field's choice labels, translated once per export rather than once per cell
    (`get_FOO_display()` looks the label up and translates it on every call): the value's
    label, or the value itself when it is not a choice, as get_FOO_display() does."""
    field = model._meta.get_field(name)
    field = getattr(field, "output_field", field)  # a generated column's choices are there
    labels = {value: str(label) for value, label in field.flatchoices}
    return lambda value: labels.get(value, value)


def columns() -> list[Column]:
    """The export's columns, in order. Unknown counts stay empty, zero stays 0."""
    label = {name: _labels(Incident, name) for name in CHOICE_FIELDS}
    party_type = _labels(Party, "party_type")
    action_type = _labels(HandlingStep, "action_type")

    def steps(i):
        return i.export_steps  # read per chunk, ordered by date

    def last_step(i):
        done = steps(i)
        return done[len(done) - 1] if done else None

    def parties(i):
        names = []
        for party in i.export_parties:
            size = f", ±{party.estimated_size}" if party.estimated_size is not None else ""
            names.append(f"{party.name} ({party_type(party.party_type)}{size})")
        return "; ".join(names)

    def agencies(i):
        seen = {}
        for step in steps(i):
            for agency_id, name in step.export_agencies:
                seen.setdefault(agency_id, name)
        return "; ".join(seen.values())

    def last_step_text(i):
        step = last_step(i)
        if step is None:
            return ""
        return f"{action_type(step.action_type)}: {step.description}"[:500]

    return [
        Column(_("Nomor laporan"), lambda i: i.reference, width=16),
        Column(_("Jenis"), lambda i: label["kind"](i.kind), width=10),
        Column(_("Judul"), lambda i: i.title, width=40),
        Column(_("Waktu kejadian"), lambda i: i.occurred_at, DATETIME, 17),
        Column(_("Ketepatan waktu"), lambda i: label["occurred_precision"](i.occurred_precision)),
        Column(_("Kecamatan"), lambda i: i.kecamatan.name, width=16),
        Column(_("Desa/kelurahan"), lambda i: i.desa.name if i.desa else "", width=16),
        Column(_("Alamat"), lambda i: i.address, width=30),
        Column(_("Lintang"), lambda i: i.latitude, NUMBER, 11),
        Column(_("Bujur"), lambda i: i.longitude, NUMBER, 11),
        Column(
            _("Sumber informasi"),
            lambda i: label["information_source"](i.information_source),
            width=18,
        ),
        Column(
            _("Sumber konflik"), lambda i: label["conflict_source"](i.conflict_source), width=24
        ),
        Column(_("Aspek"), lambda i: label["aspect"](i.aspect)),
        Column(_("Bentuk"), lambda i: label["form"](i.form), width=18),
        Column(_("Pihak"), parties, width=40),
        Column(_("Meninggal"), lambda i: i.killed, NUMBER, 11),
        Column(_("Luka"), lambda i: i.injured, NUMBER, 9),
        Column(_("Mengungsi"), lambda i: i.displaced, NUMBER, 11),
        Column(_("Rumah rusak"), lambda i: i.houses_damaged, NUMBER, 11),
        Column(_("Fasilitas umum rusak"), lambda i: i.public_facilities_damaged, NUMBER),
        Column(_("Rumah ibadah rusak"), lambda i: i.worship_places_damaged, NUMBER),
        Column(_("Kerugian (Rp)"), lambda i: i.loss_rupiah, NUMBER, 16),
        Column(
            _("Risiko"),
            lambda i: label["risk_level"](i.risk_level) if i.risk_level else "",
            width=12,
        ),
        Column(_("Tahap"), lambda i: label["stage"](i.stage)),
        Column(_("Status"), lambda i: label["status"](i.status), width=12),
        Column(
            _("Penyelesaian"), lambda i: label["resolution"](i.resolution) if i.resolution else ""
        ),
        Column(_("Kerahasiaan"), lambda i: label["confidentiality"](i.confidentiality), width=18),
        Column(_("Instansi penanganan"), agencies, width=30),
        Column(_("Jumlah tindak lanjut"), lambda i: len(steps(i)), NUMBER, 11),
        Column(
            _("Tanggal tindak lanjut terakhir"),
            lambda i: last_step(i).date if last_step(i) else None,
            DATE,
            12,
        ),
        Column(_("Tindak lanjut terakhir"), last_step_text, width=40),
        Column(
            _("Pelapor"),
            lambda i: i.reported_by.get_full_name() or i.reported_by.username,
            width=20,
        ),
        Column(_("Dilaporkan pada"), lambda i: i.reported_at, DATETIME, 17),
    ]


def _items(queryset):
    """The reports with their parties and steps, read a chunk at a time: one query per chunk for
    each, into plain lists. (Django's prefetch keeps references from each cached list back to
    its owner, which kept memory growing with the number of rows.)"""
    rows = (
        queryset.select_related("kecamatan", "desa", "reported_by")
        # Not exported: the chronology (kilobytes each), the search vector, the rejection reason.
        .defer("chronology", "search_document", "rejection_reason")
        .iterator(chunk_size=CHUNK)
    )
    while chunk := list(islice(rows, CHUNK)):
        _attach_related(chunk)
        yield from chunk


def _attach_related(chunk):
    ids = [incident.pk for incident in chunk]
    parties, steps, agencies = defaultdict(list), defaultdict(list), defaultdict(list)
    for party in Party.objects.filter(incident_id__in=ids).order_by("pk"):
        parties[party.incident_id].append(party)
    step_list = list(HandlingStep.objects.filter(incident_id__in=ids).order_by("date", "pk"))
    links = HandlingStep.agencies.through.objects.filter(
        handlingstep_id__in=[step.pk for step in step_list]
    ).order_by("agency__name")
    for step_id, agency_id, acronym, name in links.values_list(
        "handlingstep_id", "agency_id", "agency__acronym", "agency__name"
    ):
        agencies[step_id].append((agency_id, acronym or name))
    for step in step_list:
        step.export_agencies = agencies[step.pk]
        steps[step.incident_id].append(step)
    for incident in chunk:
        incident.export_parties = parties[incident.pk]
        incident.export_steps = steps[incident.pk]


class _Echo:
    """A file-like object that hands back what csv.writer writes to it."""

    def write(self, value):
        return value


def csv_response(queryset, filename, *, delimiter=","):
    """CSV with `,` and ISO dates, or with `;`, decimal commas and DD/MM/YYYY dates: what Excel
    set to Indonesian opens into columns and reads as numbers."""
    writer = csv.writer(_Echo(), delimiter=delimiter)
    decimal_separator = "," if delimiter == ";" else "."
    cols = columns()

    def stream():
        yield "\ufeff"  # BOM, so Excel opens the UTF-8 file with the right characters
        yield writer.writerow([sheets.text_cell(c.header) for c in cols])
        for incident in _items(queryset):
            yield writer.writerow(
                [
                    sheets.text_cell(c.get(incident), decimal_separator=decimal_separator)
                    for c in cols
                ]
            )

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(queryset, filename):
    # openpyxl's write-only mode keeps only the current row in memory and spools the sheet to
    # disk; the finished file is streamed from a temporary file that is gone once closed.
    cols = columns()
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Laporan"))
    sheets.prepare(sheet, cols)
    sheet.append(sheets.header_row(sheet, cols))
    last_row = 1
    for incident in _items(queryset):
        sheet.append(sheets.data_row(sheet, cols, incident))
        last_row += 1
    sheets.finish(sheet, cols, last_row=last_row)
    handle = tempfile.TemporaryFile()  # noqa: SIM115 -- FileResponse closes it
    book.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=f"{filename}.xlsx", content_type=XLSX)
