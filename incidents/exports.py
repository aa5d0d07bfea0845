"""CSV and Excel exports of exactly the filtered rows, streamed as they come, so memory stays
flat however many rows there are and the first bytes leave at once.

Each column is SQL over the exported report's row (`Column.sql`), and PostgreSQL writes the
files' rows (`core.sheets.copy_csv`, `core.sheets.stream_xlsx_query`): in Python a cell cost
several µs, and 100,000 reports are 3.3 million cells. The tests hold the SQL to a plain Python
reader of the same columns (tests/incidents/export_reference.py): the CSV must be the same bytes
Python's csv module writes, the workbook the same values."""

import csv

from django.db.models import F
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import sheets
from core.sheets import DATE, DATETIME, MOMENT, MONTH, NUMBER, Column, Sql
from incidents.choices import DatePrecision
from incidents.models import HandlingStep, Incident, Party

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _label_map(model, name) -> dict:
    """The field's choice labels, translated once per export rather than once per cell
    (`get_FOO_display()` looks the label up and translates it on every call)."""
    field = model._meta.get_field(name)
    field = getattr(field, "output_field", field)  # a generated column's choices are there
    return {value: str(label) for value, label in field.flatchoices}


# The report's related rows (parties, steps and their agencies) are read by correlated subqueries.
PARTIES = Party._meta.db_table
STEPS = HandlingStep._meta.db_table
STEP_AGENCIES = HandlingStep.agencies.through._meta.db_table
AGENCIES = HandlingStep.agencies.field.related_model._meta.db_table


def _sql_choice(name) -> Sql:
    return sheets.sql_labels(F(name), _label_map(Incident, name))


def _sql_parties() -> Sql:
    """The parties: "name (type, ±size)" in the order they were added, `; ` between."""
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
    """Each agency once (acronym, or name), in the order of the first step naming it (steps by
    date; a step's agencies by name)."""
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


def occurred_cell(occurred_at, precision):
    """When it happened, as precisely as it is known, as `Incident.occurred_label` says it: the
    month for a month (`sheets.Month`), the date for a week, and for a day the date and time,
    or the date alone at local midnight (a date given without a time). The Python form of
    `_sql_occurred_unit`."""
    local = timezone.localtime(occurred_at)
    if precision == DatePrecision.MONTH:
        return sheets.Month(local.year, local.month, 1)
    if precision == DatePrecision.WEEK or (local.hour, local.minute) == (0, 0):
        return local.date()
    return occurred_at


def _sql_occurred_unit() -> Sql:
    """What of the report's time its cell shows (`occurred_cell`): MONTH, DATE or DATETIME.
    Two values of the row, no lookup: the export stays one statement whatever its size."""
    return Sql(
        "CASE WHEN %s = %s THEN %s"
        " WHEN %s = %s OR date_trunc('minute', timezone(%s, %s))::time = TIME '00:00' THEN %s"
        " ELSE %s END",
        F("occurred_precision"),
        DatePrecision.MONTH.value,
        MONTH,
        F("occurred_precision"),
        DatePrecision.WEEK.value,
        timezone.get_current_timezone_name(),
        F("occurred_at"),
        DATE,
        DATETIME,
    )


def columns() -> list[Column]:
    """The export's columns, in order. Unknown counts stay empty, zero stays 0."""
    action_type_sql, action_labels = sheets.label_case(
        "s.action_type", _label_map(HandlingStep, "action_type")
    )
    return [
        Column(_("Nomor laporan"), width=16, sql=F("reference")),
        Column(_("Jenis"), width=10, sql=_sql_choice("kind")),
        Column(_("Judul"), width=40, sql=F("title")),
        Column(
            _("Waktu kejadian"),
            kind=MOMENT,
            width=17,
            sql=F("occurred_at"),
            unit=_sql_occurred_unit(),
        ),
        Column(_("Ketepatan waktu"), sql=_sql_choice("occurred_precision")),
        Column(_("Kecamatan"), width=16, sql=F("kecamatan__name")),
        Column(_("Desa/kelurahan"), width=16, sql=F("desa__name")),
        Column(_("Alamat"), width=30, sql=F("address")),
        Column(_("Lintang"), kind=NUMBER, width=11, sql=F("latitude")),
        Column(_("Bujur"), kind=NUMBER, width=11, sql=F("longitude")),
        Column(_("Sumber informasi"), width=18, sql=_sql_choice("information_source")),
        Column(_("Sumber konflik"), width=24, sql=_sql_choice("conflict_source")),
        Column(_("Aspek"), sql=_sql_choice("aspect")),
        Column(_("Bentuk"), width=18, sql=_sql_choice("form")),
        Column(_("Pihak"), width=40, sql=_sql_parties()),
        Column(_("Meninggal"), kind=NUMBER, width=11, sql=F("killed")),
        Column(_("Luka"), kind=NUMBER, width=9, sql=F("injured")),
        Column(_("Mengungsi"), kind=NUMBER, width=11, sql=F("displaced")),
        Column(_("Rumah rusak"), kind=NUMBER, width=11, sql=F("houses_damaged")),
        Column(_("Fasilitas umum rusak"), kind=NUMBER, sql=F("public_facilities_damaged")),
        Column(_("Rumah ibadah rusak"), kind=NUMBER, sql=F("worship_places_damaged")),
        Column(_("Kerugian (Rp)"), kind=NUMBER, width=16, sql=F("loss_rupiah")),
        Column(_("Risiko"), width=12, sql=_sql_choice("risk_level")),
        Column(_("Tahap"), sql=_sql_choice("stage")),
        Column(_("Status"), width=12, sql=_sql_choice("status")),
        Column(_("Penyelesaian"), sql=_sql_choice("resolution")),
        Column(_("Kerahasiaan"), width=18, sql=_sql_choice("confidentiality")),
        Column(_("Instansi penanganan"), width=30, sql=_sql_agencies()),
        Column(
            _("Jumlah tindak lanjut"),
            kind=NUMBER,
            width=11,
            sql=_if_steps(
                Sql(f"(SELECT count(*) FROM {STEPS} s WHERE s.incident_id = %s)", F("pk")), 0
            ),
        ),
        Column(
            _("Tanggal tindak lanjut terakhir"),
            kind=DATE,
            width=12,
            sql=_sql_last_step("s.date"),
        ),
        Column(
            _("Tindak lanjut terakhir"),
            width=40,
            sql=_sql_last_step(
                f"left({action_type_sql} || ': ' || s.description, 500)", *action_labels
            ),
        ),
        Column(
            _("Pelapor"),
            width=20,
            # As User.get_full_name(), or the username.
            sql=Sql(
                "COALESCE(NULLIF(btrim(%s || ' ' || %s, %s), ''), %s)",
                F("reported_by__first_name"),
                F("reported_by__last_name"),
                sheets.WHITESPACE,
                F("reported_by__username"),
            ),
        ),
        Column(_("Dilaporkan pada"), kind=DATETIME, width=17, sql=F("reported_at")),
    ]


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
    """The workbook streamed as PostgreSQL writes its rows (`core.sheets.stream_xlsx_query`): the
    first bytes leave after the first chunk of rows, not after the last."""
    stream = sheets.stream_xlsx_query(_("Laporan"), columns(), queryset)
    response = StreamingHttpResponse(stream, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
