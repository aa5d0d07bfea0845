"""Typed spreadsheet cells shared by every export and import template.

A cell keeps the type of its value: a count or a coordinate is written as a number (so a negative
latitude is a number Excel computes with, never text, never a formula), a date as a date, text as a
string cell. A string cell is never read as a formula, so a workbook keeps text exactly as typed
(`+6281234567890`, `=HYPERLINK(...)`); only CSV, which has no cell types, writes text starting
like a formula with `spreadsheet_safe`'s apostrophe.
"""

import io
import stat
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import connections
from django.db.models import Expression, TextField, Value
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from stream_zip import ZIP_32, stream_zip

from core.utils import FORMULA_STARTS, spreadsheet_safe

TEXT, NUMBER, DATE, DATETIME, MONTH = "text", "number", "date", "datetime", "month"
# A column whose each value is a date, a month or a date and time, as precisely as it is known:
# its `unit` is SQL naming the row's (DATE, MONTH or DATETIME).
MOMENT = "moment"
# Shown the Indonesian way whatever the reader's Excel locale (DD/MM/YYYY).
NUMBER_FORMATS = {DATE: "DD/MM/YYYY", DATETIME: "DD/MM/YYYY HH:MM", MONTH: "MM/YYYY"}


class Month(date):
    """A month as a cell value: its first day, shown as MM/YYYY (in CSV `03/2025` or
    `2025-03`). Still a date, so a column of them sorts and filters with the dates."""


HEADER_FONT = Font(bold=True)
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Column:
    """One column of an export: its header, how to read the value from an item (`get`) or, for
    exports PostgreSQL writes itself (`copy_csv`, `stream_xlsx_query`), the value as an
    expression over the exported queryset's rows (`sql`), its type and its width. A MOMENT
    column's `sql` is a timestamp and its `unit` names what of it each row shows; in Python,
    `get` returns a `Month`, a date or a datetime."""

    header: str
    get: Callable[[Any], Any] | None = None
    kind: str = TEXT
    width: int = 14
    sql: Any = None
    unit: Any = None


def plain(value):
    """The value as openpyxl should write it: lazy labels as text, aware datetimes in local time
    (Excel has no time zones), text without the control characters a workbook cannot hold (forms
    refuse only NUL); numbers, dates and None as they are. Text must then be written as a string
    cell (`store`, `cells`): openpyxl makes a formula of text starting with "=" on its own."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def store(cell, value):
    """`value` in `cell` as `plain` makes it, text as a string cell: openpyxl types text starting
    with "=" as a formula, and "#N/A" and its kind as an error, whatever the cell is meant to
    hold. Excel and LibreOffice show and copy a string cell's text as it is."""
    cell.value = plain(value)
    if isinstance(cell.value, str):
        cell.data_type = "s"
    return cell


def cells(sheet, values) -> list:
    """A row for `sheet.append` (write-only and normal sheets alike), each value `store`d."""
    return [store(WriteOnlyCell(sheet), value) for value in values]


def text_cell(value, *, decimal_separator=".") -> str:
    """The value as CSV text: text formula-safe (`spreadsheet_safe`: CSV has no cell types, so a
    spreadsheet program decides from the text), dates DD/MM/YYYY when the decimal separator is a
    comma (Excel set to Indonesian), ISO otherwise; empty for None."""
    value = spreadsheet_safe(plain(value))
    indonesian = decimal_separator == ","
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M" if indonesian else "%Y-%m-%d %H:%M")
    if isinstance(value, Month):
        return value.strftime("%m/%Y" if indonesian else "%Y-%m")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y" if indonesian else "%Y-%m-%d")
    if isinstance(value, Decimal | float):
        return str(value).replace(".", decimal_separator)
    return str(value)


# CSV written by PostgreSQL. A Python writer spends several µs a cell (100,000 reports are 3.3
# million cells); `COPY (SELECT …) TO STDOUT` writes the same text in the database, and Python
# only passes the bytes on. Each column's `sql` is the value as an expression over the exported
# rows; `csv_cell` turns it into the text `text_cell` makes of the Python value, so the file is
# byte for byte what the Python writer wrote: text formula-safe, None and "" empty, numbers with
# the chosen decimal separator, dates in the local time zone.

