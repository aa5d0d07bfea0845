"""The English catalog covers every text of the user interface, and stays in sync with the code."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

from django.utils import translation

from tests.factories import AgencyFactory

ROOT = Path(__file__).resolve().parents[2]
SKIP = [
    ".venv",
    "node_modules",
    ".pgdata",
    "staticfiles",
    "media",
    "tests",
    ".git",
    "*.mo",
    "__pycache__",
    "test-artifacts",
    ".ruff_cache",
    ".pytest_cache",
]


def statistics(po: Path) -> str:
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stderr


def test_every_text_in_the_code_has_an_english_translation(tmp_path):
    # makemessages writes into the tree it scans, so it runs on a copy of the sources.
    copy = tmp_path / "src"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(*SKIP))
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", "-v", "0"],
        cwd=copy,
        check=True,
        capture_output=True,
    )

    stats = statistics(copy / "locale" / "en" / "LC_MESSAGES" / "django.po")
    assert "untranslated" not in stats, f"run `make messages` and translate: {stats}"
    assert "fuzzy" not in stats, f"review fuzzy entries in locale/en: {stats}"


def test_english_is_served_from_the_catalog():
    with translation.override("en"):
        assert translation.gettext("Dasbor") == "Dashboard"
    with translation.override("id"):
        assert translation.gettext("Dasbor") == "Dasbor"


def test_import_pages_speak_indonesian():
    with translation.override("id"):
        assert translation.gettext("Confirm import") == "Konfirmasi impor"


def test_the_administration_s_indonesian_is_corrected_where_django_s_is_wrong(admin_client):
    """Django ships typos and words meaning something else; locale-thirdparty/ corrects those the
    administration shows (the action button read "Buka", "open")."""
    AgencyFactory()  # the action bar is shown over a list with rows
    changelist = admin_client.get("/admin/directory/agency/").content.decode()
    assert re.search(
        r"<button[^>]*title=\"Jalankan aksi terpilih\"[^>]*>Jalankan</button>", changelist
    )
    add_user = admin_client.get("/admin/accounts/user/add/").content.decode()
    for wrong in ["Autentidikasi", "atau sedikit", "merubah", "Diadakan", "Ditiadakan"]:
        assert wrong not in add_user
    assert "Masuk dengan kata sandi" in add_user
    assert "Paling banyak 150 karakter" in add_user
    with translation.override("id"):
        assert (
            translation.ngettext(
                "Please correct the error below.", "Please correct the errors below.", 2
            )
            == "Perbaiki kesalahan di bawah ini."
        )
