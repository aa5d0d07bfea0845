"""What the spreadsheet imports share: where an import keeps the uploaded file between its
preview and its confirmation (django-import-export's IMPORT_EXPORT_TMP_STORAGE_CLASS), and how
a sheet's rows and headers are read.

The library's own storage writes it to the shared temporary folder and removes it only when the
import is confirmed: a preview with bad rows, or one nobody confirmed, left a whole contact list
(names, numbers, religion) there for good. Here the files live in a folder only the portal's
user may enter, a preview with bad rows removes its file at once (the admin's import page),
and `purge_kept_imports` (in the daily `purge_old_data`) removes those never confirmed."""

import contextlib
import os
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence

from django.conf import settings
from django.utils.translation import gettext as _
from import_export.tmp_storages import TempFolderStorage

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


def unknown_column_message(column: str, known: Iterable) -> str:
    """A header the import does not know: read as nothing, its data would be lost without a
    word (a "No. HP" column leaving every contact without a number)."""
    return _(
        "Kolom “%(col)s” tidak dikenali: ganti judulnya dengan judul kolom templat "
        "(%(known)s) atau hapus kolom itu."
    ) % {"col": column[:60], "known": ", ".join(str(label) for label in known)}
