"""Excel/CSV import and export of agencies and contacts (django-import-export).

Files speak the clerk's language: Indonesian column headers (files with the field names of
earlier versions, or with English headers, still import), dates as DD/MM/YYYY, regions as their
Kemendagri code followed by the name. Every problem in a row is turned into a validation error
keyed by the column's header (never an exception), so an import lists all bad rows at once, each
naming its column, and nothing is written unless every row is valid.
"""

import codecs
import csv
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
from import_export import fields, resources, results, widgets
from import_export.formats import base_formats
from openpyxl import Workbook, load_workbook
from phonenumber_field.phonenumber import to_python

from core import sheets
from core.imports import (
    SheetRefused,
    blank,
    filled_rows,
    refuse_unpacking_too_much,
    sheet_rows,
    unknown_column_message,
)
from core.models import ActivityLog
from core.utils import single_spaced, spreadsheet_unescape
from directory.choices import AgencyKind, ContactKind, LegalBasis
from directory.models import Agency, Contact, Region
from directory.services import CONTACT_ANONYMISE

DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d", "%d/%m/%y")
REGION_CODE = re.compile(r"^\d{2}(\.\d{2}){0,2}(\.\d{4})?$")


# An import checks every row in a dry run (a few queries each) before anything is saved: a
# bound keeps that well inside a request's time. A regency's agencies and contacts fit.
IMPORT_MAX_ROWS = 5000
# Rows a sheet may hold in all, filled or not: a template with borders drawn far down holds
# many empty ones, but one past this is no contact list.
IMPORT_MAX_SCANNED_ROWS = 20 * IMPORT_MAX_ROWS
# Checked before the file is read (or kept for the confirmation); 5,000 rows fit many times.
IMPORT_MAX_BYTES = 5 * 1024 * 1024
# A numbering column of the clerk's own ("No.") carries no data: it is not refused as unknown.
NUMBERING_HEADERS = {"no", "no.", "no urut", "no. urut", "nomor urut", "#"}


class ImportFileError(ValueError):
    """The file as a whole cannot be imported; the message says why, in the user's language."""


class TooManyRows(ImportFileError):
    def __init__(self, limit: int):
        super().__init__(
            _("Berkas memuat lebih dari %(max)s baris data. Bagi menjadi beberapa berkas.")
            % {"max": f"{limit:,}".replace(",", ".")}
        )


class FileTooLarge(ImportFileError):
    def __init__(self):
        # The same bound, and words, as the action plan's import.
        super().__init__(_("Berkas terlalu besar: paling besar 5 MB."))


def spreadsheet_dataset(rows) -> tablib.Dataset:
    """The header row, then the rows holding data, each remembering its line in the sheet
    (`dataset.lines`, for the messages: LabelledResource). Empty rows are left out: a cleared
    example row, rows with only borders, the `,,,,` lines Excel writes to a CSV. Only filled
    rows count against IMPORT_MAX_ROWS."""
    rows = filled_rows(islice(rows, IMPORT_MAX_SCANNED_ROWS), start=1)
    dataset = tablib.Dataset()
    dataset.lines = []
    # The first row holding anything is the header (a title row cleared above it is skipped).
    first = next(rows, None)
    if first is None:
        return dataset
    _header_line, header = first
    header = list(header)
    width = len(header)
    # Columns without a header are dropped, and must be empty: Excel pads every row (and its
    # CSV every line) to the sheet's used width, so numbers typed under no header would
    # otherwise be lost without a word.
    kept = [index for index, title in enumerate(header) if not blank(title)]
    data = []
    for line, values in rows:
        if len(data) == IMPORT_MAX_ROWS:
            raise TooManyRows(IMPORT_MAX_ROWS)
        values = list(values) + [None] * (width - len(values))
        if any(
            not blank(value)
            for index, value in enumerate(values)
            if index >= width or blank(header[index])
        ):
            raise ImportFileError(
                _(
                    "Baris %(line)s berisi data di kolom tanpa judul. Beri judul kolom itu atau "
                    "hapus isinya."
                )
                % {"line": line}
            )
        data.append([values[index] for index in kept])
        dataset.lines.append(line)
    if next(rows, None) is not None:
        raise TooManyRows(IMPORT_MAX_ROWS)
    dataset.headers = [header[index] for index in kept]
    for values in data:
        dataset.append(values)
    return dataset


CSV_UNREADABLE = gettext_lazy(
    "Berkas tidak dapat dibaca sebagai CSV. Pilih format yang sesuai dengan berkasnya, atau "
    "simpan ulang dari Excel sebagai “CSV UTF-8”."
)