# Python's str.strip() whitespace (every character whose str.isspace() is true), for btrim().
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# Text starting like a formula gets `spreadsheet_safe`'s apostrophe in CSV: a regular
# expression, so the value (often a subquery) is computed once.
_FORMULA_RE = "^[" + "".join("\\" + c if c in "]\\^-" else c for c in FORMULA_STARTS) + "]"
_SQL_DATE_FORMATS = {
    (DATE, "."): "YYYY-MM-DD",
    (DATE, ","): "DD/MM/YYYY",
    (DATETIME, "."): "YYYY-MM-DD HH24:MI",
    (DATETIME, ","): "DD/MM/YYYY HH24:MI",
    (MONTH, "."): "YYYY-MM",
    (MONTH, ","): "MM/YYYY",
}


class Sql(Expression):
    """A piece of SQL whose `%s` are filled with `args`, in order: expressions are compiled
    (`F("pk")` becomes the outer row's column, whatever the query's aliases), anything else is
    a bound parameter, never text in the SQL. The template itself holds no `%` of its own."""

    def __init__(self, template, *args, output_field=None):
        super().__init__(output_field=output_field or TextField())
        self.template = template
        self.args = [arg if hasattr(arg, "resolve_expression") else Value(arg) for arg in args]

    def get_source_expressions(self):
        return self.args

    def set_source_expressions(self, exprs):
        self.args = list(exprs)

    def as_sql(self, compiler, connection):
        parts, params = [], []
        for arg in self.args:
            sql, arg_params = compiler.compile(arg)
            parts.append(sql)
            params.extend(arg_params)
        return self.template % tuple(parts), params


def label_case(value_sql: str, labels: dict) -> tuple[str, list]:
    """SQL for the label of `value_sql` (the value itself when it is not a choice), as
    `labels.get(value, value)`, with its parameters: a simple CASE, which reads the value once
    for all its labels (a JSON lookup cost several times more per cell)."""
    whens = " ".join("WHEN %s THEN %s" for _ in labels)
    params = [str(item) for pair in labels.items() for item in pair]
    return f"CASE {value_sql} {whens} ELSE {value_sql} END", params


def sql_labels(expression, labels: dict) -> Sql:
    """`label_case` of an expression (a column of the exported rows)."""
    template, params = label_case("%s", labels)  # the value first and last, labels between
    return Sql(template, expression, *params, expression)


def csv_cell(column: Column, *, decimal_separator=".") -> Sql:
    """The CSV text of the column's `sql` value, as `text_cell` writes the Python value; NULL
    for an empty cell (COPY writes NULL unquoted and "" quoted, the Python writer both empty)."""
    if column.kind == TEXT:
        return Sql("NULLIF(regexp_replace(%s, %s, %s), '')", column.sql, _FORMULA_RE, "'\\&")
    if column.kind == NUMBER:
        return Sql("replace((%s)::text, '.', %s)", column.sql, decimal_separator)
    if column.kind == MOMENT:
        zone = timezone.get_current_timezone_name()
        return Sql(
            "to_char(timezone(%s, %s), CASE %s WHEN %s THEN %s WHEN %s THEN %s ELSE %s END)",
            zone,
            column.sql,
            column.unit,
            MONTH,
            _SQL_DATE_FORMATS[MONTH, decimal_separator],
            DATE,
            _SQL_DATE_FORMATS[DATE, decimal_separator],
            _SQL_DATE_FORMATS[DATETIME, decimal_separator],
        )
    date_format = _SQL_DATE_FORMATS[column.kind, decimal_separator]
    if column.kind == DATETIME:
        zone = timezone.get_current_timezone_name()
        return Sql("to_char(timezone(%s, %s), %s)", zone, column.sql, date_format)
    return Sql("to_char(%s, %s)", column.sql, date_format)


def copy_csv(queryset, columns, *, delimiter=",") -> Iterator[bytes]:
    """The rows of `queryset`, in its order, as CSV lines (`\\r\\n`, as Python's csv module
    ends them), written by PostgreSQL and streamed as they come. The query's values reach the
    statement as bound parameters (psycopg binds COPY's client-side, quoted as literals)."""
    decimal_separator = "," if delimiter == ";" else "."
    cells = {
        f"cell_{index}": csv_cell(column, decimal_separator=decimal_separator)
        for index, column in enumerate(columns)
    }
    rows = queryset.annotate(**cells).values_list(*cells)
    sql, params = rows.query.get_compiler(using=rows.db).as_sql()
    statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, DELIMITER %s)"
    connection = connections[rows.db]
    with connection.cursor() as cursor:
        started = time.monotonic()
        with cursor.cursor.copy(statement, [*params, delimiter]) as copy:
            yield from _crlf(_chunks(copy))
        if connection.queries_logged:  # counted like any other query (tests, debug toolbar)
            connection.queries_log.append(
                {"sql": statement, "time": f"{time.monotonic() - started:.3f}"}
            )


