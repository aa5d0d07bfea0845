"""CSV and Excel exports of exactly the filtered rows, streamed as they come, so memory stays
flat however many rows there are and the first bytes leave at once.

Each column is defined twice, side by side in `columns()`: as a Python getter over a `Row` (the
readable definition) and as SQL over the report's row (`Column.sql`). PostgreSQL writes the
files' rows from the SQL (`core.sheets.copy_csv`, `core.sheets.stream_xlsx_query`): Python cost
several µs a cell, and 100,000 reports are 3.3 million cells. The getters and `_items` are the
reference the tests hold the SQL to (tests/incidents/test_exports.py): the CSV must be the same
bytes, the workbook the same values."""

import csv
from collections import defaultdict, namedtuple
from itertools import islice
from operator import attrgetter

from django.db.models import F
from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _

from core import sheets
from core.sheets import DATE, DATETIME, NUMBER, Column, Sql
from incidents.models import HandlingStep, Incident, Party

CHUNK = 500
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _label_map(model, name) -> dict:
    """The field's choice labels, translated once per export rather than once per cell
    (`get_FOO_display()` looks the label up and translates it on every call)."""
    field = model._meta.get_field(name)
    field = getattr(field, "output_field", field)  # a generated column's choices are there
    return {value: str(label) for value, label in field.flatchoices}


def _labels(model, name):
    """The value's label, or the value itself when it is not a choice (as get_FOO_display())."""
    labels = _label_map(model, name)
    return lambda value: labels.get(value, value)


def _choice(name):
    """A column getter: the label of the report's field `name`; no value stays empty."""
    labels = _label_map(Incident, name)

    def get(row):
        value = getattr(row, name)
        return labels.get(value, value)

    return get


# The same columns for the CSV, which PostgreSQL writes (`core.sheets.copy_csv`): each as SQL over
# the exported report's row, with its related rows read by correlated subqueries.
PARTIES = Party._meta.db_table
STEPS = HandlingStep._meta.db_table
STEP_AGENCIES = HandlingStep.agencies.through._meta.db_table
AGENCIES = HandlingStep.agencies.field.related_model._meta.db_table


def _sql_choice(name) -> Sql:
    return sheets.sql_labels(F(name), _label_map(Incident, name))


def _sql_parties() -> Sql:
    """As `parties` below: "name (type, ±size)" by the order they were added, `; ` between."""
    party_type, labels = sheets.label_case("p.party_type", _label_map(Party, "party_type"))
    return Sql(
        f"(SELECT string_agg(p.name || ' (' || {party_type}"
        " || COALESCE(', ±' || p.estimated_size::text, '') || ')', '; ' ORDER BY p.id)"
        f" FROM {PARTIES} p WHERE p.incident_id = %s)",
        *labels,
        F("pk"),
    )


def _if_steps(subquery, otherwise=None) -> Sql:
    """`subquery` over the report's steps, or `otherwise` without running it for a report that
    has none (the database-kept `has_steps`): about half the reports at scale."""
    return Sql("CASE WHEN %s THEN %s ELSE %s END", F("has_steps"), subquery, otherwise)


def _sql_agencies() -> Sql:
    """As `agencies` below: each agency once (acronym, or name), in the order of the first step
    naming it (steps by date; a step's agencies by name)."""
    return _if_steps(
        Sql(
            "(SELECT string_agg(a.label, '; ' ORDER BY a.date, a.step_id, a.name) FROM ("
            " SELECT DISTINCT ON (ag.id) COALESCE(NULLIF(ag.acronym, ''), ag.name) AS label,"
            " s.date, s.id AS step_id, ag.name"
            f" FROM {STEPS} s JOIN {STEP_AGENCIES} l ON l.handlingstep_id = s.id"
            f" JOIN {AGENCIES} ag ON ag.id = l.agency_id"
            " WHERE s.incident_id = %s ORDER BY ag.id, s.date, s.id) a)",
            F("pk"),
        )
    )


def _sql_last_step(expression, *args) -> Sql:
    """`expression` (over the step `s`, with `args` for its `%s`) of the report's last step."""
    return _if_steps(
        Sql(
            f"(SELECT {expression} FROM {STEPS} s WHERE s.incident_id = %s"
            " ORDER BY s.date DESC, s.id DESC LIMIT 1)",
            *args,
            F("pk"),
        )
    )


# What each exported row reads from the database, in one query per chunk of rows: plain values
# rather than model instances (building 100,000 Incidents, each with its kecamatan, desa and
# author, was most of an export's time), named as the columns read them.
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


