"""Figures of the directory that other apps read."""

from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q
from django.utils import timezone

from directory.choices import RegionLevel, TeamPosition
from directory.models import Agency, Contact, Region, TeamDecree, TeamMember


def directory_summary(user) -> dict:
    """How many kecamatan, desa, active agencies and active contacts the user may see."""
    regions = Region.objects.visible_to(user)
    return {
        "kecamatan": regions.kecamatan().count(),
        "desa": regions.desa().count(),
        "agencies": Agency.objects.visible_to(user).filter(active=True).count(),
        "contacts": Contact.objects.visible_to(user).filter(active=True).count(),
    }


def regency():
    """The regency this portal serves (`PORTAL_REGION_CODE`), or None before regions are loaded."""
    return Region.objects.filter(code=settings.PORTAL_REGION_CODE).first()


def regency_title(region=None) -> str:
    """The regency's name as official documents write it: `KAB. JOMBANG` -> `Kabupaten Jombang`,
    `KOTA SURABAYA` -> `Kota Surabaya`. Falls back to the configured code."""
    region = region if region is not None else regency()
    if region is None:
        return settings.PORTAL_REGION_CODE
    name = region.name.strip()
    upper = name.upper()
    for prefix, title in (("KAB.", "Kabupaten"), ("KABUPATEN", "Kabupaten"), ("KOTA", "Kota")):
        if upper.startswith(prefix):
            return f"{title} {name[len(prefix) :].strip().title()}"
    return name.title() if name.isupper() else name


@dataclass(frozen=True)
class Bounds:
    """A latitude/longitude box, in degrees (south and west are the smaller numbers)."""

    south: float
    west: float
    north: float
    east: float

    def contains(self, latitude: float, longitude: float) -> bool:
        return self.south <= latitude <= self.north and self.west <= longitude <= self.east


# The positions of a stored outline's outer rings (Polygon or MultiPolygon), for jsonb_path_query.
_OUTER_POSITIONS = (
    "CASE WHEN r.boundary->>'type' = 'Polygon' THEN '$.coordinates[0][*]'::jsonpath "
    "ELSE '$.coordinates[*][0][*]'::jsonpath END"
)


def _outline_box(region_ids) -> tuple[float, float, float, float] | None:
    """(south, west, north, east) around the outer rings of these regions' outlines, worked out
    in the database (one query, whatever the outlines' size); None without outlines."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min((p->>1)::float8), min((p->>0)::float8), max((p->>1)::float8), "
            "max((p->>0)::float8) FROM directory_region r CROSS JOIN LATERAL "
            f"jsonb_path_query(r.boundary, {_OUTER_POSITIONS}) AS p WHERE r.id = ANY(%s)",
            [list(region_ids)],
        )
        box = cursor.fetchone()
    return None if box is None or box[0] is None else box


def regency_bounds() -> Bounds | None:
    """The box every report's coordinates must lie in: around the outline of the regency, or of
    its kecamatan when every one of them has an outline, drawn on the map (with a margin for a
    point on the border and for outlines simplified for the map); otherwise
    `PORTAL_REGION_BOUNDS` (a few kecamatan outlined are not the regency: points in the others
    would be refused); None when nothing is known to check against. Two queries."""
    code = settings.PORTAL_REGION_CODE
    regions = (
        Region.objects.filter(
            Q(code=code) | Q(level=RegionLevel.KECAMATAN, code__startswith=code + ".")
        )
        .annotate(outlined=ExpressionWrapper(Q(boundary__isnull=False), BooleanField()))
        .values_list("pk", "code", "outlined")
    )
    regency = [pk for pk, region_code, outlined in regions if region_code == code and outlined]
    kecamatan = [(pk, outlined) for pk, region_code, outlined in regions if region_code != code]
    if regency:
        box = _outline_box(regency)
    elif kecamatan and all(outlined for _pk, outlined in kecamatan):
        box = _outline_box(pk for pk, _outlined in kecamatan)
    else:
        box = None
    if box is None:
        configured = settings.PORTAL_REGION_BOUNDS
        return Bounds(*configured) if configured else None
    margin = settings.PORTAL_REGION_BOUNDS_MARGIN
    south, west, north, east = box
    return Bounds(south - margin, west - margin, north + margin, east + margin)


def regency_kecamatan():
    """The regency's kecamatan, by code (two queries at most: the regency, its kecamatan)."""
    region = regency()
    if region is None:
        return Region.objects.none()
    return Region.objects.kecamatan().filter(code__startswith=region.code + ".")


def team_decree(year: int):
    """The year's team decree with its members and their agencies (two queries), or None."""
    return (
        TeamDecree.objects.filter(year=year)
        .prefetch_related(Prefetch("members", queryset=TeamMember.objects.select_related("agency")))
        .first()
    )


@dataclass(frozen=True)
class Signatory:
    place: str
    name: str
    position: str
    nip: str


def signatory(decree=None) -> Signatory:
    """Who signs the year's documents: from settings, else the secretary named in the decree."""
    name, position = settings.PORTAL_SIGNER_NAME, settings.PORTAL_SIGNER_POSITION
    if not name and decree is not None:
        secretary = next(
            (m for m in decree.members.all() if m.position == TeamPosition.SEKRETARIS), None
        )
        if secretary is not None:
            name = secretary.person_name
    place = settings.PORTAL_SIGNATURE_PLACE or regency_title().split(" ", 1)[-1]
    return Signatory(place=place, name=name, position=position, nip=settings.PORTAL_SIGNER_NIP)


def region_centres(user, region_ids) -> dict[int, tuple[float, float]]:
    """The reference centre (latitude, longitude) of each given region that has one (one
    query). Where the map puts a report without coordinates of its own."""
    if not region_ids:
        return {}
    rows = (
        Region.objects.visible_to(user)
        .filter(pk__in=region_ids, latitude__isnull=False)
        .values_list("pk", "latitude", "longitude")
    )
    return {pk: (float(lat), float(lon)) for pk, lat, lon in rows}


def region_places(user, region_ids) -> dict[int, tuple[str, tuple[float, float] | None]]:
    """{id: (name, reference centre or None)} of the given regions the user may see (one
    query): what the map needs to label and place a count per kecamatan."""
    if not region_ids:
        return {}
    rows = (
        Region.objects.visible_to(user)
        .filter(pk__in=region_ids)
        .values_list("pk", "name", "latitude", "longitude")
    )
    return {
        pk: (name, None if lat is None else (float(lat), float(lon))) for pk, name, lat, lon in rows
    }


def kecamatan_outlines(user) -> list[Region]:
    """The kecamatan the user may see that have an outline, with it (one query). `level` comes
    along for `display_name` ("Kecamatan Diwek"): deferred, it cost a query per outline."""
    return list(
        Region.objects.visible_to(user)
        .kecamatan()
        .filter(boundary__isnull=False)
        .only("pk", "code", "name", "level", "boundary")
        .order_by("code")
    )


def letterhead(year: int) -> dict:
    """What the letterhead and signature includes (templates/includes/letterhead.html,
    signature.html) need for documents of `year`, the logo aside: the regency's name, the
    secretariat from settings, the year's decree and its signatory, today's date."""
    decree = team_decree(year)
    return {
        "regency_name": regency_title(),
        "secretariat_name": settings.PORTAL_SECRETARIAT_NAME,
        "secretariat_address": settings.PORTAL_SECRETARIAT_ADDRESS,
        "secretariat_contact": settings.PORTAL_SECRETARIAT_CONTACT,
        "decree": decree,
        "signatory": signatory(decree),
        "today": timezone.localdate(),
    }