def _chunks(copy, size=1 << 16) -> Iterator[bytes]:
    """COPY's output (a message a row) in pieces of about `size` bytes."""
    buffer = bytearray()
    for data in copy:
        buffer += data
        if len(buffer) >= size:
            yield bytes(buffer)
            buffer.clear()
    if buffer:
        yield bytes(buffer)


def _crlf(chunks) -> Iterator[bytes]:
    """COPY ends rows with `\\n`; Python's csv writer with `\\r\\n`. A line break is a row's
    end when an even number of `"` came before it in the stream (a quoted value's own line
    breaks, which both leave as they are, sit after an odd number)."""
    quoted = False
    for chunk in chunks:
        pieces = chunk.split(b'"')
        for index in range(1 if quoted else 0, len(pieces), 2):
            pieces[index] = pieces[index].replace(b"\n", b"\r\n")
        quoted ^= len(pieces) % 2 == 0
        yield b'"'.join(pieces)


def prepare(sheet, columns, *, first_row=1):
    """Widths, a frozen header and, once rows are written, an autofilter.

    `first_row` is the header's row: rows above it (a title, a regency, a signature line…) are
    the caller's. In write-only mode widths and panes must be set before the first row is
    written; `finish()` sets the filter afterwards, when the last row is known.
    """
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = f"A{first_row + 1}"


def header_row(sheet, columns):
    """The header cells, bold and wrapped (works in write-only and normal sheets alike)."""
    cells = []
    for column in columns:
        cell = store(WriteOnlyCell(sheet), column.header)
        cell.font = HEADER_FONT
        cell.alignment = HEADER_ALIGNMENT
        cells.append(cell)
    return cells


def finish(sheet, columns, *, first_row=1, last_row):
    last_column = get_column_letter(len(columns))
    sheet.auto_filter.ref = f"A{first_row}:{last_column}{max(last_row, first_row)}"


def allowed_values_sheet(book, title, lists):
    """A sheet listing what a clerk may type in an import: `lists` is
    `[(heading, [(value, meaning), ...]), ...]`, written side by side, two columns each with an
    empty column between, so the template explains itself without a manual."""
    sheet = book.create_sheet(title)
    for block, (heading, items) in enumerate(lists):
        first = block * 3 + 1
        value_column, meaning_column = get_column_letter(first), get_column_letter(first + 1)
        for column, text in ((first, heading), (first + 1, _("Keterangan"))):
            store(sheet.cell(row=1, column=column), text).font = HEADER_FONT
        for row, (value, meaning) in enumerate(items, start=2):
            store(sheet.cell(row=row, column=first), str(value))
            store(sheet.cell(row=row, column=first + 1), str(meaning))
        sheet.column_dimensions[value_column].width = 18
        sheet.column_dimensions[meaning_column].width = 40
    sheet.freeze_panes = "A2"
    return sheet


# A workbook streamed as it is written. openpyxl only zips a file once it is saved, so the first
# byte of a 100,000-row export came after the last row, and it spends tens of µs a cell. Here
# openpyxl writes everything but the data rows (a "shell": the sheet's columns, frozen header
# and filter, the styles and the workbook parts); the rows are written between the shell's
# header row and the end of its `<sheetData>`, as openpyxl writes them (inline strings, numbers,
# dates as serial numbers with the shell's date styles), and the file is zipped on the fly by
# stream-zip: the sheet first, the small parts after it (they name the last row; openpyxl's own
# files put [Content_Types].xml last too). Members are deflated with sizes in a data descriptor
# (ZIP_32: no Zip64, which some spreadsheet programs refuse), at level 1: sheet XML compresses
# well at any level and level 9 costs several times the CPU.
STREAM_CHUNK_ROWS = 500
ZIP_MODE = stat.S_IFREG | 0o644
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def _compressor():
    return zlib.compressobj(level=1, wbits=-zlib.MAX_WBITS)


