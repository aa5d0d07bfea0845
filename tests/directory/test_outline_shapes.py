"""Outlines of more than one piece (a kecamatan with an exclave) are placed at the centre of all
pieces; a MultiPolygon with no piece is refused in Indonesian; a degenerate outline (no area)
still gets a marker, at the mean of its points."""

import pytest
from django.core.exceptions import ValidationError

from directory.geometry import centroid
from tests.directory.test_geography import SQUARE

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
