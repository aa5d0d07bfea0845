"""Rupiah typed the Indonesian way (core.forms.RupiahField): "750.000" is seven hundred and
fifty thousand, never Rp 750; what could be read two ways is refused with a message saying how to
write it; the stored amount is shown back with thousands dots."""

import pytest
from django import forms
from django.utils import translation

from core.forms import BootstrapMixin, RupiahField, format_rupiah, parse_rupiah
from incidents.models import Incident

INVALID = "Tulis jumlah rupiah dengan angka saja, misalnya 1.500.000 (bukan “1,5 juta”)."
DECIMAL = "Tulis rupiah bulat tanpa sen (tanpa koma), misalnya 1.250.000."
GROUPING = "Pisahkan ribuan dengan titik, tiga angka per kelompok, misalnya 1.250.000."
NEGATIVE = "Jumlah rupiah tidak boleh negatif."
TOO_LARGE = "Jumlah rupiah terlalu besar."


class AmountForm(BootstrapMixin, forms.Form):
    """The field as a model form makes it from a money column (a PositiveBigIntegerField: 0 to
    2**63 - 1): the report's loss, which may be left empty (unknown)."""

    rupiah = Incident._meta.get_field("loss_rupiah").formfield(form_class=RupiahField)


def cleaned(typed):
    with translation.override("id"):
        form = AmountForm({"rupiah": typed})
        valid = form.is_valid()
        return form.cleaned_data["rupiah"] if valid else form.errors["rupiah"]


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("750000", 750_000),
        ("750.000", 750_000),
        ("2.500.000", 2_500_000),
        ("Rp 2.500.000", 2_500_000),
        ("Rp2.500.000", 2_500_000),
        ("rp. 2.500.000", 2_500_000),
        (" 2 500 000 ", 2_500_000),
        ("2.500.000\u00a0", 2_500_000),  # a no-break space pasted from a web page
        ("Rp 2.500.000,-", 2_500_000),  # the way a receipt writes a whole amount
        ("1.250.000,00", 1_250_000),
        ("999", 999),
        ("0", 0),
        ("9.223.372.036.854.775.807", 2**63 - 1),  # the largest a PositiveBigIntegerField holds
        ("", None),
        ("   ", None),
    ],
)
def test_what_an_indonesian_user_types_is_read_as_meant(typed, amount):
    assert cleaned(typed) == amount


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1.250.000,50", DECIMAL),  # cents: the fields are whole rupiah
        ("1250,5", DECIMAL),
        ("1,250", DECIMAL),  # one thousand two hundred and fifty, or one and a quarter
        ("7.50", GROUPING),  # seven and a half, or 750 with a dot typed in the wrong place
        ("0.500", GROUPING),  # no thousands group starts with 0
        ("12.5", GROUPING),
        ("1.25.000", GROUPING),
        ("500.", GROUPING),
        ("1,250,000", GROUPING),  # thousands grouped the English way
        ("1,250.000", GROUPING),
        ("1,5 juta", INVALID),
        ("lima juta", INVALID),
        ("2,5jt", INVALID),
        ("Rp", None),  # nothing written: empty, not refused
        ("2.500.000 rupiah", INVALID),
        ("1e6", INVALID),
        ("٣", INVALID),  # a digit of another script, which int() would take
        ("-", INVALID),
        ("-500.000", NEGATIVE),
        ("Rp -500.000", NEGATIVE),
        ("\u2212500", NEGATIVE),
        ("9.223.372.036.854.775.808", TOO_LARGE),
        ("9" * 40, TOO_LARGE),
        ("9" * 5000, TOO_LARGE),  # more digits than int() reads from text
    ],
)
def test_what_could_be_read_two_ways_or_is_no_amount_is_refused_saying_how_to_write_it(
    typed, message
):
    assert cleaned(typed) == ([message] if message else None)


def test_the_stored_amount_is_shown_with_thousands_dots_in_a_text_box_in_either_language():
    for language in ("id", "en"):
        with translation.override(language):
            html = str(AmountForm(initial={"rupiah": 1_250_000})["rupiah"])
        # Dots in English too: "1,250,000" sent back would be refused.
        assert 'value="1.250.000"' in html
        # Not type=number, which drops or mangles the dots; the phone's number pad all the same.
        assert 'type="text"' in html
        assert 'inputmode="numeric"' in html
        assert "min=" not in html
        assert 'class="form-control"' in html


def test_what_was_typed_is_shown_again_as_typed_when_refused():
    form = AmountForm({"rupiah": "7.50"})
    assert not form.is_valid()
    assert 'value="7.50"' in str(form["rupiah"])


@pytest.mark.parametrize("amount", [0, 999, 1_000, 750_000, 1_250_000, 2**63 - 1])
def test_what_is_shown_reads_back_as_the_same_amount(amount):
    assert parse_rupiah(format_rupiah(amount)) == amount
    assert cleaned(format_rupiah(amount)) == amount
