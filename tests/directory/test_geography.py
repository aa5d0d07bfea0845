"""Region centres and outlines (issue 11 item 3): validated GeoJSON, loaded from a file by a
command or an admin upload, all or nothing, with Indonesian messages."""

import csv
import io
import json
import math
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from accounts.models import User
from core.models import ActivityLog
from directory.management.commands import load_reference_data
from directory.models import Region
from directory.services import BoundaryImportError, region_boundaries_load, region_centres_load

pytestmark = pytest.mark.django_db

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[112.2, -7.6], [112.3, -7.6], [112.3, -7.5], [112.2, -7.5], [112.2, -7.6]]],
}


def feature(code, geometry=SQUARE, prop="kode"):
    return {"type": "Feature", "properties": {prop: code}, "geometry": geometry}


def region_change(client, region, **changes):
    """The admin's change form of `region` sent with `changes` (no centre, no outline)."""
    data = {
        "code": region.code,
        "name": region.name,
        "level": region.level,
        "parent": region.parent_id,
        "latitude": "",
        "longitude": "",
        "boundary": "",
    }
    return client.post(f"/admin/directory/region/{region.pk}/change/", {**data, **changes})


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def test_a_square_outline_is_valid_and_gives_its_centre(kecamatan):
    kecamatan.boundary = SQUARE
    kecamatan.full_clean()
    result = region_boundaries_load(collection=collection(feature("35.17.08")))
    kecamatan.refresh_from_db()
    assert result.updated == ["35.17.08"]
    assert kecamatan.boundary == SQUARE
    assert (kecamatan.latitude, kecamatan.longitude) == (Decimal("-7.55"), Decimal("112.25"))


def test_multipolygons_are_accepted(kecamatan):
    kecamatan.boundary = {"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"]]}
    kecamatan.full_clean()


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        ({"type": "Point", "coordinates": [112.2, -7.5]}, "Polygon atau MultiPolygon"),
        ("bukan geometri", "objek geometri GeoJSON"),
        (
            {"type": "Polygon", "coordinates": [[[-7.6, 112.2], [-7.6, 112.3], [-7.5, 112.3]]]},
            "minimal 4 titik",
        ),
        (
            {"type": "Polygon", "coordinates": [[[10, 95], [11, 95], [11, 96], [10, 95]]]},
            "di luar jangkauan",
        ),
        (
            {"type": "Polygon", "coordinates": [[[1, 1], [2, 1], [2, 2], [1, 2]]]},
            "harus tertutup",
        ),
        ({"type": "Polygon", "coordinates": [[["a", 1], [2, 1], [2, 2], ["a", 1]]]}, "angka"),
        ({"type": "Polygon", "coordinates": []}, "minimal satu cincin"),
    ],
)
def test_bad_outlines_are_refused_next_to_the_field(kecamatan, geometry, message):
    kecamatan.boundary = geometry
    with pytest.raises(ValidationError) as error:
        kecamatan.full_clean()
    assert message in " ".join(error.value.message_dict["boundary"])


def test_outline_size_is_bounded(kecamatan, settings):
    settings.REGION_BOUNDARY_MAX_POINTS = 4
    kecamatan.boundary = {"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"]] * 2}
    with pytest.raises(ValidationError) as error:
        kecamatan.full_clean()
    assert "terlalu rinci" in " ".join(error.value.message_dict["boundary"])


def test_a_centre_needs_both_coordinates(kecamatan):
    kecamatan.latitude = Decimal("-7.5")
    with pytest.raises(ValidationError):
        kecamatan.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.filter(pk=kecamatan.pk).update(latitude=Decimal("-7.5"))


def test_one_bad_feature_refuses_the_whole_file(kecamatan, other_kecamatan):
    bad = {"type": "Polygon", "coordinates": [[[1, 1], [2, 1], [2, 2], [1, 2]]]}
    with pytest.raises(BoundaryImportError) as error:
        region_boundaries_load(
            collection=collection(
                feature("35.17.08"), feature("35.17.05", bad), {"type": "Feature"}
            )
        )
    assert error.value.messages == [
        "Fitur 2 (35.17.05): Cincin poligon harus tertutup: titik terakhir sama dengan titik "
        "pertama.",
        "Fitur 3: properti kode (kode Kemendagri) tidak ada.",
    ]
    assert not Region.objects.filter(boundary__isnull=False).exists()


def test_a_province_wide_file_loads_this_regency_s_outlines_whatever_the_others_hold(kecamatan):
    # Other regencies' features are skipped unread: a bad ring or a repeated code among them
    # refused the whole file.
    bad = {"type": "Polygon", "coordinates": [[[1, 1], [2, 1], [2, 2], [1, 2]]]}
    result = region_boundaries_load(
        collection=collection(
            feature("35.18.01", bad), feature("35.18.02"), feature("35.18.02"), feature("35.17.08")
        )
    )
    assert result.updated == ["35.17.08"]
    assert result.unknown == ["35.18.01", "35.18.02"]
    kecamatan.refresh_from_db()
    assert kecamatan.boundary is not None


