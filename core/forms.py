"""Form pieces shared by the apps: multiple evidence files, Bootstrap classes on widgets, dates
typed as DD/MM/YYYY, rupiah typed as 1.250.000."""

import datetime
import functools
import html
import re
from decimal import Decimal

from django import forms
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.forms.fields import InvalidJSONInput
from django.forms.models import ModelChoiceIterator
from django.forms.renderers import TemplatesSetting
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext_lazy as _

from core.uploads import ALLOWED, ALLOWED_LABEL, validate_evidence_file

MAX_FILES_PER_SAVE = 10

# Dates are shown and typed day first, as on every Indonesian document; ISO (what a browser's
# date picker or an old bookmark sends) is accepted too. Set on the fields themselves, not left
# to the active language's formats, so the English interface reads the same.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H.%M",
    "%d/%m/%Y, %H:%M",
    "%d/%m/%Y, %H.%M",
    "%d-%m-%Y %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d",
]
DATE_INVALID = _("Tanggal tidak valid; gunakan format HH/BB/TTTT.")
DATETIME_INVALID = _("Waktu tidak valid; gunakan format HH/BB/TTTT JJ:MM.")


class LocalDateInput(forms.DateInput):
    """A text box for DD/MM/YYYY (a native date picker shows the phone's own order and
    language, and cannot be typed into quickly). No numeric inputmode: iOS's number pad has no
    "/", so a cleared date could not be typed again."""

    def __init__(self, attrs=None):
        attrs = {
            "placeholder": _("HH/BB/TTTT"),
            "autocomplete": "off",
            "maxlength": 10,
            **(attrs or {}),
        }
        attrs.pop("type", None)
        super().__init__(attrs=attrs, format="%d/%m/%Y")


class LocalDateTimeInput(forms.DateTimeInput):
    """DD/MM/YYYY HH:MM, typed on the full keyboard (a number pad has no "/", ":" or space)."""

    def __init__(self, attrs=None):
        attrs = {
            "placeholder": _("HH/BB/TTTT JJ:MM"),
            "autocomplete": "off",
            "maxlength": 17,
            **(attrs or {}),
        }
        attrs.pop("type", None)
        super().__init__(attrs=attrs, format="%d/%m/%Y %H:%M")


class LocalDateField(forms.DateField):
    widget = LocalDateInput
    input_formats = DATE_INPUT_FORMATS
    default_error_messages = {"invalid": DATE_INVALID}


class LocalDateTimeField(forms.DateTimeField):
    widget = LocalDateTimeInput
    input_formats = DATETIME_INPUT_FORMATS
    default_error_messages = {"invalid": DATETIME_INVALID}


def localize_date_field(field: forms.Field) -> None:
    """Turns a plain date or date-time form field (a model form's, a filter's) into the DD/MM/YYYY
    one in place, keeping its label, help, initial value and validators."""
    if isinstance(field, forms.SplitDateTimeField):
        return
    if isinstance(field, forms.DateTimeField):
        if not isinstance(field.widget, LocalDateTimeInput):
            field.widget = LocalDateTimeInput(attrs=field.widget.attrs)
        field.input_formats = DATETIME_INPUT_FORMATS
        field.error_messages["invalid"] = DATETIME_INVALID
    elif isinstance(field, forms.DateField):
        if not isinstance(field.widget, LocalDateInput):
            field.widget = LocalDateInput(attrs=field.widget.attrs)
        field.input_formats = DATE_INPUT_FORMATS
        field.error_messages["invalid"] = DATE_INVALID


# Whole rupiah, typed the Indonesian way: "750000", "750.000", "Rp 2.500.000", "Rp2.500.000,-".
# The dot only ever groups thousands. Django's IntegerField takes a trailing ".000" for a zero
# decimal part and drops it: "750.000" was saved as Rp 750, a thousandfold error in a budget,
# its absorption and the province's PDFs.
RUPIAH_INVALID = _("Tulis jumlah rupiah dengan angka saja, misalnya 1.500.000 (bukan “1,5 juta”).")
RUPIAH_DECIMAL = _("Tulis rupiah bulat tanpa sen (tanpa koma), misalnya 1.250.000.")
RUPIAH_GROUPING = _("Pisahkan ribuan dengan titik, tiga angka per kelompok, misalnya 1.250.000.")
RUPIAH_NEGATIVE = _("Jumlah rupiah tidak boleh negatif.")
RUPIAH_TOO_LARGE = _("Jumlah rupiah terlalu besar.")
RUPIAH_MESSAGES = {
    "invalid": RUPIAH_INVALID,
    "decimal": RUPIAH_DECIMAL,
    "grouping": RUPIAH_GROUPING,
    "max_value": RUPIAH_TOO_LARGE,
}
_PLAIN_DIGITS = re.compile(r"[0-9]+")
# The first group starts with 1-9: "0.500" is no Indonesian number, and read as one it would be
# 500 where an English habit meant one half.
_THOUSANDS_GROUPS = re.compile(r"[1-9][0-9]{0,2}(?:\.[0-9]{3})+")
_MINUS_SIGNS = ("-", "\u2212")  # a hyphen, or the minus sign a word processor puts
# More digits than any amount a PositiveBigIntegerField holds (19): refused before int() is
# asked to read thousands of them.
_MAX_RUPIAH_DIGITS = 19


