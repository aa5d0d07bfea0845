"""Excel/CSV import and export of agencies and contacts (django-import-export).

Files speak the clerk's language: Indonesian column headers (files with the field names of
earlier versions, or with English headers, still import), dates as DD/MM/YYYY, regions as their
Kemendagri code followed by the name. Every problem in a row is turned into a validation error
keyed by the column's header (never an exception), so an import lists all bad rows at once, each
naming its column, and nothing is written unless every row is valid.
"""

import io
import re
from datetime import date, datetime
from itertools import islice

import tablib
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, FieldError, ValidationError
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from openpyxl import Workbook, load_workbook
from phonenumber_field.phonenumber import to_python

from core import sheets
from core.models import ActivityLog
from core.utils import spreadsheet_safe, spreadsheet_unescape
from directory.choices import AgencyKind, ContactKind, LegalBasis
from directory.models import Agency, Contact, Region
from directory.services import CONTACT_ANONYMISE

DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d/%m/%y")
REGION_CODE = re.compile(r"^\d{2}(\.\d{2}){0,2}(\.\d{4})?$")


# An import checks every row in a dry run (a few queries each) before anything is saved: a
# bound keeps that well inside a request's time. A regency's agencies and contacts fit.
IMPORT_MAX_ROWS = 5000


class TooManyRows(ValueError):
    def __init__(self, limit: int):
        super().__init__(
            _("Berkas memuat lebih dari %(max)s baris data. Bagi menjadi beberapa berkas.")
            % {"max": f"{limit:,}".replace(",", ".")}
        )


class BoundedCSV(base_formats.CSV):
    """CSV with at most IMPORT_MAX_ROWS data rows."""

    def create_dataset(self, in_stream, **kwargs):
        dataset = super().create_dataset(in_stream, **kwargs)
        if len(dataset) > IMPORT_MAX_ROWS:
            raise TooManyRows(IMPORT_MAX_ROWS)
        return dataset


class BoundedXLSX(base_formats.XLSX):
    """The workbook's first sheet (the data; the template's "Pilihan" comes after it), not
    whichever sheet was showing when the file was saved; at most IMPORT_MAX_ROWS data rows."""

    def create_dataset(self, in_stream):
        book = load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
        try:
            rows = book.worksheets[0].iter_rows(values_only=True)
            dataset = tablib.Dataset()
            header = next(rows, None)
            if header is None:
                return dataset
            dataset.headers = list(header)
            for row in islice(rows, IMPORT_MAX_ROWS + 1):
                dataset.append(list(row))
        finally:
            book.close()
        if len(dataset) > IMPORT_MAX_ROWS:
            raise TooManyRows(IMPORT_MAX_ROWS)
        return dataset


class SpreadsheetSafeResource(resources.ModelResource):
    """Every exported cell goes through core.utils.spreadsheet_safe (a leading = + - @ is
    neutralised, never dropped); an import undoes exactly that escape, so an exported file
    imports back unchanged."""

    def export_field(self, field, instance, **kwargs):
        return spreadsheet_safe(super().export_field(field, instance, **kwargs))

    def before_import_row(self, row, **kwargs):
        for key, value in row.items():
            if isinstance(value, str) and "\x00" in value:
                # PostgreSQL stores no NUL: the row failed with the database driver's English.
                raise ValueError(
                    _(
                        "Kolom “%(col)s” memuat karakter NUL yang tidak dapat disimpan; ketik "
                        "ulang isinya."
                    )
                    % {"col": key}
                )
            row[key] = spreadsheet_unescape(value)
        super().before_import_row(row, **kwargs)


