"""Region outlines as plain GeoJSON (RFC 7946) geometry: checked here, stored as JSON.

No PostGIS: the portal only draws outlines and shades them, it never asks spatial questions of the
database, so a validated JSON document is enough. Positions are `[longitude, latitude]` in WGS 84,
as GeoJSON has them (note the order: the opposite of how people say coordinates).
"""

import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

GEOMETRY_TYPES = ("Polygon", "MultiPolygon")


def _number(value) -> bool:
    """A number the database stores: JSON's NaN and Infinity (which GIS tools write for a
    missing height) are not JSON to PostgreSQL."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def _check_ring(ring, counted: list[int]) -> None:
    if not isinstance(ring, list) or len(ring) < 4:
        raise ValidationError(
            _("Setiap cincin poligon harus berupa daftar minimal 4 titik."), code="ring"
        )
    for position in ring:
        if (
            not isinstance(position, list)
            or len(position) < 2
            or not all(_number(v) for v in position)
        ):
            raise ValidationError(
                _("Setiap titik harus berupa pasangan angka [bujur, lintang]."), code="position"
            )
        lon, lat = position[0], position[1]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValidationError(
                _(
                    "Titik [%(lon)s, %(lat)s] di luar jangkauan: bujur -180…180, lintang -90…90 "
                    "(urutan GeoJSON adalah [bujur, lintang])."
                )
                % {"lon": lon, "lat": lat},
                code="range",
            )
    if ring[0][:2] != ring[-1][:2]:
        raise ValidationError(
            _("Cincin poligon harus tertutup: titik terakhir sama dengan titik pertama."),
            code="open_ring",
        )
    counted[0] += len(ring)
    if counted[0] > settings.REGION_BOUNDARY_MAX_POINTS:
        raise ValidationError(
            _("Batas wilayah terlalu rinci: lebih dari %(max)s titik. Sederhanakan dahulu.")
            % {"max": settings.REGION_BOUNDARY_MAX_POINTS},
            code="too_large",
        )


def _check_polygon(rings, counted: list[int]) -> None:
    if not isinstance(rings, list) or not rings:
        raise ValidationError(_("Poligon harus memuat minimal satu cincin."), code="polygon")
    for ring in rings:
        _check_ring(ring, counted)


def validate_boundary(geometry) -> None:
    """Refuse anything but a well-formed Polygon or MultiPolygon of bounded size."""
    if not isinstance(geometry, dict):
        raise ValidationError(_("Batas wilayah harus berupa objek geometri GeoJSON."), code="type")
    kind = geometry.get("type")
    if kind not in GEOMETRY_TYPES:
        raise ValidationError(
            _("Jenis geometri %(kind)s tidak didukung; gunakan Polygon atau MultiPolygon.")
            % {"kind": str(kind)[:40]},
            code="type",
        )
    coordinates = geometry.get("coordinates")
    counted = [0]
    if kind == "Polygon":
        _check_polygon(coordinates, counted)
    else:
        if not isinstance(coordinates, list) or not coordinates:
            raise ValidationError(
                _("MultiPolygon harus memuat minimal satu poligon."), code="polygon"
            )
        for polygon in coordinates:
            _check_polygon(polygon, counted)


def clean_geometry(geometry) -> dict:
    """The checked geometry with only what an outline needs: other members of the object (a
    `bbox`, foreign members) may hold anything, NaN or a NUL character included."""
    validate_boundary(geometry)
    return {"type": geometry["type"], "coordinates": geometry["coordinates"]}


def outer_rings(geometry: dict) -> list[list]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"][0]]
    return [polygon[0] for polygon in geometry["coordinates"]]


def centroid(geometry: dict) -> tuple[float, float]:
    """The area-weighted centre of the outer rings as (latitude, longitude); the plain mean of the
    vertices when the rings have no area, or when a ring that crosses itself puts the centre
    outside them. Good enough for a marker at kecamatan scale. Each piece counts by its own area
    whichever way it is drawn (RFC 7946 asks readers to accept either winding): pieces drawn in
    opposite directions would otherwise cancel out and put the centre far outside both."""
    area_sum = x_sum = y_sum = 0.0
    points = []
    for ring in outer_rings(geometry):
        points.extend(ring[:-1])
        ring_area = ring_x = ring_y = 0.0
        for (x0, y0), (x1, y1) in zip(
            (p[:2] for p in ring[:-1]), (p[:2] for p in ring[1:]), strict=True
        ):
            cross = x0 * y1 - x1 * y0
            ring_area += cross
            ring_x += (x0 + x1) * cross
            ring_y += (y0 + y1) * cross
        if ring_area < 0:  # clockwise: the same piece, the other way round
            ring_area, ring_x, ring_y = -ring_area, -ring_x, -ring_y
        area_sum += ring_area
        x_sum += ring_x
        y_sum += ring_y
    mean = (sum(p[1] for p in points) / len(points), sum(p[0] for p in points) / len(points))
    if area_sum < 1e-12:
        return mean
    lat, lon = y_sum / (3 * area_sum), x_sum / (3 * area_sum)
    # A ring that crosses itself has no meaningful area: its "centre" can land anywhere, even
    # past longitude 180. Outside the outline's box, the plain mean stands in.
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    if not (min(lats) <= lat <= max(lats) and min(lons) <= lon <= max(lons)):
        return mean
    return lat, lon