def _sign_and_compact(text) -> tuple[bool, str]:
    """Whether the text starts with a minus sign, and the text without it and without spaces
    (a no-break space pasted from a web page included)."""
    compact = "".join(str(text).split())
    negative = compact.startswith(_MINUS_SIGNS)
    return negative, compact[1:] if negative else compact


def _grouped_well(whole: str) -> bool:
    """Digits alone ("1500") or dots grouping thousands, three digits a group ("1.500")."""
    return bool(_PLAIN_DIGITS.fullmatch(whole) or _THOUSANDS_GROUPS.fullmatch(whole))


def parse_rupiah(text) -> int | None:
    """An amount of whole rupiah as a person writes it, or None when nothing was written.

    Spaces anywhere, a leading "Rp" or "Rp.", dots grouping thousands and a zero or dash
    fraction ("1.250.000,00", "1.250.000,-") are taken; anything that could be read two ways
    is refused (ValidationError, its code a key of RUPIAH_MESSAGES): cents ("1.250.000,50",
    "1250,5"), a dot that does not group thousands ("7.50"), words ("1,5 juta"). A minus sign
    gives a negative number: whether one is allowed is the field's (or the model's) rule."""
    negative, compact = _sign_and_compact(text)
    if compact[:2].casefold() == "rp":
        compact = compact[2:].removeprefix(".")
        if not negative and compact.startswith(_MINUS_SIGNS):  # "Rp -500.000"
            negative, compact = True, compact[1:]
    if not compact:
        if negative:
            raise ValidationError(RUPIAH_INVALID, code="invalid")
        return None
    compact = compact.removesuffix(",-")
    if not compact.isascii() or not set(compact) <= set("0123456789.,"):
        raise ValidationError(RUPIAH_INVALID, code="invalid")
    whole, comma, fraction = compact.partition(",")
    if comma and not _PLAIN_DIGITS.fullmatch(fraction or "0"):
        # "1,250,000" or "1,250.000": commas grouping thousands, the English way.
        raise ValidationError(RUPIAH_GROUPING, code="grouping")
    if fraction.strip("0"):
        raise ValidationError(RUPIAH_DECIMAL, code="decimal")
    if not whole:  # ",00": no rupiah written
        raise ValidationError(RUPIAH_INVALID, code="invalid")
    if not _grouped_well(whole):
        raise ValidationError(RUPIAH_GROUPING, code="grouping")
    digits = whole.replace(".", "").lstrip("0")
    if len(digits) > _MAX_RUPIAH_DIGITS:
        raise ValidationError(RUPIAH_TOO_LARGE, code="max_value")
    amount = int(digits or "0")
    return -amount if negative else amount


def format_rupiah(amount: int) -> str:
    """`1250000` -> "1.250.000": dots whatever the interface language, so what is shown in a
    rupiah box reads back as the same amount (`parse_rupiah` takes a comma for cents)."""
    return f"{amount:,}".replace(",", ".")