def decode_csv(data: bytes) -> str:
    """CSV text as Excel saves it: "CSV UTF-8" (with or without its byte-order mark), "Unicode
    text" (UTF-16), or plain "CSV", which Windows set to Indonesian or English writes in its
    ANSI code page, Windows-1252 (where the curly apostrophe of a name like Ma'ruf is one byte,
    not UTF-8's three). Text that is valid UTF-8 is almost never meant as Windows-1252, so
    trying them in this order is unambiguous; bytes that are neither (a workbook uploaded as
    CSV) are refused with a hint."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(CSV_UNREADABLE)


CSV_DELIMITERS = (",", ";", "\t")


def csv_delimiter(header_line: str) -> str:
    """The delimiter that splits the header line into the most columns: Excel set to
    Indonesian saves "CSV" with `;` (the comma is its decimal separator), and so does the
    portal's own incident export. A comma inside a quoted header is not counted; a tie (a file
    of one column) is a comma. (csv.Sniffer took "Nama;Organisasi, kota;Wilayah" for commas.)"""
    return max(
        CSV_DELIMITERS,
        key=lambda delimiter: len(next(csv.reader([header_line], delimiter=delimiter), [])),
    )


class BoundedCSV(base_formats.CSV):
    """CSV separated by commas, semicolons or tabs, in UTF-8 or Windows-1252; empty lines are
    left out; at most IMPORT_MAX_BYTES and IMPORT_MAX_ROWS data rows.

    Read as bytes (the library would decode it as UTF-8 while reading it back, failing on any
    other encoding with an English exception name): decode_csv decodes it."""

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, str):
            text = in_stream.removeprefix("\ufeff")
        else:
            if len(in_stream) > IMPORT_MAX_BYTES:
                raise FileTooLarge()
            text = decode_csv(in_stream)
        # Lines end in CR LF, LF, or CR alone (older Excel for Mac).
        delimiter = csv_delimiter(re.split(r"\r\n|\r|\n", text, maxsplit=1)[0])
        try:
            return spreadsheet_dataset(
                csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            )
        except csv.Error as error:
            raise ImportFileError(CSV_UNREADABLE) from error


class BoundedXLSX(base_formats.XLSX):
    """The workbook's first sheet (the data; the template's "Pilihan" comes after it), not
    whichever sheet was showing when the file was saved; empty rows left out; a cell merged
    over several rows read in each of them; at most IMPORT_MAX_BYTES and IMPORT_MAX_ROWS data
    rows. Read in openpyxl's read-only mode, row by row (a 5 MB workbook loaded whole takes
    hundreds of MB): core.imports.sheet_rows finds the merged cells in a pass of its own."""

    def create_dataset(self, in_stream):
        if len(in_stream) > IMPORT_MAX_BYTES:
            raise FileTooLarge()
        stream = io.BytesIO(in_stream)
        try:
            refuse_unpacking_too_much(stream)
        except SheetRefused as error:
            raise ImportFileError(str(error)) from error
        book = load_workbook(stream, read_only=True, data_only=True)
        try:
            return spreadsheet_dataset(
                sheet_rows(book.worksheets[0], max_row=IMPORT_MAX_SCANNED_ROWS)
            )
        except SheetRefused as error:
            raise ImportFileError(str(error)) from error
        finally:
            book.close()


class SpreadsheetSafeResource(resources.ModelResource):
    """An export's cells are made safe by its format (directory.formats: string cells in a
    workbook, core.utils.spreadsheet_safe in CSV); an import undoes exactly that escape, so an
    exported file imports back unchanged."""

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
        # The regions a row may name; a resource acting for a kecamatan-scoped user narrows it.
        self.regions = Region.objects.all()

    def clean(self, value, row=None, **kwargs):
        text = single_spaced(str(value or ""))
        if not text:
            return None
        first = text.split(" ", 1)[0]
        if REGION_CODE.match(first):
            region = self.regions.filter(code=first).first()
            if region is not None:
                return region
            if Region.objects.filter(code=first).exists():
                raise ValueError(self.outside_message(first))
            raise ValueError(_("Kode wilayah “%(code)s” tidak ditemukan.") % {"code": first})
        named = list(self.regions.filter(name__iexact=text)[:2])
        if len(named) == 1:
            return named[0]
        if named:
            raise ValueError(
                _("Ada beberapa wilayah bernama “%(name)s”; tulis kodenya.") % {"name": text}
            )
        if Region.objects.filter(name__iexact=text).exists():
            raise ValueError(self.outside_message(text))
        raise ValueError(_("Wilayah “%(name)s” tidak ditemukan.") % {"name": text})

    @staticmethod
    def outside_message(region: str) -> str:
        # Region names and codes are public data: saying that one exists reveals nothing.
        return _("Wilayah “%(region)s” di luar wilayah kerja Anda.") % {"region": region}

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
    existing row's is left alone: LabelledResource.import_field)."""

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


