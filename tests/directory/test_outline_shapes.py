"""Outlines of more than one piece (a kecamatan with an exclave) are placed at the centre of all
pieces; a MultiPolygon with no piece is refused in Indonesian; a degenerate outline (no area)
still gets a marker, at the mean of its points."""

import html
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from directory.geometry import centroid
from directory.models import Region
from tests.directory.test_geography import (
    SQUARE,
    UPLOAD,
    collection,
    feature,
    region_change,
    upload,
)

pytestmark = pytest.mark.django_db


def square(x, y, size=0.1):
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return [ring]


def test_a_two_piece_outline_is_centred_between_its_pieces():
    two = {"type": "MultiPolygon", "coordinates": [square(112.2, -7.6), square(112.4, -7.6)]}
    latitude, longitude = centroid(two)
    assert round(latitude, 6) == -7.55
    assert round(longitude, 6) == 112.35


def test_pieces_drawn_in_opposite_directions_are_centred_by_their_areas():
    # Their signed areas cancelled: the centre landed far outside both (at longitude 312 for a
    # nearly equal pair) and the upload of the outline failed with a server error.
    small, large_clockwise = square(112.2, -7.6), [list(reversed(square(112.4, -7.6, 0.2)[0]))]
    two = {"type": "MultiPolygon", "coordinates": [small, large_clockwise]}
    # Areas 0.01 and 0.04, centres (112.25, -7.55) and (112.5, -7.5).
    assert centroid(two) == pytest.approx((-7.51, 112.45))
    alone = {"type": "Polygon", "coordinates": large_clockwise}
    assert centroid(alone) == pytest.approx((-7.5, 112.5))


def test_a_multipolygon_without_pieces_is_refused(kecamatan):
    kecamatan.boundary = {"type": "MultiPolygon", "coordinates": []}
    with pytest.raises(ValidationError) as error:
        kecamatan.full_clean()
    assert error.value.message_dict["boundary"] == [
        "MultiPolygon harus memuat minimal satu poligon."
    ]


def test_an_outline_without_area_is_placed_at_the_mean_of_its_points():
    flat = {"type": "Polygon", "coordinates": [[[112.2, -7.6], [112.4, -7.6], [112.2, -7.6]]]}
    assert centroid(flat) == pytest.approx((-7.6, 112.3))
    assert centroid(SQUARE) == pytest.approx((-7.55, 112.25))


def test_a_ring_that_crosses_itself_is_placed_inside_its_box_and_uploads(
    client, admin_user, kecamatan
):
    # Its area-weighted centre came out at longitude ~1445: the region's own check refused it
    # and the upload failed with a server error.
    bow = [[[112, -7.5], [112.2, -7.3], [112.2, -7.5], [112, -7.30001], [112, -7.5]]]
    crossing = {"type": "Polygon", "coordinates": bow}
    latitude, longitude = centroid(crossing)
    assert -7.5 <= latitude <= -7.3 and 112 <= longitude <= 112.2

    Region.objects.filter(pk=kecamatan.pk).update(latitude=None, longitude=None)
    client.force_login(admin_user)
    data = json.dumps(collection(feature(kecamatan.code, crossing))).encode()
    response = client.post(UPLOAD, upload(data), follow=True)
    assert "Batas wilayah dimuat untuk 1 wilayah." in response.content.decode()
    kecamatan.refresh_from_db()
    assert 112 <= kecamatan.longitude <= Decimal("112.2")


def test_nan_infinity_and_foreign_members_never_reach_the_database(client, admin_user, kecamatan):
    # GIS tools write NaN for a missing height; PostgreSQL's JSON has no NaN: a 500 on upload.
    client.force_login(admin_user)
    ring = [[112.2, -7.5, "NaN"], [112.3, -7.5, 0], [112.3, -7.6, 0], [112.2, -7.5, "NaN"]]
    text = json.dumps(
        collection(feature(kecamatan.code, {"type": "Polygon", "coordinates": [ring]}))
    )
    text = text.replace('"NaN"', "NaN")
    page = client.post(UPLOAD, upload(text.encode())).content.decode()
    assert "Setiap titik harus berupa pasangan angka [bujur, lintang]." in html.unescape(page)

    square = {**SQUARE, "bbox": [float("nan")], "catatan": "a\x00b"}
    data = json.dumps(collection(feature(kecamatan.code, square)))
    response = client.post(UPLOAD, upload(data.encode()), follow=True)
    assert "Batas wilayah dimuat untuk 1 wilayah." in response.content.decode()
    kecamatan.refresh_from_db()
    assert kecamatan.boundary == {"type": "Polygon", "coordinates": SQUARE["coordinates"]}

    nul_code = json.dumps(collection(feature("35.17.08\x00", SQUARE))).encode()
    page = html.unescape(client.post(UPLOAD, upload(nul_code)).content.decode())
    assert "Fitur 1: kode '35.17.08\\x00' bukan kode Kemendagri." in page


def test_nan_typed_into_the_outline_field_is_refused_next_to_it(client, admin_user, kecamatan):
    client.force_login(admin_user)
    ring = "[[112.2, -7.5, NaN], [112.3, -7.5], [112.3, -7.6], [112.2, -7.5, NaN]]"
    boundary = f'{{"type": "Polygon", "coordinates": [{ring}]}}'
    response = region_change(client, kecamatan, boundary=boundary)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["boundary"] == [
        "Setiap titik harus berupa pasangan angka [bujur, lintang]."
    ]