def test_a_centre_set_before_is_kept_and_unknown_codes_are_reported(kecamatan, admin_user):
    kecamatan.latitude, kecamatan.longitude = Decimal("-7.59"), Decimal("112.23")
    kecamatan.save()
    result = region_boundaries_load(
        collection=collection(feature("35.17.08"), feature("99.99.99")), by=admin_user
    )
    kecamatan.refresh_from_db()
    assert (kecamatan.latitude, kecamatan.longitude) == (Decimal("-7.59"), Decimal("112.23"))
    assert result.unknown == ["99.99.99"]
    entry = ActivityLog.objects.get(action="directory.region.boundaries_set")
    assert entry.actor == admin_user and entry.data["codes"] == ["35.17.08"]


def test_reference_centres_fill_only_empty_ones(kecamatan, other_kecamatan):
    other_kecamatan.latitude, other_kecamatan.longitude = Decimal("-7.7"), Decimal("112.4")
    other_kecamatan.save()
    rows = [
        {"kode": "35.17.08", "latitude": "-7.6", "longitude": "112.2"},
        {"kode": "35.17.05", "latitude": "-7.1", "longitude": "112.1"},
        {"kode": "35.17.99", "latitude": "-7.1", "longitude": "112.1"},
    ]
    assert region_centres_load(rows=rows) == 1
    kecamatan.refresh_from_db()
    other_kecamatan.refresh_from_db()
    assert kecamatan.latitude == Decimal("-7.6")
    assert other_kecamatan.latitude == Decimal("-7.7")


def test_reference_data_places_the_cited_kecamatan(regency, roles):
    gudo = Region.objects.create(code="35.17.02", name="Gudo", level="kecamatan", parent=regency)
    call_command("load_reference_data", stdout=io.StringIO())
    gudo.refresh_from_db()
    # Gudo sits in the south of the regency, inside its published extent.
    assert Decimal("-7.78") < gudo.latitude < Decimal("-7.34")
    assert Decimal("112.06") < gudo.longitude < Decimal("112.46")


def test_command_loads_a_file(tmp_path, kecamatan):
    path = tmp_path / "kecamatan.geojson"
    path.write_text(json.dumps(collection(feature("35.17.08", prop="KODE"))))
    call_command("load_region_boundaries", str(path), "--property", "KODE", stdout=io.StringIO())
    kecamatan.refresh_from_db()
    assert kecamatan.boundary == SQUARE


def test_command_refuses_a_file_without_a_known_code_and_counts_skipped_ones(tmp_path, kecamatan):
    path = tmp_path / "kecamatan.geojson"
    path.write_text(json.dumps(collection(feature("35.99.01"))))
    with pytest.raises(CommandError, match=r"Tidak satu pun dari 1 fitur .*35\.99\.01"):
        call_command("load_region_boundaries", str(path))
    assert not Region.objects.filter(boundary__isnull=False).exists()

    path.write_text(json.dumps(collection(feature("35.17.08"), feature("35.99.01"))))
    out = io.StringIO()
    call_command("load_region_boundaries", str(path), stdout=out)
    assert "tidak dikenal di portal ini: 1 (35.99.01)." in out.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "JSON tidak terbaca"),
        ('{"type": "Feature"}', "FeatureCollection"),
        ('{"type": "FeatureCollection", "features": []}', "tidak memuat satu pun fitur"),
    ],
)
def test_command_explains_a_bad_file(tmp_path, kecamatan, content, message):
    path = tmp_path / "salah.geojson"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        call_command("load_region_boundaries", str(path))
    with pytest.raises(CommandError, match="tidak dapat dibaca"):
        call_command("load_region_boundaries", str(tmp_path / "tidak-ada.geojson"))


UPLOAD = "/admin/directory/region/batas/unggah/"


def upload(data: bytes, name="batas.geojson"):
    return {"file": SimpleUploadedFile(name, data), "code_property": "kode"}