class LineNumberedResult(results.Result):
    """Rows numbered by their line in the file less one, as the library numbers the rows of a
    file without empty rows: spreadsheet_dataset leaves those out."""

    lines: list = []

    def line(self, number: int) -> int:
        if 0 < number <= len(self.lines):
            return self.lines[number - 1] - 1
        return number

    def row_errors(self):
        return [(self.line(number), errors) for number, errors in super().row_errors()]


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
                aliases.get(single_spaced(str(h or "")).casefold(), h) for h in dataset.headers
            ]
        # The column that finds existing rows must be there; the library says so too, but in
        # English only (its message is filled in before it is translated).
        problems = []
        keys = [self.fields[name] for name in self.get_import_id_fields() if name != "id"]
        missing = [str(f.column_name) for f in keys if f.column_name not in (dataset.headers or [])]
        if missing:
            problems.append(
                _(
                    "Kolom %(columns)s tidak ada di baris judul berkas: kolom itu wajib, untuk "
                    "mencocokkan baris dengan data yang sudah ada."
                )
                % {"columns": ", ".join(f"“{name}”" for name in missing)}
            )
        # A header the import does not know is refused: read as nothing, its column was lost
        # without a word ("No. HP", "Organisasi", "Kecamatan" imported contacts without them).
        labels = [str(field.column_name) for field in self.fields.values()]
        unknown = []
        for header in dataset.headers or []:
            text = single_spaced(str(header or ""))
            if (
                text
                and text not in labels
                and text.casefold() not in NUMBERING_HEADERS
                and text not in unknown
            ):
                unknown.append(text)
        # A few named, each with the template's columns; a junk file's thousands are not.
        problems += [unknown_column_message(text, labels) for text in unknown[:3]]
        if len(unknown) > 3:
            problems.append(
                _("Dan %(count)s kolom lain yang tidak dikenali.") % {"count": len(unknown) - 3}
            )
        if problems:
            raise FieldError(" ".join(problems))
        super().before_import(dataset, **kwargs)

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        # An empty "Aktif" or "Wilayah" cell gives a new row the field's default and leaves an
        # existing one as it is: a contact deactivated after withdrawing consent, or an agency
        # closed down, came back active, and an agency lost its region. (A 0 or FALSE typed in
        # Excel is a value: inactive.) Clearing them is done in the admin's form.
        if (
            instance.pk is not None
            and isinstance(field.widget, widgets.BooleanWidget | widgets.ForeignKeyWidget)
            and blank(row.get(field.column_name))
        ):
            return
        super().import_field(field, instance, row, is_m2m, **kwargs)

    def get_result_class(self):
        return LineNumberedResult

    def after_import(self, dataset, result, **kwargs):
        # Rows were numbered as the dataset holds them, without the sheet's empty rows: each
        # gets its line in the file back (less one, the header's line: the messages add it).
        lines = getattr(dataset, "lines", None)
        if lines:
            result.lines = lines
            for row in [*result.invalid_rows, *result.error_rows]:
                row.number = result.line(row.number)
        super().after_import(dataset, result, **kwargs)

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
        sheet.append(
            sheets.cells(sheet, [example.get(f.attribute, "") for f in self.fields.values()])
        )
        sheets.allowed_values_sheet(book, _("Pilihan"), self.allowed_values())
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()


