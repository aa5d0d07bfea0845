"""The task force's directory: regions, agencies, community-leader contacts, the yearly decree."""

from decimal import Decimal

import pghistory
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from core.models import ConstraintFieldsMixin
from core.utils import single_spaced
from directory.choices import (
    AgencyKind,
    ContactKind,
    LegalBasis,
    RegionLevel,
    SubTeam,
    TeamPosition,
)
from directory.geometry import clean_geometry
from directory.querysets import AgencyQuerySet, ContactQuerySet, RegionQuerySet


class Region(models.Model):
    """An administrative area by its Kemendagri code: the regency, a kecamatan or a desa/kelurahan.

    Codes are dotted and hierarchical (`35.17`, `35.17.01`, `35.17.01.2001`), so "everything in a
    kecamatan" is a prefix match on the code.
    """

    # unique=True also gives a varchar_pattern_ops index on PostgreSQL, which serves the prefix
    # lookups `code LIKE '35.17.01.%'` behind "everything inside this kecamatan".
    code = models.CharField(_("kode Kemendagri"), max_length=13, unique=True)
    name = models.CharField(_("nama"), max_length=100)
    level = models.CharField(_("tingkat"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("wilayah induk"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    # Where the map puts a report that has no coordinates of its own: an approximate centre of
    # the region (the seat of its office will do), loaded from reference data or a boundary.
    latitude = models.DecimalField(
        _("lintang titik tengah"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-90")), MaxValueValidator(Decimal("90"))],
    )
    longitude = models.DecimalField(
        _("bujur titik tengah"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("-180")), MaxValueValidator(Decimal("180"))],
    )
    boundary = models.JSONField(
        _("batas wilayah (GeoJSON)"),
        null=True,
        blank=True,
        help_text=_("Geometri GeoJSON Polygon atau MultiPolygon, titik sebagai [bujur, lintang]."),
    )

    objects = RegionQuerySet.as_manager()

    class Meta:
        verbose_name = _("wilayah")
        verbose_name_plural = _("wilayah")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                name="region_centre_both_or_neither",
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                violation_error_message=_("Isi lintang dan bujur titik tengah bersama-sama."),
            ),
            models.CheckConstraint(
                name="region_centre_in_range",
                condition=Q(latitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                violation_error_message=_("Titik tengah di luar jangkauan lintang/bujur."),
            ),
        ]

    def __str__(self):
        return self.name

    # The level a region's parent must have; the regency has none.
    PARENT_LEVEL = {
        RegionLevel.KECAMATAN: RegionLevel.KABUPATEN,
        RegionLevel.DESA: RegionLevel.KECAMATAN,
    }

    def clean(self):
        super().clean()
        self._clean_parent()
        self._clean_keeps_children()
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError(
                {"longitude": _("Isi lintang dan bujur titik tengah bersama-sama.")}
            )
        if self.boundary is not None:
            try:
                self.boundary = clean_geometry(self.boundary)
            except ValidationError as error:
                raise ValidationError({"boundary": error.messages}) from error

    def _clean_parent(self):
        """A kecamatan lies in the regency and a desa in a kecamatan, with a code that starts
        with its parent's: what a user may see is found by that prefix (RegionQuerySet), and
        every page naming a desa names its kecamatan."""
        if self.level not in RegionLevel.values:
            return  # the level's own field error says so
        wanted = self.PARENT_LEVEL.get(self.level)
        parent = self.parent if self.parent_id else None
        if wanted is None:
            if parent is not None:
                raise ValidationError({"parent": _("Kabupaten/kota tidak berinduk.")})
            return
        if parent is None or parent.level != wanted:
            raise ValidationError(
                {
                    "parent": _("Pilih induk bertingkat %(level)s.")
                    % {"level": RegionLevel(wanted).label}
                }
            )
        if self.code and not self.code.startswith(f"{parent.code}."):
            raise ValidationError(
                {
                    "code": _("Kode harus diawali kode induknya, %(prefix)s.")
                    % {"prefix": f"{parent.code}."}
                }
            )

    def _clean_keeps_children(self):
        """A region with regions under it keeps its code and level: theirs start with its code,
        and a kecamatan's officers see its desa by that prefix. Changed, the desa fell out of
        the kecamatan without a word."""
        if self.pk is None:
            return
        stored = Region.objects.filter(pk=self.pk).values_list("code", "level").first()
        if stored is None or stored == (self.code, self.level):
            return
        if Region.objects.filter(parent_id=self.pk).exists():
            raise ValidationError(
                {
                    "code": _(
                        "Kode dan tingkat wilayah yang memiliki wilayah di bawahnya tidak dapat "
                        "diubah (kode mereka diawali kode ini). Tambahkan wilayah baru bila "
                        "pemekaran."
                    )
                }
            )

    @property
    def is_kelurahan(self) -> bool:
        """A desa-level code whose last part starts with 1 is a kelurahan (urban village)."""
        return self.level == RegionLevel.DESA and self.code.rsplit(".", 1)[-1].startswith("1")

    @property
    def display_name(self) -> str:
        if self.level == RegionLevel.KECAMATAN:
            return _("Kecamatan %(name)s") % {"name": self.name}
        if self.level == RegionLevel.DESA:
            prefix = _("Kelurahan") if self.is_kelurahan else _("Desa")
            return f"{prefix} {self.name}"
        return self.name


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Agency(ConstraintFieldsMixin, models.Model):
    """An institution (instansi) taking part in the task force: a government office, Polri, TNI,
    the prosecutor's office, a kecamatan office, a forum or a mass organisation.

    Its name is its key for people and for the spreadsheet import: "DINAS SOSIAL" and
    "Dinas  Sosial " are the agency "Dinas Sosial", never a second one."""

    # Unique ignoring case: Meta.constraints.
    name = models.CharField(_("nama"), max_length=200)
    acronym = models.CharField(_("singkatan"), max_length=40, blank=True)
    kind = models.CharField(_("jenis"), max_length=12, choices=AgencyKind.choices)
    region = models.ForeignKey(
        Region,
        verbose_name=_("wilayah"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Untuk kantor kecamatan atau desa."),
    )
    active = models.BooleanField(_("aktif"), default=True)

    objects = AgencyQuerySet.as_manager()

    # The name's constraint is on an expression, which Django reports for the whole form.
    CONSTRAINT_FIELDS = {"agency_name_taken": "name"}

    class Meta:
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")
        ordering = ["name"]
        constraints = [
            # A list typed in capitals ("DINAS SOSIAL") added every agency a second time. Its
            # index also serves AgencyQuerySet.named(), the import's lookup by name.
            models.UniqueConstraint(
                Lower("name"),
                name="agency_name_unique_ignoring_case",
                violation_error_code="agency_name_taken",
                violation_error_message=_(
                    "Instansi dengan nama ini sudah ada (huruf besar/kecil dan spasi tidak "
                    "dibedakan)."
                ),
            ),
        ]

    def __str__(self):
        return self.acronym or self.name

    def clean(self):
        super().clean()
        # Before the constraint is checked (full_clean runs clean() first): "Dinas  Sosial "
        # is the name "Dinas Sosial", and clashes with it.
        self.name = single_spaced(self.name or "")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Contact(models.Model):
    """A community, religious, youth, women's or forum leader (tokoh) the team works with.

    Personal data under UU 27/2022: the legal basis for holding it is recorded, and views read it
    only through `Contact.objects.visible_to(user)`.
    """

    name = models.CharField(_("nama"), max_length=150)
    kind = models.CharField(_("jenis tokoh"), max_length=12, choices=ContactKind.choices)
    organisation = models.CharField(_("organisasi/lembaga"), max_length=150, blank=True)
    community = models.CharField(
        _("agama/komunitas"),
        max_length=100,
        blank=True,
        help_text=_("Isi hanya bila relevan untuk penanganan konflik."),
    )
    region = models.ForeignKey(
        Region, verbose_name=_("wilayah"), on_delete=models.PROTECT, null=True, blank=True
    )
    phone = PhoneNumberField(
        _("nomor telepon"),
        blank=True,
        help_text=_("Boleh ditulis 08…; disimpan dalam format +62."),
    )
    legal_basis = models.CharField(
        _("dasar pemrosesan data"),
        max_length=12,
        choices=LegalBasis.choices,
        default=LegalBasis.PUBLIC_TASK,
    )
    legal_basis_date = models.DateField(_("tanggal dasar pemrosesan"), null=True, blank=True)
    active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("diubah"), auto_now=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("tokoh")
        verbose_name_plural = _("tokoh")
        ordering = ["name"]

    def __str__(self):
        return self.name


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class TeamDecree(models.Model):
    """The Bupati's decree (SK) forming the Tim Terpadu, renewed yearly (Permendagri 42/2015)."""

    year = models.PositiveSmallIntegerField(
        _("tahun"),
        unique=True,
        validators=[MinValueValidator(2012), MaxValueValidator(2100)],
    )
    number = models.CharField(_("nomor SK"), max_length=100)
    decree_date = models.DateField(_("tanggal SK"))
    notes = models.TextField(_("catatan"), blank=True)

    class Meta:
        verbose_name = _("SK Tim Terpadu")
        verbose_name_plural = _("SK Tim Terpadu")
        ordering = ["-year"]

    def __str__(self):
        return _("SK Tim Terpadu %(year)s") % {"year": self.year}


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class TeamMember(models.Model):
    """A seat in the year's team: position, agency, the person holding it and the sub-team."""

    decree = models.ForeignKey(
        TeamDecree, verbose_name=_("SK"), on_delete=models.CASCADE, related_name="members"
    )
    position = models.CharField(_("kedudukan"), max_length=12, choices=TeamPosition.choices)
    agency = models.ForeignKey(Agency, verbose_name=_("instansi"), on_delete=models.PROTECT)
    person_name = models.CharField(_("nama pejabat"), max_length=150, blank=True)
    sub_team = models.CharField(_("sub-tim"), max_length=12, choices=SubTeam.choices, blank=True)
    order = models.PositiveSmallIntegerField(_("urutan"), default=0)

    class Meta:
        verbose_name = _("anggota tim")
        verbose_name_plural = _("anggota tim")
        ordering = ["decree", "order", "pk"]

    def __str__(self):
        return f"{self.get_position_display()} — {self.agency}"