class RupiahInput(forms.TextInput):
    """A text box for rupiah. Not type=number: a browser takes "2.500.000" in one as a broken
    decimal (Chromium keeps "2.500000", others send nothing) and Django answers with a message
    about whole numbers. `inputmode` still brings up the phone's number pad."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"inputmode": "numeric", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return format_rupiah(value)
        return super().format_value(value)


class RupiahField(forms.IntegerField):
    """Whole rupiah as `parse_rupiah` reads them, shown with thousands dots ("1.250.000").
    For a model form: `Meta.field_classes = {"budget": RupiahField}` keeps the model field's
    label, help and limits (a PositiveBigIntegerField's 0 refused below with its own message)."""

    widget = RupiahInput
    default_error_messages = RUPIAH_MESSAGES

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if self.min_value == 0:
            self.error_messages["min_value"] = RUPIAH_NEGATIVE

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_rupiah(value)
        except ValidationError as error:
            raise ValidationError(self.error_messages[error.code], code=error.code) from None


# A count or measure typed the Indonesian way: dots group thousands, a comma marks the decimals
# ("1.500", "2,5", "1.500,25"). In a type=number box "1.500" was taken as one and a half and
# saved as 1,5 without a word; the RAT import read the same text as 1500.
NUMBER_INVALID = _("Tulis angka saja, misalnya 1.500 atau 2,5.")
NUMBER_GROUPING = _(
    "Pisahkan ribuan dengan titik, tiga angka per kelompok, dan desimal dengan koma, "
    "misalnya 1.500 atau 2,5."
)
NUMBER_AMBIGUOUS = _(
    "Koma menandai desimal: tulis 1.500 untuk seribu lima ratus, atau 1,5 untuk satu setengah."
)
NUMBER_DECIMAL_PLACES = _("Paling banyak %(max)s angka di belakang koma.")
NUMBER_NEGATIVE = _("Angka tidak boleh negatif.")
NUMBER_TOO_LARGE = _("Angka terlalu besar.")
NUMBER_MESSAGES = {
    "invalid": NUMBER_INVALID,
    "grouping": NUMBER_GROUPING,
    "ambiguous": NUMBER_AMBIGUOUS,
    "max_decimal_places": NUMBER_DECIMAL_PLACES,
    "max_digits": NUMBER_TOO_LARGE,
    "max_whole_digits": NUMBER_TOO_LARGE,
}
# "1,500": one and a half to an Indonesian, fifteen hundred to anyone with English habits (a
# phone set to English, a sheet copied from an English report). Neither reading is safe for a
# target, so a comma followed by exactly three digits after one group of one to three digits is
# refused and the message says how to write either number. "0,500" is no English thousand.
_ENGLISH_THOUSANDS = re.compile(r"[1-9][0-9]{0,2},[0-9]{3}")


def parse_number(text, *, decimal_places: int | None = None) -> Decimal | None:
    """A number as a person writes it in Indonesian, or None when nothing was written.

    Spaces anywhere, dots grouping thousands and one comma before the decimals are taken
    ("1.500" is 1500, "1,5" is 1.5, "1.500,25" is 1500.25); what could be read two ways or is
    no number is refused (ValidationError, its code a key of NUMBER_MESSAGES): a dot that does
    not group thousands ("7.50"), commas grouping thousands ("1,500" or "1,500,000"), words,
    more than `decimal_places` digits after the comma. A minus sign gives a negative number:
    whether one is allowed is the field's (or the model's) rule."""
    negative, compact = _sign_and_compact(text)
    if not compact:
        if negative:
            raise ValidationError(NUMBER_INVALID, code="invalid")
        return None
    if not compact.isascii() or not set(compact) <= set("0123456789.,"):
        raise ValidationError(NUMBER_INVALID, code="invalid")
    if _ENGLISH_THOUSANDS.fullmatch(compact):
        raise ValidationError(NUMBER_AMBIGUOUS, code="ambiguous")
    whole, comma, fraction = compact.partition(",")
    if comma and not _PLAIN_DIGITS.fullmatch(fraction):
        # "1,500,000" or "1,500.25": commas grouping thousands the English way; "1500,": no
        # decimals after the comma.
        raise ValidationError(NUMBER_GROUPING, code="grouping")
    whole = whole or "0"  # ",5"
    if not _grouped_well(whole):
        raise ValidationError(NUMBER_GROUPING, code="grouping")
    fraction = fraction.rstrip("0")
    if decimal_places is not None and len(fraction) > decimal_places:
        raise ValidationError(
            NUMBER_DECIMAL_PLACES, code="max_decimal_places", params={"max": decimal_places}
        )
    number = Decimal(f"{whole.replace('.', '')}.{fraction or '0'}")
    return -number if negative else number


def format_number(number: Decimal | int) -> str:
    """`Decimal("1500.50")` -> "1.500,5": thousands dots and a decimal comma whatever the interface
    language, no trailing zeros, so what is shown in a number box reads back as the same
    number."""
    whole, _point, fraction = f"{abs(number):f}".partition(".")
    fraction = fraction.rstrip("0")
    shown = format_rupiah(int(whole)) + (f",{fraction}" if fraction else "")
    return f"-{shown}" if number < 0 else shown


class IndonesianDecimalInput(forms.TextInput):
    """A text box for a count or measure, for the reason RupiahInput gives; `inputmode` brings
    up a number pad with the decimal comma."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal | int) and not isinstance(value, bool):
            return format_number(value)
        return super().format_value(value)


class IndonesianDecimalField(forms.DecimalField):
    """A number as `parse_number` reads it, shown the Indonesian way ("1.500", "2,5"). For a
    model form: `Meta.field_classes = {"value": IndonesianDecimalField}` keeps the model field's
    digits and decimal places."""

    widget = IndonesianDecimalInput
    default_error_messages = NUMBER_MESSAGES

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if self.min_value == 0:
            self.error_messages["min_value"] = NUMBER_NEGATIVE

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_number(value, decimal_places=self.decimal_places)
        except ValidationError as error:
            raise ValidationError(
                self.error_messages[error.code], code=error.code, params=error.params
            ) from None


class MultipleFileInput(forms.FileInput):
    """ "Pilih berkas / Ambil foto": a styled button for files from the device and one that opens
    the camera (`capture`), both sending under the same name; the chosen names are listed
    (static/js/portal.js). The real inputs stay focusable for keyboards and screen readers."""

    allow_multiple_selected = True
    template_name = "forms/evidence_file_input.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["class"] = "file-picker-input"
        # A form sent back with a message elsewhere: the browser cannot keep chosen files, so
        # the page says which were not saved (sent again as it is, they were silently left out).
        chosen = value if isinstance(value, list | tuple) else [value]
        context["widget"]["unsaved"] = ", ".join(
            upload.name for upload in chosen if isinstance(upload, UploadedFile)
        )
        return context


class EvidenceFilesField(forms.FileField):
    """Zero or more evidence files, each checked by content type and size."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("Bukti (foto/dokumen)"))
        kwargs.setdefault(
            "help_text",
            _("%(types)s, paling besar 10 MB per berkas, paling banyak %(count)s berkas.")
            % {"types": ALLOWED_LABEL, "count": MAX_FILES_PER_SAVE},
        )
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ",".join(f".{ext}" for ext in ALLOWED)

    def bound_data(self, data, initial):
        # The files sent, for the widget to name them when the form comes back unsaved
        # (FileField gives the initial value, none here).
        return data or initial

    def clean(self, data, initial=None):
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(uploads) > MAX_FILES_PER_SAVE:
            raise ValidationError(
                _("Paling banyak %(count)s berkas sekali simpan."),
                params={"count": MAX_FILES_PER_SAVE},
            )
        errors = []
        for upload in uploads:
            try:
                validate_evidence_file(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return uploads


class PortalBoundField(forms.BoundField):
    """A required field says so before anything is submitted: a star after its label
    (templates/forms/field.html) and `aria-required` for assistive technology, next to the
    `required` Django adds. A field required only in some cases the server decides (the reason
    for changing an established plan: needed only when something changed) is marked by giving its
    widget the `required` attribute. Radio and checkbox groups get no `aria-required`: ARIA
    allows it on neither a single radio button nor a group's fieldset."""

    @property
    def marked_required(self) -> bool:
        return bool(self.field.required or self.field.widget.attrs.get("required"))

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if (
            self.marked_required
            and not widget.is_hidden
            and not isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
        ):
            attrs["aria-required"] = "true"
        return attrs

    def as_field_group(self):
        """templates/forms/field.html, written in Python when that is the template (the same
        HTML, checked by tests/core/test_fast_rendering.py): a form of a dozen fields otherwise
        costs a dozen template renders before any widget is drawn."""
        if self.template_name != PortalFormRenderer.field_template_name:
            return super().as_field_group()
        return mark_safe(_field_group_html(self))


def _field_group_html(field) -> str:
    """What templates/forms/field.html renders for `field`, whitespace included."""
    errors = field.errors
    help_text = field.help_text
    name, label, widget = _escape(field.name), _escape(field.label), str(field)
    required = " required" if field.marked_required else ""
    has_error = " has-error" if errors else ""
    auto_id = _escape(field.auto_id)
    # The renderer strips the template's output: its comment lines and the last line break.
    html = ""
    if field.use_fieldset:
        described = " ".join(
            [f"{auto_id}_helptext"] * bool(help_text) + [f"{auto_id}_error"] * bool(errors)
        )
        html += (
            f'<fieldset class="mb-3 field-group{has_error}" data-field="{name}"'
            + (f' aria-describedby="{described}"' if described else "")
            + ">\n"
            f'  <legend class="form-label{required}">{label}</legend>\n'
            f"  {widget}\n"
        )
    else:
        html += f'<div class="mb-3{has_error}" data-field="{name}">\n  '
        label_for = _escape(field.id_for_label)
        if field.widget_type == "checkbox":
            html += (
                "\n"
                '  <div class="form-check">\n'
                f"    {widget}\n"
                f'    <label class="form-check-label{required}" for="{label_for}">{label}</label>\n'
                "  </div>\n  "
            )
        else:
            html += (
                "\n"
                f'  <label class="form-label{required}" for="{label_for}">{label}</label>\n'
                f"  {widget}\n  "
            )
        html += "\n"
    html += "\n  "
    if help_text:
        html += f'<div class="form-text" id="{auto_id}_helptext">{help_text}</div>'
    html += "\n  "
    if errors:
        html += f'<div id="{auto_id}_error" role="alert">'
        html += "".join(f'<div class="invalid-feedback d-block">{_escape(e)}</div>' for e in errors)
        html += "</div>"
    html += "\n"
    return html + ("</fieldset>" if field.use_fieldset else "</div>")


class PortalFormRenderer(TemplatesSetting):
    """`{{ form.field.as_field_group }}` renders label, widget, help and errors the Bootstrap way
    (templates/forms/field.html), errors right under the field."""

    field_template_name = "forms/field.html"
    bound_field_class = PortalBoundField


def sign_opened(state: dict, salt: str) -> str:
    """A record's state as a form was opened, signed for the form's hidden `opened` field."""
    return signing.dumps(state, salt=salt, compress=True)


def read_opened(token: str, salt: str) -> dict | None:
    """The state `sign_opened` signed; None when none was sent or it was tampered with (the
    save then goes ahead as before)."""
    try:
        value = signing.loads(token or "", salt=salt)
    except signing.BadSignature:
        return None
    return value if isinstance(value, dict) else None


def changes_text(changes) -> str:
    """(label, before, now) triples as one line of a "changed meanwhile" message."""

    def short(text):
        text = str(text) or "—"
        return text if len(text) <= 80 else text[:79] + "…"

    return "; ".join(f"{label}: {short(old)} → {short(new)}" for label, old, new in changes)


class OpenedStateMixin:
    """For a ModelForm that edits a saved row: the row's values as the form was opened travel
    with it (signed, in the hidden `opened` field), so a save can see what a colleague changed
    since instead of writing the whole row back over it (`changes_since_opened`)."""

    OPENED_FIELD = "opened"
    UNTRACKED_FIELDS: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[self.OPENED_FIELD] = forms.CharField(required=False, widget=forms.HiddenInput)
        if not self.is_bound:
            # A row not saved yet is opened blank: one a colleague creates meanwhile (the
            # year's evaluation, made by the first save) is then compared with blanks.
            self.initial[self.OPENED_FIELD] = self.sign_state(self.instance)

    def _salt(self) -> str:
        return f"opened:{self._meta.model._meta.label_lower}"

    def row_state(self, obj) -> dict:
        """The form's fields of `obj` as stored (empty as "", dates DD/MM/YYYY, a related row
        by its id, a choice by its code), in the form's order: a renamed agency or a reworded
        label is no change of this row. `shown` puts them as a person reads them."""
        opts = self._meta.model._meta
        concrete = {field.name for field in opts.concrete_fields}
        state = {}
        for name in self._meta.fields:
            if name not in concrete or name in self.UNTRACKED_FIELDS:
                continue  # a form's own field, or one it never writes back
            value = opts.get_field(name).value_from_object(obj)
            if value is None:
                value = ""
            elif isinstance(value, datetime.date):
                value = value.strftime("%d/%m/%Y")
            state[name] = str(value)
        return state

    def shown(self, name: str, stored: str) -> str:
        """A value of `row_state` as a person reads it: a related row by its name, yes/no, a
        choice by its label."""
        opts = self._meta.model._meta
        if stored == "" or name not in {field.name for field in opts.concrete_fields}:
            return stored
        field = opts.get_field(name)
        if field.many_to_one:
            related = field.related_model._base_manager.filter(pk=stored).first()
            return str(related) if related is not None else stored
        if field.choices:
            return str(
                next((label for key, label in field.flatchoices if str(key) == stored), stored)
            )
        if isinstance(field, models.BooleanField):
            return str(_("Ya") if stored == "True" else _("Tidak"))
        return stored

    def sign_state(self, obj) -> str:
        return sign_opened(self.row_state(obj), self._salt())

    def refused_as_changed_meanwhile(self, current, message) -> bool:
        """Whether `current` (the row as stored now, locked by the caller) changed since this
        form was opened. If so the form gets `message` (with `%(changes)s`), keeps what was
        typed, and now carries `current` as opened: sent again, it saves knowingly."""
        changes = self.changes_since_opened(current)
        if not changes:
            return False
        self.data = self.data.copy()
        self.data[self.add_prefix(self.OPENED_FIELD)] = self.sign_state(current)
        self.add_error(None, message % {"changes": changes_text(changes)})
        return True

    @functools.cached_property
    def changed_data(self):
        # The opened state is no value of the row: a form whose fields are as stored has not
        # changed (a formset saves only the forms that have).
        return [name for name in super().changed_data if name != self.OPENED_FIELD]

    def edited_since_opened(self) -> bool:
        """Whether what this valid form sends differs from the row as it was opened (True when
        the form carries no opened state: all of it counts as typed)."""
        opened = read_opened(self.data.get(self.add_prefix(self.OPENED_FIELD)), self._salt())
        return opened is None or self.row_state(self.instance) != opened

    def changes_since_opened(self, current) -> list[tuple[str, str, str]]:
        """(label, as opened, as stored now) for each field changed since the form was opened;
        empty when nothing changed or the form carries no (valid) opened state."""
        opened = read_opened(self.data.get(self.add_prefix(self.OPENED_FIELD)), self._salt())
        if opened is None:
            return []
        now = self.row_state(current)
        return [
            (
                str(self.fields[name].label),
                self.shown(name, opened.get(name, "")),
                self.shown(name, now[name]),
            )
            for name in now
            if name in self.fields and opened.get(name, now[name]) != now[name]
        ]


class ModelRulesMixin:
    """For a ModelForm: the model's rules (its clean() and its constraints) answer in the same
    round as the form's own field checks, and each field shows one message.

    Django leaves every model field the form does not offer out of model validation (a view may
    set it after validation), and with it every constraint that names such a field: a rule on a
    flag the code sets, such as a report's `needs_completion`, was first checked by the service
    on save, once everything else had passed, so the person met its message a round later (and
    chose the photos again for nothing). `instance_fields` names the fields whose value the
    form's instance already holds as it will be saved; the rules naming them are checked with
    the form.

    A field the form itself refused keeps that message alone: a model rule about it judged the
    value left on the instance, not what was sent, and is checked again once the field is
    fixed (Django already skips the field's own checks and its constraints; clean() does not
    know which fields failed)."""

    instance_fields: tuple[str, ...] = ()

    def _get_validation_exclusions(self):
        return super()._get_validation_exclusions() - set(self.instance_fields)

    def _post_clean(self):
        refused = {name: len(errors) for name, errors in self._errors.items()}
        super()._post_clean()
        for name, count in refused.items():
            if name != NON_FIELD_ERRORS:
                del self._errors[name][count:]


class BootstrapMixin:
    """Gives every widget its Bootstrap class; dates are typed as DD/MM/YYYY."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for bound_field in self.fields.values():
            localize_date_field(bound_field)
            widget = bound_field.widget
            # Selects write their options in Python (OptionsInPythonMixin): the same HTML, a
            # fraction of the time. Swapping the class of the form's own copy of the widget
            # keeps its attributes and choices.
            if fast := fast_widget_class(type(widget)):
                widget.__class__ = fast
            if isinstance(widget, MultipleFileInput):
                continue  # drawn as buttons by its own template
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple) and not isinstance(
                widget, forms.CheckboxSelectMultiple
            ):
                css = "form-select"
            elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                css = ""  # rendered by hand in the templates
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class OptionsInPythonMixin:
    """Writes the `<option>`s in Python instead of one template render per option: the same HTML
    as Django's select.html, but a list filter offering every desa (300+ options) renders in
    under a millisecond instead of tens of milliseconds."""

    def optgroups(self, name, value, attrs=None):
        """Django's ChoiceWidget.optgroups with only what `render` reads (value, label and the
        `selected` attribute): Django's builds a dict of a dozen entries with copied
        attributes for each option, which was most of a list page's filter form."""
        groups = []
        has_selected = False
        # format_value(): the selected values as text (NullBooleanSelect gives one string)
        chosen = {value} if isinstance(value, str) else set(value)
        for index, (option_value, option_label) in enumerate(_choices(self.choices)):
            if option_value is None:
                option_value = ""
            group_name = None
            subchoices = [(option_value, option_label)]
            if isinstance(option_label, list | tuple):
                group_name, subchoices = option_value, option_label
            options = []
            for subvalue, sublabel in subchoices:
                selected = (not has_selected or self.allow_multiple_selected) and str(
                    subvalue
                ) in chosen
                has_selected |= selected
                options.append(
                    {
                        "value": subvalue,
                        "label": sublabel,
                        "attrs": {"selected": True} if selected else {},
                    }
                )
            groups.append((group_name, options, index))
        return groups

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            rendered = "".join(
                '\n  <option value="{}"{}>{}</option>'.format(
                    _escape("" if o["value"] is None else o["value"]),
                    _option_attrs(o["attrs"]),
                    _escape(o["label"]),
                )
                for o in options
            )
            if group_name:
                rendered = f'\n  <optgroup label="{_escape(group_name)}">{rendered}\n  </optgroup>'
            groups.append(rendered)
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            widget["name"],
            mark_safe(_attributes(widget["attrs"])),
            mark_safe("".join(groups)),  # every part was escaped
        )


