"""The file formats the agency and contact admin pages offer, as they write an export.

django-import-export writes a workbook through tablib, which assigns every value to an openpyxl
cell: text starting with "=" becomes a formula. A workbook is written here instead, text as
string cells (never formulas, shown and copied without an apostrophe: a phone number pasted into
WhatsApp is `+6281234567890`), and only CSV, which has no cell types, gets
`spreadsheet_safe`'s apostrophe. Reading an import stays with the `Bounded*` formats.
"""

import io

import tablib
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from core import sheets
from core.utils import spreadsheet_safe
from directory.resources import BoundedCSV, BoundedXLSX

MAX_WIDTH = 50


class SpreadsheetCSV(BoundedCSV):
    """CSV with text starting like a formula behind an apostrophe (an import takes it off)."""

    def export_data(self, dataset, **kwargs):
        safe = tablib.Dataset(headers=[spreadsheet_safe(h) for h in dataset.headers or ()])
        for row in dataset:
            safe.append([spreadsheet_safe(value) for value in row])
        # With a byte-order mark Excel reads it as UTF-8, not the ANSI code page: a name with a
        # curly apostrophe opened garbled and, saved again, came back garbled through the import.
        return "\ufeff" + super().export_data(safe, **kwargs)


class SpreadsheetXLSX(BoundedXLSX):
    """A workbook of typed cells, text as string cells, with a bold frozen header, an
    autofilter and columns as wide as their content (as tablib made them)."""

    def export_data(self, dataset, **kwargs):
        # A control character typed into a name (forms refuse only NUL) cannot go into a
        # workbook: replaced, as IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT has the library do.
        rows = [
            [ILLEGAL_CHARACTERS_RE.sub("\ufffd", v) if isinstance(v, str) else v for v in row]
            for row in dataset
        ]
        headers = [str(header) for header in dataset.headers or ()]
        widths = [len(header) for header in headers]
        for row in rows:
            for index, value in enumerate(row):
                widths[index] = max(widths[index], len(str(value)) if value is not None else 0)
        columns = [
            sheets.Column(header, width=min(width + 2, MAX_WIDTH))
            for header, width in zip(headers, widths, strict=True)
        ]
        book = Workbook(write_only=True)
        # "Data" reads the same in Indonesian and English (tablib named it "Tablib Dataset").
        sheet = book.create_sheet(dataset.title or "Data")
        sheets.prepare(sheet, columns)
        sheet.append(sheets.header_row(sheet, columns))
        for row in rows:
            sheet.append(sheets.cells(sheet, row))
        sheets.finish(sheet, columns, last_row=len(rows) + 1)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()
