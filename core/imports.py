"""Where a spreadsheet import keeps the uploaded file between its preview and its confirmation
(django-import-export's IMPORT_EXPORT_TMP_STORAGE_CLASS).

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

from django.conf import settings
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