def test_admin_uploads_outlines(client, admin_user, kecamatan):
    client.force_login(admin_user)
    page = client.get("/admin/directory/region/").content.decode()
    assert UPLOAD in page
    response = client.post(
        UPLOAD, upload(json.dumps(collection(feature("35.17.08"))).encode()), follow=True
    )
    assert "Batas wilayah dimuat untuk 1 wilayah." in response.content.decode()
    kecamatan.refresh_from_db()
    assert kecamatan.boundary == SQUARE


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe bukan teks", "JSON tidak terbaca"),
        (json.dumps(collection(feature("35.17.08", {"type": "Point"}))).encode(), "tidak didukung"),
    ],
)
def test_admin_upload_names_the_problem_and_saves_nothing(
    client, admin_user, kecamatan, data, message
):
    client.force_login(admin_user)
    response = client.post(UPLOAD, upload(data))
    assert response.status_code == 200
    assert message in response.content.decode()
    kecamatan.refresh_from_db()
    assert kecamatan.boundary is None


def test_admin_uploads_an_outline_whose_pieces_are_drawn_in_opposite_directions(
    client, admin_user, kecamatan
):
    # A region without a centre gets the outline's: it came out at longitude 312 and the
    # upload answered with a server error.
    Region.objects.filter(pk=kecamatan.pk).update(latitude=None, longitude=None)
    pieces = [
        [[[112, -7.5], [112.1, -7.5], [112.1, -7.4], [112, -7.4], [112, -7.5]]],
        [[[112.2, -7.5], [112.2, -7.4], [112.3001, -7.4], [112.3001, -7.5], [112.2, -7.5]]],
    ]
    geometry = {"type": "MultiPolygon", "coordinates": pieces}
    client.force_login(admin_user)
    response = client.post(
        UPLOAD, upload(json.dumps(collection(feature("35.17.08", geometry))).encode()), follow=True
    )
    assert "Batas wilayah dimuat untuk 1 wilayah." in response.content.decode()
    kecamatan.refresh_from_db()
    assert float(kecamatan.longitude) == pytest.approx(112.15, abs=0.001)
    assert float(kecamatan.latitude) == pytest.approx(-7.45, abs=0.001)


def test_admin_upload_size_is_bounded(client, admin_user, kecamatan, settings):
    settings.REGION_BOUNDARY_MAX_BYTES = 10
    client.force_login(admin_user)
    response = client.post(UPLOAD, upload(json.dumps(collection(feature("35.17.08"))).encode()))
    assert "Berkas terlalu besar" in response.content.decode()


def test_only_who_may_change_regions_may_upload(client, personas):
    for role, user in personas.items():
        # Staff all, so the admin's own gate lets them in and the upload's check decides.
        User.objects.filter(pk=user.pk).update(is_staff=True)
        client.force_login(user)
        response = client.get(UPLOAD)
        if user.has_perm("directory.change_region"):
            assert response.status_code == 200, role
        else:
            assert response.status_code == 403, role
    client.logout()
    assert client.get(UPLOAD).status_code == 302


def km_between(a: Region, b: Region) -> float:
    return math.hypot(
        float(a.latitude - b.latitude) * 110.6, float(a.longitude - b.longitude) * 110.3
    )


def test_every_shipped_kecamatan_and_desa_gets_a_centre_inside_the_regency(roles):
    # The packaged region list (35.17: 21 kecamatan, 306 desa) and the shipped centres together:
    # a region left without a centre would leave its unlocated reports off the map.
    call_command("import_regions", "--code", "35.17", stdout=io.StringIO())
    call_command("load_reference_data", stdout=io.StringIO())
    kecamatan = list(Region.objects.kecamatan())
    desa = list(Region.objects.desa().select_related("parent"))
    assert (len(kecamatan), len(desa)) == (21, 306)
    unplaced = [region.name for region in kecamatan + desa if region.latitude is None]
    assert unplaced == []
    for region in kecamatan + desa:
        assert Decimal("-7.8") < region.latitude < Decimal("-7.3"), region.name
        assert Decimal("112.05") < region.longitude < Decimal("112.5"), region.name
    centres = {region.name: (region.latitude, region.longitude) for region in kecamatan}
    # Neighbours as the kecamatan pages describe them: Perak lies west of Jombang, Peterongan
    # east of it, Diwek south of it and Tembelang north; Kabuh is further north than Ploso.
    assert centres["Perak"][1] < centres["Jombang"][1] < centres["Peterongan"][1]
    assert centres["Diwek"][0] < centres["Jombang"][0] < centres["Tembelang"][0]
    assert centres["Ploso"][0] < centres["Kabuh"][0]
    # A desa lies near its own kecamatan's point (the largest kecamatan span about 15 km).
    far = [(d.name, round(km_between(d, d.parent), 1)) for d in desa if km_between(d, d.parent) > 9]
    assert far == []


def test_every_centre_row_names_its_source():
    path = Path(load_reference_data.__file__).resolve().parents[2] / "reference"
    with (path / "centres-35.17.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 21 + 306
    for row in rows:
        # A comma inside a cited address must be quoted, or the row gains a column.
        assert None not in row, row
        assert row["sumber"].startswith("https://"), row
