"""Typed spreadsheet cells shared by every export and import template.

A cell keeps the type of its value: a count or a coordinate is written as a number (so a negative
latitude is a number Excel computes with, never text, never a formula), a date as a date. Only text
goes through `spreadsheet_safe`, because only text can start a formula.
"""

import io
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

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

from core.utils import spreadsheet_safe

TEXT, NUMBER, DATE, DATETIME = "text", "number", "date", "datetime"
# Shown the Indonesian way whatever the reader's Excel locale (DD/MM/YYYY).
NUMBER_FORMATS = {DATE: "DD/MM/YYYY", DATETIME: "DD/MM/YYYY HH:MM"}
HEADER_FONT = Font(bold=True)
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Column:
    """One column of an export: its header, how to read the value, its type and width."""

    header: str
    get: Callable[[Any], Any]
    kind: str = TEXT
    width: int = 14


def plain(value):
    """The value as openpyxl should write it: lazy labels as text, aware datetimes in local time
    (Excel has no time zones), text made formula-safe; numbers, dates and None as they are."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    return spreadsheet_safe(value)


def text_cell(value, *, decimal_separator=".") -> str:
    """The value as CSV text: dates DD/MM/YYYY when the decimal separator is a comma (Excel set to
    Indonesian), ISO otherwise; empty for None."""
    value = plain(value)
    indonesian = decimal_separator == ","
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M" if indonesian else "%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y" if indonesian else "%Y-%m-%d")
    if isinstance(value, Decimal | float):
        return str(value).replace(".", decimal_separator)
    return str(value)


def csv_row(columns, item, *, decimal_separator=".") -> list[str]:
    """`text_cell` of each column's value for `item`. Text and whole numbers, most cells of an
    export, take a shortcut to the same result (an export writes millions of cells)."""
    row = []
    for column in columns:
        value = column.get(item)
        kind = type(value)
        if kind is str:
            row.append(spreadsheet_safe(value))
        elif value is None:
            row.append("")
        elif kind is int:
            row.append(str(value))
        else:
            row.append(text_cell(value, decimal_separator=decimal_separator))
    return row


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
        cell = WriteOnlyCell(sheet, value=plain(column.header))
        cell.font = HEADER_FONT
        cell.alignment = HEADER_ALIGNMENT
        cells.append(cell)
    return cells


def data_row(sheet, columns, item):
    """One row of typed cells; dates carry their DD/MM/YYYY number format."""
    row = []
    for column in columns:
        value = plain(column.get(item))
        number_format = NUMBER_FORMATS.get(column.kind)
        if number_format and value is not None:
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = number_format
            row.append(cell)
        else:
            row.append(value)
    return row


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
        sheet[f"{value_column}1"] = plain(heading)
        sheet[f"{meaning_column}1"] = plain(_("Keterangan"))
        for cell in (sheet[f"{value_column}1"], sheet[f"{meaning_column}1"]):
            cell.font = HEADER_FONT
        for row, (value, meaning) in enumerate(items, start=2):
            sheet[f"{value_column}{row}"] = plain(str(value))
            sheet[f"{meaning_column}{row}"] = plain(str(meaning))
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
            value = spreadsheet_safe(value)
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
            style = date_styles[DATETIME if isinstance(value, datetime) else DATE]
            cells.append(f'<c r="{letter}{number}" s="{style}" t="n"><v>{to_excel(value)}</v></c>')
        else:
            cells.append(f'<c r="{letter}{number}" t="inlineStr">{_text_xml(str(value))}</c>')
    cells.append("</row>")
    return "".join(cells)


def stream_xlsx(title, columns, items: Iterable[Any]) -> Iterator[bytes]:
    """The bytes of a one-sheet workbook, as they are made: the header as `prepare`,
    `header_row` and `finish` make it, then one typed row per item. Memory holds one chunk of
    rows, whatever their number."""
    parts, sheet_part, date_styles = _shell(title, columns, last_row=1)
    head = parts[sheet_part].split(b"</sheetData>", 1)[0]
    letters = [get_column_letter(index) for index in range(1, len(columns) + 1)]
    modified = timezone.now()
    last_row = 1

    def sheet_xml():
        nonlocal last_row
        yield head
        rows = []
        for item in items:
            last_row += 1
            rows.append(_row_xml(last_row, columns, letters, item, date_styles))
            if len(rows) == STREAM_CHUNK_ROWS:
                yield "".join(rows).encode()
                rows.clear()
        yield "".join(rows).encode()
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