def _shell(title, columns, *, last_row):
    """openpyxl's workbook with the header alone and the filter down to `last_row`: its parts
    by name, the sheet's part name, and the style id of each date kind."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    prepare(sheet, columns)
    sheet.append(header_row(sheet, columns))
    date_styles = {}
    for kind, number_format in NUMBER_FORMATS.items():
        cell = WriteOnlyCell(sheet)
        cell.number_format = number_format
        date_styles[kind] = cell.style_id  # registered in the workbook's styles
    finish(sheet, columns, last_row=last_row)
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    (sheet_part,) = (name for name in parts if name.startswith("xl/worksheets/"))
    return parts, sheet_part, date_styles


def _text_xml(text: str) -> str:
    # Characters XML cannot carry (openpyxl refuses them) are left out; the rest is escaped.
    text = ILLEGAL_CHARACTERS_RE.sub("", text).translate(_XML_ESCAPES)
    if text != text.strip():
        return f'<is><t xml:space="preserve">{text}</t></is>'
    return f"<is><t>{text}</t></is>"


def _row_xml(number, columns, letters, item, date_styles) -> str:
    """One `<row>` as openpyxl writes it: empty cells left out, text inline, numbers as they
    are, dates as Excel serial numbers in the DD/MM/YYYY styles."""
    cells = [f'<row r="{number}">']
    for column, letter in zip(columns, letters, strict=True):
        value = column.get(item)
        if value is None or value == "":
            continue
        kind = type(value)
        if kind is str:  # most cells: a shortcut to what `plain` does with text
            cells.append(f'<c r="{letter}{number}" t="inlineStr">{_text_xml(value)}</c>')
            continue
        if kind is int:
            cells.append(f'<c r="{letter}{number}" t="n"><v>{value}</v></c>')
            continue
        value = plain(value)
        if isinstance(value, str):
            cells.append(f'<c r="{letter}{number}" t="inlineStr">{_text_xml(value)}</c>')
        elif isinstance(value, bool):
            cells.append(f'<c r="{letter}{number}" t="b"><v>{int(value)}</v></c>')
        elif isinstance(value, int | float | Decimal):
            cells.append(f'<c r="{letter}{number}" t="n"><v>{value}</v></c>')
        elif isinstance(value, date):
            if isinstance(value, datetime):
                style = date_styles[DATETIME]
            else:
                style = date_styles[MONTH if isinstance(value, Month) else DATE]
            cells.append(f'<c r="{letter}{number}" s="{style}" t="n"><v>{to_excel(value)}</v></c>')
        else:
            cells.append(f'<c r="{letter}{number}" t="inlineStr">{_text_xml(str(value))}</c>')
    cells.append("</row>")
    return "".join(cells)


def stream_xlsx(title, columns, items: Iterable[Any]) -> Iterator[bytes]:
    """The bytes of a one-sheet workbook, as they are made: the header as `prepare`,
    `header_row` and `finish` make it, then one typed row per item. Memory holds one chunk of
    rows, whatever their number."""

    def rows(letters, date_styles):
        number, chunk = 1, []
        for item in items:
            number += 1
            chunk.append(_row_xml(number, columns, letters, item, date_styles))
            if len(chunk) == STREAM_CHUNK_ROWS:
                yield "".join(chunk).encode(), number
                chunk.clear()
        yield "".join(chunk).encode(), number

    return _stream_book(title, columns, rows)


# The same rows written by PostgreSQL, for exports whose columns carry their `sql`: one text
# per row, `<row>` and its cells as `_row_xml` writes them, with a placeholder where the row
# number goes (a control character, which cell text never keeps), so Python only numbers the
# rows and zips them.
_ROW = "\x01"
# ILLEGAL_CHARACTERS_RE's characters (PostgreSQL text holds no NUL), removed by a regular
# expression: translate() was ten times slower (most of the export's database time).
_ILLEGAL_RE = (
    "["
    + "".join(chr(code) for code in range(1, 32) if ILLEGAL_CHARACTERS_RE.match(chr(code)))
    + "]"
)


def xlsx_value(column: Column) -> Sql:
    """The column's `sql` value as `_row_xml` puts it in its cell: text as it is (a string
    cell), without the characters XML cannot carry, escaped; numbers as text; dates as Excel
    serial numbers (days since 1899-12-30, local time; a MOMENT's date or month a whole day, the
    month's first). NULL for an empty cell."""
    if column.kind == TEXT:
        return Sql(
            "replace(replace(replace(regexp_replace(NULLIF(%s, ''), %s, '', 'g'),"
            " '&', '&amp;'), '<', '&lt;'), '>', '&gt;')",
            column.sql,
            _ILLEGAL_RE,
        )
    if column.kind == NUMBER:
        return Sql("(%s)::text", column.sql)
    if column.kind == DATETIME:
        zone = timezone.get_current_timezone_name()
        return Sql(
            "(extract(epoch FROM timezone(%s, %s) - TIMESTAMP '1899-12-30')::float8 / 86400)::text",
            zone,
            column.sql,
        )
    if column.kind == MOMENT:
        zone = timezone.get_current_timezone_name()
        local = Sql("timezone(%s, %s)", zone, column.sql)
        return Sql(
            "CASE %s WHEN %s THEN (extract(epoch FROM %s - TIMESTAMP '1899-12-30')::float8"
            " / 86400)::text WHEN %s THEN (date_trunc('month', %s)::date - DATE '1899-12-30')::text"
            " ELSE (%s::date - DATE '1899-12-30')::text END",
            column.unit,
            DATETIME,
            local,
            MONTH,
            local,
            local,
        )
    return Sql("((%s) - DATE '1899-12-30')::text", column.sql)


def _rows_sql(queryset, columns, letters, date_styles):
    """`SELECT` of one text per row: each cell as `_row_xml` writes it, or nothing (`concat`
    leaves NULLs out) for an empty value. The queryset, with each column's value, is a
    subquery: its ORDER BY keeps the subquery from being merged, so its rows come in order, and
    each value (some are subqueries) is read once."""
    values = {f"cell_{index}": xlsx_value(column) for index, column in enumerate(columns)}
    # A MOMENT's unit picks its cell's style.
    values |= {
        f"unit_{index}": column.unit
        for index, column in enumerate(columns)
        if column.kind == MOMENT
    }
    inner = queryset.annotate(**values).values_list(*values)
    inner_sql, inner_params = inner.query.get_compiler(using=inner.db).as_sql()
    cells, params = [], []
    for index, (column, letter) in enumerate(zip(columns, letters, strict=True)):
        value = f"r.cell_{index}"
        ref = f"{letter}{_ROW}"
        if column.kind == TEXT:
            cells.append(
                f'\'<c r="{ref}" t="inlineStr"><is><t\' || CASE WHEN {value} <> btrim({value}, %s)'
                f" THEN ' xml:space=\"preserve\"' ELSE '' END || '>' || {value} || '</t></is></c>'"
            )
            params.append(WHITESPACE)
        elif column.kind == NUMBER:
            cells.append(f"'<c r=\"{ref}\" t=\"n\"><v>' || {value} || '</v></c>'")
        elif column.kind == MOMENT:
            style = (
                f"CASE r.unit_{index} WHEN '{MONTH}' THEN '{date_styles[MONTH]}'"
                f" WHEN '{DATE}' THEN '{date_styles[DATE]}' ELSE '{date_styles[DATETIME]}' END"
            )
            cells.append(
                f"'<c r=\"{ref}\" s=\"' || {style} || '\" t=\"n\"><v>' || {value} || '</v></c>'"
            )
        else:
            style = date_styles[column.kind]
            cells.append(f'\'<c r="{ref}" s="{style}" t="n"><v>\' || {value} || \'</v></c>\'')
    row = f"'<row r=\"{_ROW}\">' || concat({', '.join(cells)}) || '</row>'"
    return f"SELECT {row} FROM ({inner_sql}) r", [*params, *inner_params]


def stream_xlsx_query(title, columns, queryset) -> Iterator[bytes]:
    """As `stream_xlsx` of the queryset's rows, with the rows written by PostgreSQL
    (`_rows_sql`) and read through a server-side cursor, a chunk at a time."""

    def rows(letters, date_styles):
        sql, params = _rows_sql(queryset, columns, letters, date_styles)
        number = 1
        with connections[queryset.db].chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while fetched := cursor.fetchmany(STREAM_CHUNK_ROWS):
                chunk = []
                for (row,) in fetched:
                    number += 1
                    chunk.append(row.replace(_ROW, str(number)))
                yield "".join(chunk).encode(), number

    return _stream_book(title, columns, rows)


def _stream_book(title, columns, rows) -> Iterator[bytes]:
    """The workbook around the rows that `rows(letters, date_styles)` yields, as (XML bytes,
    number of the last row so far)."""
    parts, sheet_part, date_styles = _shell(title, columns, last_row=1)
    head = parts[sheet_part].split(b"</sheetData>", 1)[0]
    letters = [get_column_letter(index) for index in range(1, len(columns) + 1)]
    modified = timezone.now()
    last_row = 1

    def sheet_xml():
        nonlocal last_row
        yield head
        for data, last_row in rows(letters, date_styles):  # noqa: B007 (read by final_parts)
            yield data
        yield b"</sheetData>" + final_parts()[sheet_part].split(b"</sheetData>", 1)[1]

    def final_parts():
        # The same shell with the filter down to the last row, built once.
        if not final:
            final.update(_shell(title, columns, last_row=last_row)[0])
        return final

    final = {}

    def members():
        yield sheet_part, modified, ZIP_MODE, ZIP_32, sheet_xml()
        for name, data in final_parts().items():
            if name != sheet_part:
                yield name, modified, ZIP_MODE, ZIP_32, (data,)

    return stream_zip(members(), get_compressobj=_compressor)
