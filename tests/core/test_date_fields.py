"""Dates shown and typed as DD/MM/YYYY in every form (issue 12): the shared core fields, and
the forms of each app that take a date."""

from datetime import date, datetime

import pytest
from django import forms
from django.utils import timezone, translation

from action_plans.forms import DecreeForm, PeriodForm
from core.forms import BootstrapMixin, LocalDateField, LocalDateTimeField
from incidents.filters import IncidentFilter
from incidents.forms import ConflictStatusForm


class DateForm(forms.Form):
    day = LocalDateField()
    moment = LocalDateTimeField(required=False)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("19/12/2025", date(2025, 12, 19)),
        ("19-12-2025", date(2025, 12, 19)),
        ("2025-12-19", date(2025, 12, 19)),  # ISO: a browser date picker, an old bookmark
        (" 01/02/2026 ", date(2026, 2, 1)),  # day first, never month first
    ],
)
def test_a_date_is_read_day_first_or_iso(typed, expected):
    form = DateForm({"day": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == expected


@pytest.mark.parametrize(("language", "hint"), [("id", "HH/BB/TTTT"), ("en", "DD/MM/YYYY")])
def test_a_date_is_shown_day_first_in_either_language(language, hint):
    with translation.override(language):
        html = str(DateForm(initial={"day": date(2025, 12, 9)})["day"])
    assert 'value="09/12/2025"' in html
    # The full keyboard: a number pad (inputmode numeric) has no "/" on iOS.
    assert "inputmode" not in html
    assert f'placeholder="{hint}"' in html
    assert 'type="text"' in html


@pytest.mark.parametrize("typed", ["31/02/2026", "12/31/2025", "kemarin", "2026-13-01"])
def test_an_impossible_date_says_how_to_write_it(typed):
    with translation.override("id"):
        form = DateForm({"day": typed})
        assert not form.is_valid()
        assert form.errors["day"] == ["Tanggal tidak valid; gunakan format HH/BB/TTTT."]


@pytest.mark.parametrize(
    "typed", ["19/12/2025 14:30", "19/12/2025 14.30", "2025-12-19T14:30", "2025-12-19 14:30"]
)
def test_a_date_time_is_read_both_ways(typed):
    form = DateForm({"day": "19/12/2025", "moment": typed})
    assert form.is_valid(), form.errors
    assert timezone.localtime(form.cleaned_data["moment"]).replace(tzinfo=None) == datetime(
        2025, 12, 19, 14, 30
    )


def test_a_date_time_is_shown_day_first():
    moment = timezone.make_aware(datetime(2025, 12, 19, 14, 30))
    html = str(DateForm(initial={"moment": moment})["moment"])
    assert 'value="19/12/2025 14:30"' in html


@pytest.mark.django_db
def test_every_form_with_a_date_takes_dd_mm_yyyy(sekretariat):
    """Model forms (incidents, action plans), a plain form and a list filter."""
    status = ConflictStatusForm({"start_date": "01/03/2026", "end_date": "31/03/2026"})
    status.is_valid()
    assert status.cleaned_data["start_date"] == date(2026, 3, 1)
    assert status.cleaned_data["end_date"] == date(2026, 3, 31)
    period = PeriodForm({"start_date": "01/01/2026", "end_date": "30/04/2026"})
    period.is_valid()
    assert period.cleaned_data["end_date"] == date(2026, 4, 30)
    decree = DecreeForm({"decree_date": "02/01/2026"})
    decree.is_valid()
    assert decree.cleaned_data["decree_date"] == date(2026, 1, 2)
    request = type("Request", (), {"user": sekretariat, "GET": {}})()
    filters = IncidentFilter({"occurred_from": "01/05/2026"}, request=request)
    filters.form.is_valid()
    assert filters.form.cleaned_data["occurred_from"] == date(2026, 5, 1)


def test_bootstrap_forms_turn_plain_date_fields_into_the_local_ones():
    class Plain(BootstrapMixin, forms.Form):
        day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    html = str(Plain()["day"])
    assert 'type="text"' in html
    assert "HH/BB/TTTT" in html
    assert Plain({"day": "19/12/2025"}).is_valid()