class ChoiceWidget(widgets.Widget):
    """Accepts a choice by its code or its label, case-insensitively; exports the code."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
        self.choices = choices
        self.lookup = {}
        for value, label in choices:
            self.lookup[str(value).casefold()] = value
            self.lookup[str(label).casefold()] = value
        self.values = [value for value, _label in choices]

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return ""
        try:
            return self.lookup[text.casefold()]
        except KeyError:
            raise ValueError(
                _("“%(value)s” bukan pilihan yang dikenal (pilihan: %(choices)s).")
                % {"value": text, "choices": ", ".join(self.values)}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return value or ""


class RegionCodeWidget(widgets.ForeignKeyWidget):
    """A region by its Kemendagri code, optionally followed by its name (as exported, so the
    preview shows names, not bare codes), or by a name that is unique in the regency. An unknown
    region is a row error, not a crash."""

    def __init__(self, **kwargs):
        super().__init__(Region, field="code", **kwargs)

    def clean(self, value, row=None, **kwargs):
        text = " ".join(str(value or "").split())
        if not text:
            return None
        first = text.split(" ", 1)[0]
        if REGION_CODE.match(first):
            region = Region.objects.filter(code=first).first()
            if region is None:
                raise ValueError(_("Kode wilayah “%(code)s” tidak ditemukan.") % {"code": first})
            return region
        named = list(Region.objects.filter(name__iexact=text)[:2])
        if len(named) == 1:
            return named[0]
        if named:
            raise ValueError(
                _("Ada beberapa wilayah bernama “%(name)s”; tulis kodenya.") % {"name": text}
            )
        raise ValueError(_("Wilayah “%(name)s” tidak ditemukan.") % {"name": text})

    def render(self, value, obj=None, **kwargs):
        return f"{value.code} {value.name}" if value else ""


class PhoneWidget(widgets.Widget):
    """Passes the number on as text (`08…` or `+62…`); the model field validates and normalises it.
    An empty cell is an empty number, not NULL."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = f"0{int(value)}"  # Excel drops the leading 0 of a number typed as a number
        return str(value).strip() if value not in (None, "") else ""

    def render(self, value, obj=None, **kwargs):
        return str(value) if value else ""


