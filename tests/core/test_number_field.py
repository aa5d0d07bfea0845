"""Numbers typed the Indonesian way (core.forms.IndonesianDecimalField): "1.500" is fifteen
hundred, never one and a half; "1,5" is one and a half; what could be read two ways is refused
with a message saying how to write it; the stored number is shown back the same way."""

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from action_plans.models import Target
from core.forms import BootstrapMixin, IndonesianDecimalField, format_number, parse_number

INVALID = "Tulis angka saja, misalnya 1.500 atau 2,5."
GROUPING = (
    "Pisahkan ribuan dengan titik, tiga angka per kelompok, dan desimal dengan koma, "
    "misalnya 1.500 atau 2,5."
)
AMBIGUOUS = (
    "Koma menandai desimal: tulis 1.500 untuk seribu lima ratus, atau 1,5 untuk satu setengah."
)
DECIMAL_PLACES = "Paling banyak 2 angka di belakang koma."
NEGATIVE = "Angka tidak boleh negatif."
TOO_LARGE = "Angka terlalu besar."


class TargetForm(BootstrapMixin, forms.Form):
    """The field as the activity form makes it from a target (DecimalField(12, 2), not negative)."""

    value = Target._meta.get_field("value").formfield(
        form_class=IndonesianDecimalField, required=False, min_value=0
    )


def cleaned(typed):
    with translation.override("id"):
        form = TargetForm({"value": typed})
        valid = form.is_valid()
        return form.cleaned_data["value"] if valid else form.errors["value"]


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("1.500", Decimal(1500)),
        ("1,5", Decimal("1.5")),
        ("1.500,25", Decimal("1500.25")),
        ("1500", Decimal(1500)),
        (" 1 500 ", Decimal(1500)),
        ("1.500\u00a0", Decimal(1500)),  # a no-break space pasted from a web page
        ("1.234.567,8", Decimal("1234567.8")),
        ("0,5", Decimal("0.5")),
        (",5", Decimal("0.5")),
        ("0,500", Decimal("0.5")),  # no English thousand: a leading 0 groups nothing
        ("1.500,000", Decimal(1500)),  # zeros after the comma are not decimal places
        ("1500,25", Decimal("1500.25")),
        ("12", Decimal(12)),
        ("0", Decimal(0)),
        ("9.999.999.999,99", Decimal("9999999999.99")),  # the largest a target holds
        ("", None),
        ("   ", None),
    ],
)
def test_what_an_indonesian_user_types_is_read_as_meant(typed, number):
    assert cleaned(typed) == number


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        # One and a half to an Indonesian, fifteen hundred with English habits.
        ("1,500", AMBIGUOUS),
        ("12,250", AMBIGUOUS),
        ("7.50", GROUPING),  # seven and a half the English way, or 750 with a misplaced dot
        ("0.500", GROUPING),  # one half the English way; no Indonesian group starts with 0
        ("00.250", GROUPING),
        ("1.5", GROUPING),
        ("1.25.000", GROUPING),
        ("500.", GROUPING),
        ("1500,", GROUPING),
        ("1,500,000", GROUPING),  # thousands grouped the English way
        ("1,500.25", GROUPING),
        ("1,5,", GROUPING),
        ("1,555", AMBIGUOUS),
        ("1,2555", DECIMAL_PLACES),
        ("1.500,255", DECIMAL_PLACES),
        ("satu", INVALID),
        ("1,5 orang", INVALID),
        ("1e6", INVALID),
        ("NaN", INVALID),
        ("٣", INVALID),  # a digit of another script, which Decimal() would take
        ("-", INVALID),
        ("-2", NEGATIVE),
        ("\u22121,5", NEGATIVE),
        ("10.000.000.000", TOO_LARGE),
        ("9" * 5000, TOO_LARGE),
    ],
)
def test_what_could_be_read_two_ways_or_is_no_number_is_refused_saying_how_to_write_it(
    typed, message
):
    assert cleaned(typed) == [message]


def test_the_stored_number_is_shown_the_indonesian_way_in_a_text_box_in_either_language():
    for language in ("id", "en"):
        with translation.override(language):
            html = str(TargetForm(initial={"value": Decimal("1500.50")})["value"])
        # Dots and a comma in English too: "1,500.5" sent back would be refused.
        assert 'value="1.500,5"' in html
        # Not type=number, which reads "1.500" as one and a half.
        assert 'type="text"' in html
        assert 'inputmode="decimal"' in html
        assert "min=" not in html and "step=" not in html
        assert 'class="form-control"' in html


def test_what_was_typed_is_shown_again_as_typed_when_refused():
    form = TargetForm({"value": "1,500"})
    assert not form.is_valid()
    assert 'value="1,500"' in str(form["value"])


@pytest.mark.parametrize(
    "number",
    ["0", "0.5", "1.5", "12", "1000", "1500", "1500.25", "1234567.8", "9999999999.99"],
)
def test_what_is_shown_reads_back_as_the_same_number(number):
    assert parse_number(format_number(Decimal(number))) == Decimal(number)
    assert cleaned(format_number(Decimal(number))) == Decimal(number)


def test_a_number_is_shown_without_trailing_zeros():
    assert format_number(Decimal("1500.00")) == "1.500"
    assert format_number(Decimal("1.50")) == "1,5"
    assert format_number(1500) == "1.500"
