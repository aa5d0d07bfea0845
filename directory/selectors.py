"""Figures of the directory that other apps read."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from directory.choices import TeamPosition
from directory.geometry import bounding_box
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


def regency_bounds() -> Bounds | None:
    """The box every report's coordinates must lie in: around the outline of the regency, or of
    its kecamatan, drawn on the map (with a margin for a point on the border and for outlines
    simplified for the map); without outlines, `PORTAL_REGION_BOUNDS`; None when neither is
    known (nothing to check against)."""
    code = settings.PORTAL_REGION_CODE
    outlines = Region.objects.filter(boundary__isnull=False)
    geometries = list(outlines.filter(code=code).values_list("boundary", flat=True)) or list(
        outlines.kecamatan().filter(code__startswith=code + ".").values_list("boundary", flat=True)
    )
    box = bounding_box(geometries)
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
