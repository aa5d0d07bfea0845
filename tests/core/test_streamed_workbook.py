"""A streamed workbook opens as openpyxl's own would: typed cells, date styles, a frozen and
filtered header; its first bytes leave while rows are still being read."""

import io
import uuid
from datetime import date, datetime
from decimal import Decimal

import openpyxl
from openpyxl.styles.numbers import is_date_format

from core import sheets
from core.sheets import DATE, DATETIME, NUMBER, Column

COLUMNS = [
    Column("Judul", lambda row: row[0], width=40),
    Column("Tanggal", lambda row: row[1], DATE),
    Column("Waktu", lambda row: row[2], DATETIME),
    Column("Jumlah", lambda row: row[3], NUMBER),
]


def workbook(rows):
    content = b"".join(sheets.stream_xlsx("Laporan", COLUMNS, iter(rows)))
    return openpyxl.load_workbook(io.BytesIO(content))


def test_cells_keep_their_types_and_text_is_safe():
    book = workbook(
        [
            ('=HYPERLINK("http://x")', date(2026, 3, 14), datetime(2026, 3, 10, 20, 0), 0),
            (" a < b & c ", None, None, Decimal("-7.551234")),
            ("tab\x0bbed", None, None, None),  # a control character XML cannot carry
        ]
    )
    sheet = book["Laporan"]
    rows = list(sheet.values)
    assert rows[0] == ("Judul", "Tanggal", "Waktu", "Jumlah")
    assert rows[1] == (
        '=HYPERLINK("http://x")',  # a string cell, as typed: never a formula, no apostrophe
        datetime(2026, 3, 14),
        datetime(2026, 3, 10, 20),
        0,
    )
    assert rows[2] == (" a < b & c ", None, None, -7.551234)
    assert rows[3] == ("tabbed", None, None, None)
    assert sheet["B2"].number_format == "DD/MM/YYYY" and is_date_format(sheet["B2"].number_format)
    assert sheet["C2"].number_format == "DD/MM/YYYY HH:MM"
    assert sheet["D3"].data_type == "n" and sheet["A2"].data_type == "s"
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:D4"
    assert sheet["A1"].font.bold and sheet.column_dimensions["A"].width == 40


def test_text_starting_like_a_formula_is_a_string_cell_as_typed():
    typed = ["+6281234567890", '=HYPERLINK("http://x")', "-", "@SUM(A1)", "#N/A"]
    sheet = workbook([(text, None, None, None) for text in typed])["Laporan"]
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]
    assert [cell.value for cell in cells] == typed
    assert {cell.data_type for cell in cells} == {"s"}


def test_openpyxl_rows_write_text_as_string_cells():
    # openpyxl alone makes a formula of "=…" and an error of "#N/A" (the RAT matrix, templates).
    book = openpyxl.Workbook()
    sheet = book.active
    typed = ["+6281234567890", '=HYPERLINK("http://x")', "#N/A", "tab\x0bbed"]
    sheet.append(sheets.cells(sheet, [*typed, 5, date(2026, 3, 14)]))
    sheets.store(sheet.cell(row=2, column=1), "=1+1")
    buffer = io.BytesIO()
    book.save(buffer)
    sheet = openpyxl.load_workbook(buffer).active
    assert [c.value for c in sheet[1]] == [*typed[:3], "tabbed", 5, datetime(2026, 3, 14)]
    assert [c.data_type for c in sheet[1]] == ["s", "s", "s", "s", "n", "d"]
    assert (sheet["A2"].value, sheet["A2"].data_type) == ("=1+1", "s")


def test_csv_text_keeps_the_apostrophe():
    # CSV has no cell types: the spreadsheet program decides from the text.
    assert sheets.text_cell("+6281234567890") == "'+6281234567890"
    assert sheets.text_cell("=1+1") == "'=1+1"
    assert sheets.text_cell(-5) == "-5"


def test_a_month_is_a_date_shown_as_its_month():
    sheet = workbook([("Sebulan", sheets.Month(2025, 3, 1), None, None)])["Laporan"]
    assert sheet["B2"].value == datetime(2025, 3, 1)
    assert sheet["B2"].is_date and sheet["B2"].number_format == "MM/YYYY"
    assert sheets.text_cell(sheets.Month(2025, 3, 1)) == "2025-03"
    assert sheets.text_cell(sheets.Month(2025, 3, 1), decimal_separator=",") == "03/2025"


def test_an_empty_export_is_a_header_with_its_filter():
    sheet = workbook([])["Laporan"]
    assert list(sheet.values) == [("Judul", "Tanggal", "Waktu", "Jumlah")]
    assert sheet.auto_filter.ref == "A1:D1"


def test_bytes_leave_while_rows_are_still_being_read():
    read = []

    def rows():
        for n in range(20_000):
            read.append(n)
            yield (uuid.uuid4().hex * 3, None, None, n)  # text that compresses poorly

    rows_read_at_each_chunk = []
    for number, chunk in enumerate(sheets.stream_xlsx("Laporan", COLUMNS, rows())):
        if number == 0:
            assert chunk.startswith(b"PK\x03\x04")  # the zip's first header, at once
        rows_read_at_each_chunk.append(len(read))
    assert rows_read_at_each_chunk[0] == 0
    assert any(0 < count < 20_000 for count in rows_read_at_each_chunk)


def test_sql_whitespace_is_what_python_strips():
    # btrim() in the export SQL must strip what str.strip() strips (the reporter's name cell).
    assert set(sheets.WHITESPACE) == {c for c in map(chr, range(0x110000)) if c.isspace()}
