"""The report export's columns read in plain Python: the reference the SQL that PostgreSQL
runs for the exports (`incidents.exports`) is held to. The CSV must be the bytes Python's csv
module writes of these values, the workbook must hold the same values."""

import csv
from collections import defaultdict, namedtuple
from dataclasses import replace
from itertools import islice
from operator import attrgetter

from django.http import HttpResponse
from django.utils.translation import gettext as _

from core import sheets
from incidents import exports
from incidents.models import HandlingStep, Incident, Party

CHUNK = 500

# What each report's row holds: plain values named as the getters read them.
ROW_FIELDS = {
    "pk": "pk",
    "reference": "reference",
    "kind": "kind",
    "title": "title",
    "occurred_at": "occurred_at",
    "occurred_precision": "occurred_precision",
    "kecamatan_name": "kecamatan__name",
    "desa_name": "desa__name",
    "address": "address",
    "latitude": "latitude",
    "longitude": "longitude",
    "information_source": "information_source",
    "conflict_source": "conflict_source",
    "aspect": "aspect",
    "form": "form",
    "killed": "killed",
    "injured": "injured",
    "displaced": "displaced",
    "houses_damaged": "houses_damaged",
    "public_facilities_damaged": "public_facilities_damaged",
    "worship_places_damaged": "worship_places_damaged",
    "loss_rupiah": "loss_rupiah",
    "risk_level": "risk_level",
    "stage": "stage",
    "status": "status",
    "resolution": "resolution",
    "confidentiality": "confidentiality",
    "reporter_first_name": "reported_by__first_name",
    "reporter_last_name": "reported_by__last_name",
    "reporter_username": "reported_by__username",
    "reported_at": "reported_at",
}
# One exported report: its values, its parties and its handling steps (`Step`, by date).
Row = namedtuple("Row", [*ROW_FIELDS, "parties", "steps"])
PartyRow = namedtuple("PartyRow", "name party_type estimated_size")
Step = namedtuple("Step", "date action_type description agencies")


def _labels(model, name):
    """The value's label, or the value itself when it is not a choice (as get_FOO_display())."""
    labels = exports._label_map(model, name)
    return lambda value: labels.get(value, value)


def _choice(name):
    labels = exports._label_map(Incident, name)
    return lambda row: labels.get(getattr(row, name), getattr(row, name))


def getters() -> dict:
    """Each column's value read from a `Row`, by the column's header."""
    party_type = _labels(Party, "party_type")
    action_type = _labels(HandlingStep, "action_type")

    def last_step(i):
        return i.steps[-1] if i.steps else None

    def parties(i):
        names = []
        for party in i.parties:
            size = f", ±{party.estimated_size}" if party.estimated_size is not None else ""
            names.append(f"{party.name} ({party_type(party.party_type)}{size})")
        return "; ".join(names)

    def agencies(i):
        seen = {}
        for step in i.steps:
            for agency_id, name in step.agencies:
                seen.setdefault(agency_id, name)
        return "; ".join(seen.values())

    def last_step_text(i):
        step = last_step(i)
        if step is None:
            return ""
        return f"{action_type(step.action_type)}: {step.description}"[:500]

    def reporter(i):
        # As User.get_full_name(), or the username.
        full_name = f"{i.reporter_first_name} {i.reporter_last_name}".strip()
        return full_name or i.reporter_username

    return {
        _("Nomor laporan"): attrgetter("reference"),
        _("Jenis"): _choice("kind"),
        _("Judul"): attrgetter("title"),
        _("Waktu kejadian"): lambda i: exports.occurred_cell(i.occurred_at, i.occurred_precision),
        _("Ketepatan waktu"): _choice("occurred_precision"),
        _("Kecamatan"): attrgetter("kecamatan_name"),
        _("Desa/kelurahan"): lambda i: i.desa_name or "",
        _("Alamat"): attrgetter("address"),
        _("Lintang"): attrgetter("latitude"),
        _("Bujur"): attrgetter("longitude"),
        _("Sumber informasi"): _choice("information_source"),
        _("Sumber konflik"): _choice("conflict_source"),
        _("Aspek"): _choice("aspect"),
        _("Bentuk"): _choice("form"),
        _("Pihak"): parties,
        _("Meninggal"): attrgetter("killed"),
        _("Luka"): attrgetter("injured"),
        _("Mengungsi"): attrgetter("displaced"),
        _("Rumah rusak"): attrgetter("houses_damaged"),
        _("Fasilitas umum rusak"): attrgetter("public_facilities_damaged"),
        _("Rumah ibadah rusak"): attrgetter("worship_places_damaged"),
        _("Kerugian (Rp)"): attrgetter("loss_rupiah"),
        _("Risiko"): _choice("risk_level"),
        _("Tahap"): _choice("stage"),
        _("Status"): _choice("status"),
        _("Penyelesaian"): _choice("resolution"),
        _("Kerahasiaan"): _choice("confidentiality"),
        _("Instansi penanganan"): agencies,
        _("Jumlah tindak lanjut"): lambda i: len(i.steps),
        _("Tanggal tindak lanjut terakhir"): lambda i: last_step(i).date if i.steps else None,
        _("Tindak lanjut terakhir"): last_step_text,
        _("Pelapor"): reporter,
        _("Dilaporkan pada"): attrgetter("reported_at"),
    }