def checkbox_group_html(field) -> str:
    """A multiple-choice filter (status, risk level) as inline checkboxes in a fieldset with a
    legend: no Ctrl-click list box on a phone. Written in Python: through Django's subwidgets and
    a template loop, the two groups of a list's filter form cost about 3,000 function calls."""
    chosen = {str(value) for value in field.value() or ()}
    auto_id = field.field.widget.attrs.get("id") or field.auto_id
    name = _escape(field.html_name)
    boxes = []
    for index, (value, label) in enumerate(field.field.choices):
        box_id = _escape(f"{auto_id}_{index}") if auto_id else ""
        checked = " checked" if str(value) in chosen else ""
        boxes.append(
            '\n  <div class="form-check form-check-inline">\n'
            f'    <input type="checkbox" class="form-check-input" name="{name}" id="{box_id}" '
            f'value="{_escape(value)}"{checked}>\n'
            f'    <label class="form-check-label" for="{box_id}">{_escape(label)}</label>\n'
            "  </div>"
        )
    return mark_safe(
        f'<fieldset class="mb-2 field-group" data-field="{_escape(field.name)}">\n'
        f'  <legend class="form-label fs-6 mb-1">{_escape(field.label)}</legend>'
        + "".join(boxes)
        + "\n</fieldset>"
    )