class DateWidget(widgets.Widget):
    """A date as Excel stores it or as typed: 19/12/2025 (also 19-12-2025 and 2025-12-19).
    Exported as DD/MM/YYYY; no date is an empty cell."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        for pattern in DATE_FORMATS:
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        raise ValueError(
            _("“%(value)s” bukan tanggal; tulis seperti 19/12/2025.") % {"value": text}
        )

    def render(self, value, obj=None, **kwargs):
        return value.strftime("%d/%m/%Y") if value else ""


class YesNoWidget(widgets.BooleanWidget):
    """`ya`/`tidak` as well as true/false/1/0; empty means yes (active) for a new row (an
    existing contact's is left alone: ContactResource.import_field)."""

    TRUE = {"ya", "y", "true", "1", "aktif"}
    FALSE = {"tidak", "t", "false", "0", "nonaktif"}

    def clean(self, value, row=None, **kwargs):
        text = str(value if value is not None else "").strip().casefold()
        if text in self.TRUE or text == "":
            return True
        if text in self.FALSE:
            return False
        raise ValueError(_("Isi dengan “ya” atau “tidak”."))

    def render(self, value, obj=None, **kwargs):
        return "ya" if value else "tidak"


class IdWidget(widgets.IntegerWidget):
    """The row's id, for updating a contact exported earlier; empty for a new one."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        text = str(value).strip().removesuffix(".0")
        if not (text.isascii() and text.isdigit()):  # "²" is a digit to isdigit()
            raise ValueError(
                _("Kolom “%(col)s”: “%(value)s” bukan nomor; kosongkan untuk data baru.")
                % {"col": _("ID"), "value": value}
            )
        return int(text)


class TextWidget(widgets.CharWidget):
    """Text as typed, without the spaces around it: "Dinas Sosial " is the agency "Dinas Sosial"
    (found by name, not added a second time), as the admin's own form would have it."""

    def clean(self, value, row=None, **kwargs):
        text = super().clean(value, row, **kwargs)
        return text.strip() if isinstance(text, str) else text


def column(attribute, label, widget=None):
    # Text columns take what Excel holds as text, even a number typed in a name column.
    widget = widget or TextWidget(allow_blank=True)
    return fields.Field(attribute=attribute, column_name=label, widget=widget)


class LabelledResource(SpreadsheetSafeResource):
    """Columns headed by labels; errors reported under those labels."""

    def labels(self) -> dict:
        return {field.attribute: str(field.column_name) for field in self.fields.values()}

    def before_import(self, dataset, **kwargs):
        # A header may be the label in Indonesian or English, or the field name.
        aliases = {}
        for field in self.fields.values():
            current = str(field.column_name)
            aliases[field.attribute.casefold()] = current
            for language in ("id", "en"):
                with translation.override(language):
                    aliases[str(field.column_name).casefold()] = current
        if dataset.headers:
            dataset.headers = [
                aliases.get(" ".join(str(h or "").split()).casefold(), h) for h in dataset.headers
            ]
        # The column that finds existing rows must be there; the library says so too, but in
        # English only (its message is filled in before it is translated).
        keys = [self.fields[name] for name in self.get_import_id_fields() if name != "id"]
        missing = [str(f.column_name) for f in keys if f.column_name not in (dataset.headers or [])]
        if missing:
            raise FieldError(
                _(
                    "Kolom %(columns)s tidak ada di baris judul berkas: kolom itu wajib, untuk "
                    "mencocokkan baris dengan data yang sudah ada."
                )
                % {"columns": ", ".join(f"“{name}”" for name in missing)}
            )
        super().before_import(dataset, **kwargs)

    def import_row(self, row, instance_loader, **kwargs):
        result = super().import_row(row, instance_loader, **kwargs)
        if result.validation_error is not None:
            labels = self.labels()
            errors = result.validation_error.update_error_dict({})
            result.validation_error = ValidationError(
                {
                    (name if name == NON_FIELD_ERRORS else labels.get(name, name)): messages
                    for name, messages in errors.items()
                }
            )
        return result

    # (value, meaning) lists for the template's second sheet, and one example row
    def allowed_values(self) -> list:
        return []

    def example(self) -> dict:
        return {}

    def template(self) -> bytes:
        """An empty file to fill: the headers, one example row, and a second sheet with what
        each coded column accepts."""
        book = Workbook()
        sheet = book.active
        sheet.title = str(self._meta.model._meta.verbose_name_plural).capitalize()
        columns = [
            sheets.Column(str(field.column_name), lambda v: v, width=24)
            for field in self.fields.values()
        ]
        sheets.prepare(sheet, columns)
        sheet.append(sheets.header_row(sheet, columns))
        example = self.example()
        sheet.append([sheets.plain(example.get(f.attribute, "")) for f in self.fields.values()])
        sheets.allowed_values_sheet(book, _("Pilihan"), self.allowed_values())
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()


def _regions():
    return [
        (region.code, region.name)
        for region in Region.objects.exclude(level="kabupaten").order_by("code")
    ]


class AgencyResource(LabelledResource):
    name = column("name", gettext_lazy("Nama instansi"))
    acronym = column("acronym", gettext_lazy("Singkatan"))
    kind = column("kind", gettext_lazy("Jenis instansi"), ChoiceWidget(Agency.kind.field.choices))
    region = column("region", gettext_lazy("Wilayah"), RegionCodeWidget())
    active = column("active", gettext_lazy("Aktif"), YesNoWidget())

    class Meta:
        model = Agency
        fields = ("name", "acronym", "kind", "region", "active")
        import_id_fields = ("name",)
        clean_model_instances = True
        skip_unchanged = True

    def allowed_values(self):
        return [
            (_("Jenis instansi"), AgencyKind.choices),
            (_("Aktif"), [("ya", _("aktif")), ("tidak", _("tidak aktif"))]),
            (_("Wilayah"), _regions()),
        ]

    def example(self):
        # Example values are names, not interface text: not translated.
        return {"name": "Dinas Sosial", "acronym": "Dinsos", "kind": AgencyKind.PEMDA}


class ContactResource(LabelledResource):
    id = column("id", gettext_lazy("ID"), IdWidget())
    name = column("name", gettext_lazy("Nama"))
    kind = column("kind", gettext_lazy("Jenis tokoh"), ChoiceWidget(Contact.kind.field.choices))
    organisation = column("organisation", gettext_lazy("Organisasi/lembaga"))
    community = column("community", gettext_lazy("Agama/komunitas"))
    region = column("region", gettext_lazy("Wilayah"), RegionCodeWidget())
    phone = column("phone", gettext_lazy("Nomor telepon"), PhoneWidget())
    legal_basis = column(
        "legal_basis",
        gettext_lazy("Dasar pemrosesan data"),
        ChoiceWidget(Contact.legal_basis.field.choices),
    )
    legal_basis_date = column(
        "legal_basis_date", gettext_lazy("Tanggal dasar pemrosesan"), DateWidget()
    )
    active = column("active", gettext_lazy("Aktif"), YesNoWidget())

    class Meta:
        model = Contact
        fields = (
            "id",
            "name",
            "kind",
            "organisation",
            "community",
            "region",
            "phone",
            "legal_basis",
            "legal_basis_date",
            "active",
        )
        clean_model_instances = True
        skip_unchanged = True

    # What anonymising a contact erases (directory.services.contact_anonymise).
    PERSONAL_FIELDS = ("name", "organisation", "community", "phone")

    def get_or_init_instance(self, instance_loader, row):
        """A row with an ID updates that contact, and only an existing one: an unknown ID would
        be stored under that number (which the database later hands out again). An anonymised
        contact keeps its anonymous data: a row that would bring back a name or number erased
        at the person's request is refused (an export imported back unchanged is not)."""
        instance, new = super().get_or_init_instance(instance_loader, row)
        id_column = self.fields["id"].column_name
        given = self.fields["id"].clean(row) if id_column in row else None
        if new and given is not None:
            raise ValidationError(
                {
                    "id": _("Tokoh dengan ID %(id)s tidak ada; kosongkan ID untuk data baru.")
                    % {"id": given}
                }
            )
        if new:
            self._refuse_known_person(row)
        if not new and self._restores_erased_data(instance, row):
            message = _(
                "Data pribadi tokoh ID %(id)s sudah dihapus atas permintaan yang bersangkutan "
                "(dianonimkan) dan tidak dapat dipulihkan lewat impor."
            )
            raise ValidationError({"id": message % {"id": given}})
        return instance, new

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        # An empty "Aktif" cell means active for a new contact, and leaves an existing one as
        # it is: a contact deactivated after withdrawing consent came back active.
        typed = row.get(field.column_name)
        if (
            field.attribute == "active"
            and instance.pk is not None
            and (typed is None or (isinstance(typed, str) and not typed.strip()))
        ):
            return  # (a 0 or FALSE typed in Excel is a value: inactive)
        super().import_field(field, instance, row, is_m2m, **kwargs)

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        # Rows of this file are saved (and rolled back) during the preview: a contact newer than
        # this is one of the file's own rows, not someone already in the directory.
        self.known_up_to = Contact.objects.aggregate(last=Max("pk"))["last"] or 0

    def _refuse_known_person(self, row) -> None:
        """A row without an ID is a new person, unless the directory already has one with the
        same name and the same number (or, without a number, the same name in the same region
        and no number either): the same list imported again (next month, with a few rows added)
        added everyone a second time. Namesakes with other numbers, and different people
        sharing an office number, are different people."""
        try:
            name = " ".join(str(self.fields["name"].clean(row) or "").split())
            phone = (
                self.fields["phone"].clean(row) if self.fields["phone"].column_name in row else ""
            )
        except (KeyError, ValueError):
            return  # the row's own errors are reported as they are
        if not name:
            return
        if phone:
            number = to_python(phone, region=settings.PHONENUMBER_DEFAULT_REGION)
            if not number.is_valid():
                return  # a bad number is the phone column's own error
            same = Contact.objects.filter(name__iexact=name, phone=number)
        else:
            # Without a number: the same name in the same region, among those without one.
            try:
                region = self.fields["region"].clean(row)
            except (KeyError, ValueError):
                return
            same = Contact.objects.filter(name__iexact=name, region=region, phone="")
        existing = same.order_by("pk").first()
        if existing is None:
            return
        if existing.pk > getattr(self, "known_up_to", existing.pk):
            message = _(
                "Baris ini sama dengan baris sebelumnya di berkas ini (nama dan nomor sama)."
            )
        else:
            message = _(
                "Tokoh ini sudah ada di direktori (ID %(id)s, %(name)s). Isi kolom ID dengan "
                "%(id)s untuk memperbarui datanya, atau hapus baris ini."
            ) % {"id": existing.pk, "name": existing.name}
        raise ValidationError({"id": message})

    def _restores_erased_data(self, instance, row) -> bool:
        for name in self.PERSONAL_FIELDS:
            field = self.fields[name]
            if field.column_name not in row:
                continue
            try:
                typed = field.clean(row)
            except ValueError:
                typed = row[field.column_name]
            if str(typed or "") != str(getattr(instance, name) or ""):
                break
        else:
            return False
        anonymised = ActivityLog.objects.for_object(instance).filter(action=CONTACT_ANONYMISE)
        return anonymised.exists()

    def allowed_values(self):
        return [
            (_("Jenis tokoh"), ContactKind.choices),
            (_("Dasar pemrosesan data"), LegalBasis.choices),
            (_("Aktif"), [("ya", _("aktif")), ("tidak", _("tidak aktif"))]),
            (_("Wilayah"), _regions()),
        ]

    def example(self):
        return {
            "name": _("Nama tokoh"),
            "kind": ContactKind.AGAMA,
            "organisation": "FKUB",
            "phone": "081234567890",
            "legal_basis": LegalBasis.PUBLIC_TASK,
            "legal_basis_date": date.today().strftime("%d/%m/%Y"),
            "active": "ya",
        }
