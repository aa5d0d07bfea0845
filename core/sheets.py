"""Typed spreadsheet cells shared by every export and import template.

A cell keeps the type of its value: a count or a coordinate is written as a number (so a negative
latitude is a number Excel computes with, never text, never a formula), a date as a date. Only text
goes through `spreadsheet_safe`, because only text can start a formula.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

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
