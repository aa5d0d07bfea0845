"""The list page's shortcuts draw what Django would: select options written in Python equal
Django's own Select, and cached choice labels follow the reader's language."""

import re

import pytest
from django import forms
from django.utils import translation

from core.forms import FastSelect, FastSelectMultiple
from core.templatetags.portal import badge, choice_label
from incidents.models import Incident

OPTION = re.compile(r'<option value="([^"]*)"( selected)?>([^<]*)</option>')
CHOICES = [
    ("", "---------"),
    ("a", "Satu & <dua>"),
    ("Kelompok", [("b", 'Tiga "3"'), ("c", "Empat")]),
    (5, "Lima"),
]


@pytest.mark.parametrize(
    ("fast", "slow", "value"),
    [
        (FastSelect, forms.Select, "b"),
        (FastSelect, forms.Select, 5),
        (FastSelect, forms.Select, None),
        (FastSelectMultiple, forms.SelectMultiple, ["a", "c"]),
    ],
)
def test_options_written_in_python_are_djangos_options(fast, slow, value):
    expected = slow(choices=CHOICES).render("f", value, attrs={"id": "id_f"})
    rendered = fast(choices=CHOICES).render("f", value, attrs={"id": "id_f"})
    assert OPTION.findall(rendered) == OPTION.findall(expected)
    assert rendered.count('<optgroup label="Kelompok">') == 1
    assert "Satu &amp; &lt;dua&gt;" in rendered and "Tiga &quot;3&quot;" in rendered
    assert len(OPTION.findall(rendered)) == 5


def test_choice_labels_follow_the_language_and_fall_back_to_the_model():
    incident = Incident(status="diajukan", kind="potensi")
    with translation.override("id"):
        assert choice_label(incident, "status") == "Diajukan"
        assert 'data-testid="status">Diajukan</span>' in badge(incident, "status")
    with translation.override("en"):
        assert choice_label(incident, "status") == "Submitted"
        assert ">Submitted</span>" in badge(incident, "status")
    incident.status = "unknown"  # not a choice: shown as it is, as get_FOO_display() does
    assert choice_label(incident, "status") == "unknown"
