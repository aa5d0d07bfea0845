"""`manage.py import_regions`: counts, idempotence, another regency, bad input."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from directory.choices import RegionLevel
from directory.models import Region

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("import_regions", *args, stdout=out)
    return out.getvalue()


def test_loads_jombang_from_the_packaged_list():
    output = run("--code", "35.17")

    assert Region.objects.filter(level=RegionLevel.KABUPATEN).get().code == "35.17"
    kecamatan = Region.objects.kecamatan()
    assert kecamatan.count() == 21
    assert kecamatan.first().name == "Perak"
    assert kecamatan.last().code == "35.17.21"
    assert kecamatan.last().name == "Ngusikan"
    assert Region.objects.desa().count() == 306
    kelurahan = [r for r in Region.objects.desa() if r.is_kelurahan]
    assert len(kelurahan) == 4
    assert {r.parent.code for r in kelurahan} == {"35.17.09"}
    assert "328 dibuat" in output


def test_every_desa_hangs_under_its_kecamatan():
    run("--code", "35.17")
    for desa in Region.objects.desa().select_related("parent"):
        assert desa.parent.level == RegionLevel.KECAMATAN
        assert desa.code.startswith(desa.parent.code + ".")


def test_second_run_changes_nothing():
    run("--code", "35.17")
    ids = dict(Region.objects.values_list("code", "pk"))

    output = run("--code", "35.17")

    assert "0 dibuat, 0 diperbarui, 328 tetap" in output
    assert dict(Region.objects.values_list("code", "pk")) == ids


def test_a_renamed_desa_is_updated_in_place():
    run("--code", "35.17")
    desa = Region.objects.desa().first()
    Region.objects.filter(pk=desa.pk).update(name="Nama Lama")

    output = run("--code", "35.17")

    desa.refresh_from_db()
    assert desa.name != "Nama Lama"
    assert "1 diperbarui" in output


def test_another_regency_code_works_too():
    run("--code", "35.78")  # Kota Surabaya

    assert Region.objects.get(code="35.78").level == RegionLevel.KABUPATEN
    assert Region.objects.kecamatan().count() == 31
    assert Region.objects.desa().count() == 154
    assert not Region.objects.filter(code__startswith="35.17").exists()


def test_own_csv_file(tmp_path):
    path = tmp_path / "wilayah.csv"
    path.write_text(
        "99.01,KAB. CONTOH\n99.01.01,Satu\n99.01.01.2001,Desa A\n99.01.01.1002,Kelurahan B\n"
        "99.02,KAB. LAIN\n",
        encoding="utf-8",
    )

    run("--code", "99.01", "--csv", str(path))

    assert list(Region.objects.values_list("code", flat=True)) == [
        "99.01",
        "99.01.01",
        "99.01.01.1002",
        "99.01.01.2001",
    ]
    assert Region.objects.get(code="99.01.01.1002").is_kelurahan


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("35", "bukan kode kabupaten/kota"),
        ("35.99", "tidak ada dalam berkas"),
        ("abc", "bukan kode kabupaten/kota"),
    ],
)
def test_bad_codes_are_refused_with_a_message(code, message):
    with pytest.raises(CommandError, match=message):
        run("--code", code)
    assert not Region.objects.exists()


def test_orphan_row_rejects_the_whole_file(tmp_path):
    path = tmp_path / "wilayah.csv"
    path.write_text("99.01,KAB. CONTOH\n99.01.02.2001,Desa Yatim\n", encoding="utf-8")

    with pytest.raises(CommandError, match="tidak punya baris induk"):
        run("--code", "99.01", "--csv", str(path))
    assert not Region.objects.exists()


def test_missing_csv_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Berkas CSV tidak ditemukan"):
        run("--code", "35.17", "--csv", str(tmp_path / "nope.csv"))