def _choices(choices):
    """A model field's choices from one plain query: ModelChoiceIterator reads them through
    `QuerySet.iterator()`, a server-side cursor (DECLARE, FETCH, CLOSE: three round trips) for a
    few hundred rows that fit in memory anyway."""
    if not isinstance(choices, ModelChoiceIterator):
        return choices
    field = choices.field
    options = [("", field.empty_label)] if field.empty_label is not None else []
    if getattr(field, "null_label", None) is not None:  # django-filter's "none of them" choice
        options.append((field.null_value, field.null_label))
    if column := getattr(field, "label_column", None):
        return options + list(choices.queryset.values_list("pk", column))
    return options + [choices.choice(obj) for obj in choices.queryset.all()]


class LabelColumnMixin:
    """For a model choice field whose options are labelled by one column (`label_column`, e.g.
    a region's name): the options are read as (id, label) pairs, not as model instances, which
    over a few hundred desa is most of a filter form's cost. Validation still returns the
    record."""

    label_column = "name"

    def label_from_instance(self, obj):
        return getattr(obj, self.label_column)


def _escape(value) -> str:
    """conditional_escape() without its lazy-aware wrapper, which costs more than the escaping
    itself over a few hundred options."""
    return value if isinstance(value, SafeData) else html.escape(str(value))


