"""The folder of uploads awaiting an import's confirmation (core/imports.py) is the portal's own."""

import os
import stat

import pytest

from core.imports import kept_imports_folder


def test_the_folder_is_made_private_and_a_link_planted_in_its_place_is_not_used(settings, tmp_path):
    settings.IMPORT_KEPT_DIR = str(tmp_path / "kept")
    os.makedirs(settings.IMPORT_KEPT_DIR, mode=0o755)
    os.chmod(settings.IMPORT_KEPT_DIR, 0o755)
    assert kept_imports_folder() == settings.IMPORT_KEPT_DIR
    assert stat.S_IMODE(os.stat(settings.IMPORT_KEPT_DIR).st_mode) == 0o700

    # In a shared /tmp another user may create the predictable name first, e.g. as a link.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    settings.IMPORT_KEPT_DIR = str(tmp_path / "planted")
    os.symlink(elsewhere, settings.IMPORT_KEPT_DIR)
    with pytest.raises(PermissionError):
        kept_imports_folder()