def _regions(regions=None):
    regions = Region.objects.all() if regions is None else regions
    return [
        (region.code, region.name) for region in regions.exclude(level="kabupaten").order_by("code")
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

    def get_instance(self, instance_loader, row):
        """The agency the row names, found as the database compares names (letter case and
        spacing aside): "DINAS SOSIAL" updates "Dinas Sosial" instead of adding it again."""
        column = self.fields["name"].column_name
        if column not in row:
            return None
        name = self.fields["name"].clean(row)
        found = Agency.objects.named(name).first() if name else None
        if found is not None and found.pk > getattr(self, "known_up_to", found.pk):
            # Saved by an earlier row of this file (rows are saved, then rolled back, for the
            # preview): the later row silently overwrote it, and the preview called it an
            # update of an agency the directory did not have.
            raise ValidationError(
                {
                    "name": _(
                        "Nama instansi ini sudah ada di baris sebelumnya di berkas ini (huruf "
                        "besar/kecil dan spasi tidak dibedakan). Hapus salah satu barisnya."
                    )
                }
            )
        return found

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        # An agency newer than this was added by one of the file's own rows.
        self.known_up_to = Agency.objects.aggregate(last=Max("pk"))["last"] or 0

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        # A found agency keeps its name as stored: a list typed in capitals updated the other
        # columns and turned every name on the plan's and the reports' pages into capitals.
        # Renaming is done in the admin's form.
        if field.attribute == "name" and instance.pk is not None:
            return
        super().import_field(field, instance, row, is_m2m, **kwargs)

    def allowed_values(self):
        return [
            (_("Jenis instansi"), AgencyKind.choices),
            (_("Aktif"), [("ya", _("aktif")), ("tidak", _("tidak aktif"))]),
            (_("Wilayah"), _regions()),
        ]

    def example(self):
        # Example values are names, not interface text: not translated.
        return {"name": "Dinas Sosial", "acronym": "Dinsos", "kind": AgencyKind.PEMDA}


REGION_REQUIRED_IN_SCOPE = gettext_lazy(
    "Isi wilayah (kecamatan atau desa di wilayah kerja Anda): tokoh tanpa wilayah tidak tampil "
    "bagi akun kecamatan."
)


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

    def __init__(self, *, user=None, **kwargs):
        """`user`: whom the import or export acts for. Contacts are personal data: a row finds,
        overwrites or is compared with only the contacts that user may see, and names only the
        regions the user works in (a kecamatan-scoped administrator moved contacts into and out
        of other kecamatan, and read their stored data in the preview). Without a user (the
        library builds one to list the columns) it reaches no contact and no region."""
        super().__init__(**kwargs)
        self.user = user
        self.fields["region"].widget.regions = (
            Region.objects.none() if user is None else Region.objects.visible_to(user)
        )
        # Existing contacts whose stored data the preview shows (an updated or unchanged row,
        # a duplicate named in a message): the admin logs them as read (UU 27/2022).
        self.contacts_shown = set()

    def get_queryset(self):
        if self.user is None:
            return Contact.objects.none()
        return Contact.objects.visible_to(self.user)

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
            self._refuse_without_region(row)
            self._refuse_known_person(row)
        else:
            self.contacts_shown.add(instance.pk)
        if not new and self._restores_erased_data(instance, row):
            message = _(
                "Data pribadi tokoh ID %(id)s sudah dihapus atas permintaan yang bersangkutan "
                "(dianonimkan) dan tidak dapat dipulihkan lewat impor."
            )
            raise ValidationError({"id": message % {"id": given}})
        return instance, new

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        # Rows of this file are saved (and rolled back) during the preview: a contact newer than
        # this is one of the file's own rows, not someone already in the directory.
        self.known_up_to = Contact.objects.aggregate(last=Max("pk"))["last"] or 0

    def _refuse_without_region(self, row) -> None:
        """A kecamatan-scoped user sees the contacts of that kecamatan only: a new one without
        a region would vanish from their list at once, and the next import of the same list
        would add it again (the duplicate check finds only what they see)."""
        if self.user is None or not self.user.kecamatan_id:
            return
        column = self.fields["region"].column_name
        if blank(row.get(column)):
            raise ValidationError({"region": REGION_REQUIRED_IN_SCOPE})

    def _refuse_known_person(self, row) -> None:
        """A row without an ID is a new person, unless the directory already has one with the
        same name and the same number (or, without a number, the same name in the same region
        and no number either): the same list imported again (next month, with a few rows added)
        added everyone a second time. Namesakes with other numbers, and different people
        sharing an office number, are different people."""
        try:
            name = single_spaced(str(self.fields["name"].clean(row) or ""))
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
            same = self.get_queryset().filter(name__iexact=name, phone=number)
        else:
            # Without a number: the same name in the same region, among those without one.
            try:
                region = self.fields["region"].clean(row)
            except (KeyError, ValueError):
                return
            same = self.get_queryset().filter(name__iexact=name, region=region, phone="")
        existing = same.order_by("pk").first()
        if existing is None:
            return
        if existing.pk > getattr(self, "known_up_to", existing.pk):
            message = _(
                "Baris ini sama dengan baris sebelumnya di berkas ini (nama dan nomor sama)."
            )
        else:
            self.contacts_shown.add(existing.pk)
            message = _(
                "Tokoh ini sudah ada di direktori (ID %(id)s, %(name)s). Isi kolom ID dengan "
                "%(id)s untuk memperbarui datanya, atau hapus baris ini."
            ) % {"id": existing.pk, "name": existing.name}
        raise ValidationError({"id": message})

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        result.contacts_shown = sorted(self.contacts_shown)

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
            (_("Wilayah"), _regions(self.fields["region"].widget.regions)),
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