def _attributes(attrs) -> str:
    """A widget's attributes as Django's attrs.html writes them: in their own order (flatatt()
    sorts them), `True` as a bare name, `False` left out."""
    return "".join(
        f" {_escape(name)}" if value is True else f' {_escape(name)}="{_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _option_attrs(attrs) -> str:
    if not attrs:
        return ""
    if attrs == {"selected": True}:
        return " selected"
    return flatatt(attrs)


class AnyYesNoSelect(forms.NullBooleanSelect):
    """A yes/no list filter: "Semua" (no filter), "Ya", "Tidak". Django's first choice reads
    "Tidak diketahui" (unknown), which on a filter looks like a value rather than no filter."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", _("Semua")), ("true", _("Ya")), ("false", _("Tidak"))]


class FastSelect(OptionsInPythonMixin, forms.Select):
    pass


class FastSelectMultiple(OptionsInPythonMixin, forms.SelectMultiple):
    pass


FAST_WIDGETS = {forms.Select: FastSelect, forms.SelectMultiple: FastSelectMultiple}


# What a select class may change about its options; OptionsInPythonMixin writes only value, label
# and selected, so a class that changes any of these keeps Django's rendering.
OPTION_HOOKS = {"template_name", "option_template_name", "create_option", "optgroups"}


class InputInPythonMixin:
    """Writes a text-like `<input>` in Python: the same HTML as Django's input.html and
    attrs.html (a filter form has half a dozen such boxes, each two template renders)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value = widget["value"]
        return mark_safe(
            '<input type="{}" name="{}"{}{}>'.format(
                _escape(widget["type"]),
                _escape(widget["name"]),
                "" if value is None else f' value="{_escape(value)}"',
                _attributes(widget["attrs"]),
            )
        )


# Django's input templates that only include input.html; a widget drawn with another template
# (a file input, a checkbox, one of the portal's own) keeps it.
STOCK_INPUT_TEMPLATES = {
    f"django/forms/widgets/{kind}.html"
    for kind in (
        "input", "text", "search", "number", "email", "url", "tel", "password", "hidden", "date",
        "datetime", "time", "color",
    )
}  # fmt: skip


def _fast_input_class(widget_class):
    """`widget_class` with its `<input>` written in Python, or None if it draws itself another
    way (its own template, `render` or `_render`)."""
    if widget_class.template_name not in STOCK_INPUT_TEMPLATES:
        return None
    if widget_class.render is not forms.Widget.render:
        return None
    if widget_class._render is not forms.Widget._render:
        return None
    return type(widget_class.__name__, (InputInPythonMixin, widget_class), {})


def _calls_super(value) -> bool:
    """Whether a method uses argument-less super(), which names the class it was written in.
    A rebuilt class is given to widgets already made (BootstrapMixin swaps `__class__`), so
    its `__init__` never runs again; any other such method would fail."""
    code = getattr(value, "__code__", None)
    return code is not None and "__class__" in code.co_freevars


@functools.cache
def fast_widget_class(widget_class):
    """The class to give a widget so it is written in Python: for a text-like input the same
    class with InputInPythonMixin; FastSelect for a plain select, and for a class built on one
    (django-filter's sort widget is made of its comma-separated-values widget and a Select;
    the yes/no filters' select is built on NullBooleanSelect, itself built on Select) the same
    class built on FastSelect. None when there is nothing to speed up."""
    if issubclass(widget_class, InputInPythonMixin | OptionsInPythonMixin):
        return None
    if issubclass(widget_class, forms.widgets.Input):
        return _fast_input_class(widget_class)
    if widget_class in FAST_WIDGETS:
        return FAST_WIDGETS[widget_class]
    own = {k: v for k, v in vars(widget_class).items() if k not in ("__dict__", "__weakref__")}
    if "render" in own:
        return None  # drawn its own way: leave it so
    if any(_calls_super(value) for name, value in own.items() if name != "__init__"):
        return None  # its super() would look for the original class, not the rebuilt one
    for klass in widget_class.__mro__:
        if klass in FAST_WIDGETS:
            break
        if OPTION_HOOKS & vars(klass).keys():
            return None  # options of its own making, which OptionsInPythonMixin would drop
    bases = tuple(fast_widget_class(base) or base for base in widget_class.__bases__)
    if bases == widget_class.__bases__:
        return None
    return type(widget_class.__name__, bases, own)


class FilterForm(BootstrapMixin, forms.Form):
    """Base form of the FilterSets (`Meta.form`), so filters look like the other forms."""


class SafeJSONField(forms.JSONField):
    """Django's JSON form field, refusing what its parser cannot take as it refuses a syntax
    error: very deep nesting (RecursionError) and an integer of thousands of digits (ValueError)
    were a 500, on saving and on showing the form again."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except (RecursionError, ValueError) as error:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"value": "…"}
            ) from error

    def bound_data(self, data, initial):
        try:
            return super().bound_data(data, initial)
        except (RecursionError, ValueError):
            return InvalidJSONInput(data)
