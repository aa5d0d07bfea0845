"""Rows of a workbook as the imports read them: a cell merged over several rows gives its value
to each of them, in read-only mode (which does not expose merged cells itself)."""

import io

import openpyxl
import pytest

from core import imports
from core.imports import SheetRefused, sheet_rows


def read_only(book):
    buffer = io.BytesIO()
    book.save(buffer)
    return openpyxl.load_workbook(buffer, read_only=True, data_only=True).worksheets[0]


def workbook(rows, *merged):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    for cells in merged:
        book.active.merge_cells(cells)
    return book


def test_a_cell_merged_down_is_read_in_every_filled_row_of_its_range():
    book = workbook(
        [
            ["Nama", "Wilayah", "Catatan", None],
            ["Ustadz A", "35.17.08", "panjang", None],
            ["Ustadz B", None, None, None],
            [None, None, None, None],  # empty inside the range: stays empty
            ["Ustadz C", None, "lain", None],
            ["Ustadz D", None, None, None],
        ],
        "B2:B5",  # Wilayah over four rows
        "C2:D2",  # across columns: read once, in its first column
    )

    rows = list(sheet_rows(read_only(book), max_row=100))

    assert rows == [
        ("Nama", "Wilayah", "Catatan", None),
        ("Ustadz A", "35.17.08", "panjang", None),
        ("Ustadz B", "35.17.08", None, None),
        (None, None, None, None),
        ("Ustadz C", "35.17.08", "lain", None),
        ("Ustadz D", None, None, None),
    ]


def test_a_block_merged_over_rows_and_columns_fills_its_first_column():
    book = workbook([["a", "b", "c"], [None, None, "y"], [None, None, "z"]], "A1:B3")

    assert list(sheet_rows(read_only(book), max_row=100)) == [
        ("a", None, "c"),
        ("a", None, "y"),
        ("a", None, "z"),
    ]


def test_ranges_past_the_rows_read_are_not_held(monkeypatch):
    monkeypatch.setattr(imports, "MAX_MERGED_CELLS", 3)
    rows = [[f"r{n}", "v" if n in (1, 50) else None] for n in range(1, 200)]
    book = workbook(rows, "B1:B3", "B50:B199")

    read = list(sheet_rows(read_only(book), max_row=10))

    assert [row[1] for row in read[:4]] == ["v", "v", "v", None]


def test_more_merged_cells_than_the_bound_refuse_the_sheet(monkeypatch):
    monkeypatch.setattr(imports, "MAX_MERGED_CELLS", 3)
    book = workbook([["a"], ["b"], ["c"], ["d"], ["e"]], "A1:A5")

    with pytest.raises(SheetRefused, match="terlalu banyak sel gabungan"):
        list(sheet_rows(read_only(book), max_row=100))


def test_merged_ranges_are_found_in_any_piece_and_with_a_namespace_prefix(monkeypatch):
    # Read in pieces that cut every tag somewhere.
    monkeypatch.setattr(imports, "READ_CHUNK", 7)
    monkeypatch.setattr(imports, "TAG_TAIL", 40)
    xml = (
        b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<x:sheetData><x:row r='1'><x:c r='A1' t='inlineStr'><x:is><x:t>mergeCell ref</x:t>"
        b'</x:is></x:c></x:row></x:sheetData><x:mergeCells count="2"><x:mergeCell ref="A1:A3"/>'
        b"<x:mergeCell  ref='B2:B9' /></x:mergeCells></x:worksheet>"
    )

    assert list(imports._merge_refs(io.BytesIO(xml))) == ["A1:A3", "B2:B9"]


def test_a_merge_cell_match_stops_at_the_next_tag():
    """An unclosed `<mergeCell ` must not be matched across the tags after it: every such
    attempt would scan on to the end of the piece (minutes for a few KB of upload)."""
    assert imports.MERGE_CELL.search(b'<mergeCell <c r="A1" ref="A1:A3"/>') is None
    assert imports.MERGE_CELL.search(b'<mergeCell x="1"\n ref="$A$1:$A$3"/>').group(1) == (
        b"$A$1:$A$3"
    )
    hostile = b"<mergeCell " * 200_000 + b'<mergeCell ref="B2:B4"/>'
    assert list(imports._merge_refs(io.BytesIO(hostile))) == ["B2:B4"]


def test_a_workbook_unpacking_to_too_much_is_refused_before_it_is_read(monkeypatch):
    book = workbook([["Nama", "Wilayah"]] + [[f"Tokoh {n}", "35.17.08"] for n in range(2000)])
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    imports.refuse_unpacking_too_much(buffer)  # within the bound: nothing said
    assert buffer.tell() == 0
    monkeypatch.setattr(imports, "MAX_UNPACKED_BYTES", 50_000)
    with pytest.raises(SheetRefused, match="terlalu besar setelah dibuka"):
        imports.refuse_unpacking_too_much(buffer)
    assert buffer.tell() == 0
    # Not a zip archive: left to openpyxl and the importer's own message.
    imports.refuse_unpacking_too_much(io.BytesIO(b"Nama;Wilayah\n"))