def columns() -> list[sheets.Column]:
    """The export's columns (headers, kinds, widths), each reading its value in Python."""
    by_header = getters()
    return [replace(column, get=by_header[column.header]) for column in exports.columns()]


def items(queryset):
    """The reports as `Row`s, read a chunk at a time through a server-side cursor, with one
    query per chunk for their parties, their steps and the steps' agencies."""
    values = queryset.values_list(*ROW_FIELDS.values()).iterator(chunk_size=CHUNK)
    while chunk := list(islice(values, CHUNK)):
        parties, steps = related(ids=[row[0] for row in chunk])
        for row in chunk:
            yield Row(*row, parties.get(row[0], ()), steps.get(row[0], ()))


def related(ids):
    parties, steps, agencies = defaultdict(list), defaultdict(list), defaultdict(list)
    party_rows = Party.objects.filter(incident_id__in=ids).order_by("pk")
    for incident_id, *party in party_rows.values_list(
        "incident_id", "name", "party_type", "estimated_size"
    ):
        parties[incident_id].append(PartyRow(*party))
    step_rows = list(
        HandlingStep.objects.filter(incident_id__in=ids)
        .order_by("date", "pk")
        .values_list("pk", "incident_id", "date", "action_type", "description")
    )
    links = HandlingStep.agencies.through.objects.filter(
        handlingstep_id__in=[step[0] for step in step_rows]
    ).order_by("agency__name")
    for step_id, agency_id, acronym, name in links.values_list(
        "handlingstep_id", "agency_id", "agency__acronym", "agency__name"
    ):
        agencies[step_id].append((agency_id, acronym or name))
    for step_id, incident_id, *step in step_rows:
        steps[incident_id].append(Step(*step, agencies[step_id]))
    return parties, steps


def csv_response(queryset, filename, *, delimiter=","):
    """What `exports.csv_response` sends, written row by row by Python's csv module."""
    writer = csv.writer(exports._Echo(), delimiter=delimiter)
    decimal_separator = "," if delimiter == ";" else "."
    cols = columns()
    lines = ["\ufeff" + writer.writerow([sheets.text_cell(c.header) for c in cols])]
    for item in items(queryset):
        cells = [sheets.text_cell(c.get(item), decimal_separator=decimal_separator) for c in cols]
        lines.append(writer.writerow(cells))
    return HttpResponse("".join(lines))


def stream_xlsx(title, columns_, queryset):
    """What `sheets.stream_xlsx_query` streams, with the rows written by Python."""
    by_header = {column.header: column for column in columns()}
    return sheets.stream_xlsx(title, [by_header[c.header] for c in columns_], items(queryset))
