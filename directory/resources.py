"""Excel/CSV import and export of agencies and contacts (django-import-export).

Every problem in a row is turned into a validation error (never an exception), so an import lists
all bad rows at once, and nothing is written unless every row is valid.
"""

from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from core.utils import spreadsheet_safe, spreadsheet_unescape
from directory.models import Agency, Contact, Region


class SpreadsheetSafeResource(resources.ModelResource):
    """Every exported cell goes through core.utils.spreadsheet_safe (a leading = + - @ is
    neutralised, never dropped); an import undoes exactly that escape, so an exported file
    imports back unchanged."""

    def export_field(self, field, instance, **kwargs):
        return spreadsheet_safe(super().export_field(field, instance, **kwargs))

    def before_import_row(self, row, **kwargs):
        for key, value in row.items():
            row[key] = spreadsheet_unescape(value)
        super().before_import_row(row, **kwargs)


class ChoiceWidget(widgets.Widget):
    """Accepts a choice by its code or its label, case-insensitively; exports the code."""

    def __init__(self, choices, **kwargs):
        super().__init__(**kwargs)
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
    """A region referenced by its Kemendagri code; an unknown code is a row error, not a crash."""

    def __init__(self, **kwargs):
        super().__init__(Region, field="code", **kwargs)

    def clean(self, value, row=None, **kwargs):
        code = str(value or "").strip()
        if not code:
            return None
        try:
            return Region.objects.get(code=code)
        except Region.DoesNotExist:
            raise ValueError(
                _("Kode wilayah “%(code)s” tidak ditemukan.") % {"code": code}
            ) from None


class PhoneWidget(widgets.Widget):
    """Passes the number on as text (`08…` or `+62…`); the model field validates and normalises it.
    An empty cell is an empty number, not NULL."""

    def clean(self, value, row=None, **kwargs):
        return str(value).strip() if value not in (None, "") else ""

    def render(self, value, obj=None, **kwargs):
        return str(value) if value else ""


class YesNoWidget(widgets.BooleanWidget):
    """`ya`/`tidak` as well as true/false/1/0; empty means yes (active)."""

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


class AgencyResource(SpreadsheetSafeResource):
    kind = fields.Field(
        attribute="kind", column_name="kind", widget=ChoiceWidget(Agency.kind.field.choices)
    )
    region = fields.Field(attribute="region", column_name="region", widget=RegionCodeWidget())
    active = fields.Field(attribute="active", column_name="active", widget=YesNoWidget())

    class Meta:
        model = Agency
        fields = ("name", "acronym", "kind", "region", "active")
        import_id_fields = ("name",)
        clean_model_instances = True
        skip_unchanged = True


class ContactResource(SpreadsheetSafeResource):
    kind = fields.Field(
        attribute="kind", column_name="kind", widget=ChoiceWidget(Contact.kind.field.choices)
    )
    legal_basis = fields.Field(
        attribute="legal_basis",
        column_name="legal_basis",
        widget=ChoiceWidget(Contact.legal_basis.field.choices),
    )
    region = fields.Field(attribute="region", column_name="region", widget=RegionCodeWidget())
    phone = fields.Field(attribute="phone", column_name="phone", widget=PhoneWidget())
    legal_basis_date = fields.Field(
        attribute="legal_basis_date",
        column_name="legal_basis_date",
        widget=widgets.DateWidget(format="%Y-%m-%d"),
    )
    active = fields.Field(attribute="active", column_name="active", widget=YesNoWidget())

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