def columns() -> list[Column]:
    """The export's columns, in order. Unknown counts stay empty, zero stays 0."""
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

    action_type_sql, action_labels = sheets.label_case(
        "s.action_type", _label_map(HandlingStep, "action_type")
    )
    return [
        Column(_("Nomor laporan"), attrgetter("reference"), width=16, sql=F("reference")),
        Column(_("Jenis"), _choice("kind"), width=10, sql=_sql_choice("kind")),
        Column(_("Judul"), attrgetter("title"), width=40, sql=F("title")),
        Column(_("Waktu kejadian"), attrgetter("occurred_at"), DATETIME, 17, F("occurred_at")),
        Column(
            _("Ketepatan waktu"),
            _choice("occurred_precision"),
            sql=_sql_choice("occurred_precision"),
        ),
        Column(_("Kecamatan"), attrgetter("kecamatan_name"), width=16, sql=F("kecamatan__name")),
        Column(_("Desa/kelurahan"), lambda i: i.desa_name or "", width=16, sql=F("desa__name")),
        Column(_("Alamat"), attrgetter("address"), width=30, sql=F("address")),
        Column(_("Lintang"), attrgetter("latitude"), NUMBER, 11, F("latitude")),
        Column(_("Bujur"), attrgetter("longitude"), NUMBER, 11, F("longitude")),
        Column(
            _("Sumber informasi"),
            _choice("information_source"),
            width=18,
            sql=_sql_choice("information_source"),
        ),
        Column(
            _("Sumber konflik"),
            _choice("conflict_source"),
            width=24,
            sql=_sql_choice("conflict_source"),
        ),
        Column(_("Aspek"), _choice("aspect"), sql=_sql_choice("aspect")),
        Column(_("Bentuk"), _choice("form"), width=18, sql=_sql_choice("form")),
        Column(_("Pihak"), parties, width=40, sql=_sql_parties()),
        Column(_("Meninggal"), attrgetter("killed"), NUMBER, 11, F("killed")),
        Column(_("Luka"), attrgetter("injured"), NUMBER, 9, F("injured")),
        Column(_("Mengungsi"), attrgetter("displaced"), NUMBER, 11, F("displaced")),
        Column(_("Rumah rusak"), attrgetter("houses_damaged"), NUMBER, 11, F("houses_damaged")),
        Column(
            _("Fasilitas umum rusak"),
            attrgetter("public_facilities_damaged"),
            NUMBER,
            sql=F("public_facilities_damaged"),
        ),
        Column(
            _("Rumah ibadah rusak"),
            attrgetter("worship_places_damaged"),
            NUMBER,
            sql=F("worship_places_damaged"),
        ),
        Column(_("Kerugian (Rp)"), attrgetter("loss_rupiah"), NUMBER, 16, F("loss_rupiah")),
        Column(
            _("Risiko"),
            _choice("risk_level"),
            width=12,
            sql=_sql_choice("risk_level"),
        ),
        Column(_("Tahap"), _choice("stage"), sql=_sql_choice("stage")),
        Column(_("Status"), _choice("status"), width=12, sql=_sql_choice("status")),
        Column(_("Penyelesaian"), _choice("resolution"), sql=_sql_choice("resolution")),
        Column(
            _("Kerahasiaan"),
            _choice("confidentiality"),
            width=18,
            sql=_sql_choice("confidentiality"),
        ),
        Column(_("Instansi penanganan"), agencies, width=30, sql=_sql_agencies()),
        Column(
            _("Jumlah tindak lanjut"),
            lambda i: len(i.steps),
            NUMBER,
            11,
            _if_steps(
                Sql(f"(SELECT count(*) FROM {STEPS} s WHERE s.incident_id = %s)", F("pk")), 0
            ),
        ),
        Column(
            _("Tanggal tindak lanjut terakhir"),
            lambda i: last_step(i).date if i.steps else None,
            DATE,
            12,
            _sql_last_step("s.date"),
        ),
        Column(
            _("Tindak lanjut terakhir"),
            last_step_text,
            width=40,
            sql=_sql_last_step(
                f"left({action_type_sql} || ': ' || s.description, 500)", *action_labels
            ),
        ),
        Column(
            _("Pelapor"),
            reporter,
            width=20,
            sql=Sql(
                "COALESCE(NULLIF(btrim(%s || ' ' || %s, %s), ''), %s)",
                F("reported_by__first_name"),
                F("reported_by__last_name"),
                sheets.WHITESPACE,
                F("reported_by__username"),
            ),
        ),
        Column(_("Dilaporkan pada"), attrgetter("reported_at"), DATETIME, 17, F("reported_at")),
    ]


def _items(queryset):
    """The reports as `Row`s, read a chunk at a time through a server-side cursor, with one
    query per chunk for their parties, their steps and the steps' agencies."""
    values = queryset.values_list(*ROW_FIELDS.values()).iterator(chunk_size=CHUNK)
    while chunk := list(islice(values, CHUNK)):
        parties, steps = _related(ids=[row[0] for row in chunk])
        for row in chunk:
            yield Row(*row, parties.get(row[0], ()), steps.get(row[0], ()))


def _related(ids):
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
    """CSV with `,` and ISO dates, or with `;`, decimal commas and DD/MM/YYYY dates: what Excel
    set to Indonesian opens into columns and reads as numbers. The header is written here, the
    rows by PostgreSQL (`core.sheets.copy_csv`), byte for byte what Python's csv module wrote."""
    writer = csv.writer(_Echo(), delimiter=delimiter)
    cols = columns()

    def stream():
        # BOM, so Excel opens the UTF-8 file with the right characters.
        yield ("\ufeff" + writer.writerow([sheets.text_cell(c.header) for c in cols])).encode()
        yield from sheets.copy_csv(queryset, cols, delimiter=delimiter)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


class _Echo:
    """A file-like object that hands back what csv.writer writes to it."""

    def write(self, value):
        return value


def xlsx_response(queryset, filename):
    """The workbook streamed as it is written (`core.sheets.stream_xlsx`): the first bytes leave
    after the first chunk of rows, not after the last."""
    stream = sheets.stream_xlsx_query(_("Laporan"), columns(), queryset)
    response = StreamingHttpResponse(stream, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
