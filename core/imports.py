"""What the spreadsheet imports share: where an import keeps the uploaded file between its
preview and its confirmation (django-import-export's IMPORT_EXPORT_TMP_STORAGE_CLASS), and how
a sheet's rows (merged cells included) and headers are read.

The library's own storage writes it to the shared temporary folder and removes it only when the
import is confirmed: a preview with bad rows, or one nobody confirmed, left a whole contact list
(names, numbers, religion) there for good. Here the files live in a folder only the portal's
user may enter, a preview with bad rows removes its file at once (the admin's import page),
and `purge_kept_imports` (in the daily `purge_old_data`) removes those never confirmed."""

import contextlib
import os
import re
import stat
import tempfile
import time
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

from django.conf import settings
from django.utils.translation import gettext as _
from import_export.tmp_storages import TempFolderStorage
from openpyxl.utils import range_boundaries

FOLDER_NAME = "portal-impor"


def kept_imports_folder() -> str:
    folder = settings.IMPORT_KEPT_DIR or os.path.join(
        tempfile.gettempdir(), f"{FOLDER_NAME}-{os.getuid()}"
    )
    os.makedirs(folder, mode=0o700, exist_ok=True)
    # The default name is predictable in a shared /tmp: a folder someone else made first (or a
    # link to one) is not used.
    found = os.lstat(folder)
    if not stat.S_ISDIR(found.st_mode) or found.st_uid != os.getuid():
        raise PermissionError(f"{folder}: not a folder of this user; set IMPORT_KEPT_DIR")
    if stat.S_IMODE(found.st_mode) != 0o700:
        os.chmod(folder, 0o700)
    return folder


class KeptImportStorage(TempFolderStorage):
    def get_full_path(self):
        return os.path.join(kept_imports_folder(), self.name)

    def _open(self, mode="r"):
        if self.name:
            return super()._open(mode)
        # Created readable by its owner only (mkstemp), inside the private folder.
        kept = tempfile.NamedTemporaryFile(dir=kept_imports_folder(), delete=False)  # noqa: SIM115
        self.name = os.path.basename(kept.name)
        return kept


