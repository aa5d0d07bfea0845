"""`manage.py import_regions --csv`: blank lines are skipped, and a row of the regency without a
name or with a code of no known level rejects the whole file, naming its line."""

import pytest
from django.core.management import CommandError

from directory.models import Region
from tests.directory.test_import_regions import run

pytestmark = pytest.mark.django_db


def test_blank_lines_are_skipped(tmp_path):
    path = tmp_path / "wilayah.csv"
    path.write_text("99.01,KAB. CONTOH\n\n,\n99.01.01,Satu\n", encoding="utf-8")
    run("--code", "99.01", "--csv", str(path))
    assert list(Region.objects.values_list("code", flat=True)) == ["99.01", "99.01.01"]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("99.01,KAB. CONTOH\n99.01.01\n", r"wilayah.csv:2: kode 99.01.01 tidak punya nama"),
        ("99.01,KAB. CONTOH\n99.01.01, \n", r"wilayah.csv:2: kode 99.01.01 tidak punya nama"),
        (
            "99.01,KAB. CONTOH\n99.01.01.2001.7,Dusun\n",
            r"wilayah.csv:2: kode 99.01.01.2001.7 tidak dikenal",
        ),
        # A code or name longer than its column, a NUL: a database error and a traceback.
        ("99.01,KAB. CONTOH\n99.01.0123,Satu\n", r"wilayah.csv:2: kode 99.01.0123 tidak dikenal"),
        (
            "99.01,KAB. CONTOH\n99.01.01," + "Panjang " * 20 + "\n",
            r"wilayah.csv:2: nama 99.01.01 bukan nama \(lebih dari 100 karakter",
        ),
        ("99.01,KAB. CONTOH\n99.01.01,Sa\x00tu\n", r"wilayah.csv:2: nama 99.01.01 bukan nama"),
    ],
    ids=["no-name-column", "blank-name", "too-deep", "long-code", "long-name", "nul"],
)
def test_a_bad_row_rejects_the_whole_file_naming_its_line(tmp_path, rows, message):
    path = tmp_path / "wilayah.csv"
    path.write_text(rows, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        run("--code", "99.01", "--csv", str(path))
    assert not Region.objects.exists()


def test_a_file_excel_saved_in_another_encoding_is_named_not_a_traceback(tmp_path):
    path = tmp_path / "wilayah.csv"
    text = "99.01,KAB. CONTOH\n99.01.01,Kecamatan Ngoro Selatan – Barat\n"
    path.write_bytes(text.encode("cp1252"))
    with pytest.raises(
        CommandError, match=r"wilayah.csv: bukan teks UTF-8; simpan CSV sebagai UTF-8"
    ):
        run("--code", "99.01", "--csv", str(path))
    assert not Region.objects.exists()