def remove_kept_import(name: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.remove(os.path.join(kept_imports_folder(), os.path.basename(name)))


def purge_kept_imports(*, older_than_hours: int = 24) -> int:
    """Remove uploads kept for a confirmation that never came; returns how many."""
    folder = kept_imports_folder()
    cutoff = time.time() - older_than_hours * 3600
    removed = 0
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < cutoff:
                remove_kept_import(entry.name)
                removed += 1
    return removed


# --- reading rows ------------------------------------------------------------------------------


def blank(value) -> bool:
    """An empty cell: nothing, or only spaces (a cell cleared in Excel, `,,` in a CSV)."""
    return value is None or not str(value).strip()


def filled_rows(rows: Iterable[Sequence], *, start: int = 1) -> Iterator[tuple[int, Sequence]]:
    """(line, values) of each row holding at least one value, lines counted from `start`.

    Rows with only borders or colours are rows to openpyxl (in read-only mode, None-filled), a
    cleared example row is one, and Excel writes `,,,,` lines to a CSV: none of them is data.
    A caller bounds what it reads (itertools.islice), as such rows can run to the sheet's end.
    """
    for line, values in enumerate(rows, start):
        if not all(blank(value) for value in values):
            yield line, values


class SheetRefused(ValueError):
    """A sheet the import does not read as a whole; the message says why, in the user's
    language."""


# A workbook is a zip archive: a few MB of upload can unpack to gigabytes of XML, which both
# passes over the sheet (its merged cells, its rows) would read. A list of 5,000 rows saved by
# Excel unpacks to a few tens of MB.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024


def refuse_unpacking_too_much(stream) -> None:
    """SheetRefused when the parts of the workbook in `stream` (a seekable file) would unpack
    to more than MAX_UNPACKED_BYTES. The sizes are those the archive declares, and Python's zip
    reader never hands out more than a part declares. Anything that is no zip archive is left
    to openpyxl, which refuses it with the importer's own message."""
    try:
        with zipfile.ZipFile(stream) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        return
    finally:
        stream.seek(0)
    if unpacked > MAX_UNPACKED_BYTES:
        raise SheetRefused(
            _(
                "Isi berkas Excel terlalu besar setelah dibuka (lebih dari %(mb)s MB). Hapus "
                "lembar, baris, atau gambar yang tidak perlu, lalu unggah lagi."
            )
            % {"mb": MAX_UNPACKED_BYTES // (1024 * 1024)}
        )


# A <mergeCell ref="A2:A9"/> element of the sheet's XML (any namespace prefix), whose only
# attribute is the range. Markup: the text of a cell cannot hold a raw "<". A match never runs
# past the next "<" or ">", so each attempt stops at the next tag: a file of unclosed
# "<mergeCell " (no ">" anywhere) costs linear time, not a scan to the end of the piece from
# every one of them.
MERGE_CELL = re.compile(
    rb"""<(?:[A-Za-z_][\w.-]*:)?mergeCell\s[^<>]*?\bref\s*=\s*["']([^"'<>]*)["']"""
)
# The sheet's XML is read in pieces of this size; a tag cut at a piece's end is read again
# with the next one when it starts in its last TAG_TAIL bytes.
READ_CHUNK = 1 << 20
TAG_TAIL = 4096
# Cells below the first row of merged ranges, all ranges together (one that fills none counts
# as one). A list of 5,000 rows with every one of a dozen columns merged down to the end
# covers 60,000; the bound keeps what is held in memory, and the time spent, small whatever a
# file (a few MB of zip, far more of XML) declares.
MAX_MERGED_CELLS = 200_000


def _merge_refs(source) -> Iterator[str]:
    """The `ref` of each mergeCell element in a sheet's XML, scanned as bytes.

    Not parsed as XML: Excel writes the merged ranges after all the rows, so a parser builds
    and drops every row and cell in Python first. That took as long as reading the rows (20 s
    for a 5 MB workbook of 60,000 rows), and ran before the row bounds could refuse a file. A
    byte search takes a fraction of a second, and only the rare piece holding "mergeCell" is
    scanned with the expression."""
    pending = b""
    while chunk := source.read(READ_CHUNK):
        data = pending + chunk
        done = 0
        if b"mergeCell" in data:
            for match in MERGE_CELL.finditer(data):
                yield match.group(1).decode("ascii", "replace")
                done = match.end()
        pending = data[max(done, len(data) - TAG_TAIL) :]


def _merged_down_ranges(sheet, *, max_row: int) -> list[tuple[int, int, int]]:
    """(column, first row, last row) of every range of merged cells of a read-only sheet that
    spans rows and starts by `max_row`, its last row cut at `max_row`.

    openpyxl's read-only worksheet (which reads rows as they are parsed, so memory does not grow
    with the sheet) does not expose the merged ranges: it parses them nowhere. They are found
    in a pass of their own over the sheet's XML, through the source the worksheet itself reads
    (`_get_source()`), holding a piece of the XML at a time plus the ranges found."""
    ranges, covered = [], 0
    with sheet._get_source() as source:
        for ref in _merge_refs(source):
            column, first, _last_column, last = range_boundaries(ref)
            # Within one row, past the rows read, or whole columns (Excel writes none): nothing
            # to fill, but counted, so that a file of millions of them is not read to its end.
            down = first is not None and last is not None and first < last and first <= max_row
            covered += min(last, max_row) - first if down else 1
            if covered > MAX_MERGED_CELLS:
                raise SheetRefused(
                    _(
                        "Lembar memuat terlalu banyak sel gabungan (merge). Pisahkan sel "
                        "gabungannya (Unmerge Cells), lalu unggah lagi."
                    )
                )
            if down:
                ranges.append((column, first, min(last, max_row)))
    return ranges


def sheet_rows(sheet, *, max_row: int) -> Iterator[tuple]:
    """The values of each row of a read-only openpyxl sheet, as `iter_rows(values_only=True)`
    gives them, with the merged cells read as the clerk sees them: a "Wilayah" cell merged down
    over the rows of its desa gives its value to every one of those rows (openpyxl, as Excel
    stores it, gives it to the first row only). A range's value fills its first column only: a
    cell merged across columns is one value, as Excel's own "Unmerge Cells" leaves it (a name
    spread over the next, header-less column is not read twice, nor as data under no header).
    And only rows holding something else get it: a merge drawn on past the last filled row
    adds no rows. Ranges are read up to `max_row`,
    which bounds what a caller scans anyway.

    Memory stays bounded by a row, a piece of the XML and the ranges (MAX_MERGED_CELLS), not by
    the sheet: the price is a second pass over the sheet's XML (_merged_down_ranges), a fast
    byte search."""
    starting = defaultdict(list)
    for column, first, last in _merged_down_ranges(sheet, max_row=max_row):
        starting[first].append((column, last))
    filling = {}  # column: (value, last row)
    for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if filling and not all(blank(value) for value in values):
            values = list(values)
            for column, (value, _last) in filling.items():
                values += [None] * (column - len(values))
                values[column - 1] = value
            values = tuple(values)
        filling = {column: held for column, held in filling.items() if held[1] > line}
        for column, last in starting.pop(line, ()):
            filling[column] = (values[column - 1] if column <= len(values) else None, last)
        yield values


def unknown_column_message(column: str, known: Iterable) -> str:
    """A header the import does not know: read as nothing, its data would be lost without a
    word (a "No. HP" column leaving every contact without a number)."""
    return _(
        "Kolom “%(col)s” tidak dikenali: ganti judulnya dengan judul kolom templat "
        "(%(known)s) atau hapus kolom itu."
    ) % {"col": column[:60], "known": ", ".join(str(label) for label in known)}
