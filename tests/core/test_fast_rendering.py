"""The list page's shortcuts draw what Django would: select options and text-like inputs written
in Python equal Django's own widgets, and cached choice labels follow the reader's language."""

import re
from datetime import date, datetime

import pytest
from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy

from core.forms import (
    AnyYesNoSelect,
    BootstrapMixin,
    FastSelect,
    FastSelectMultiple,
    InputInPythonMixin,
    LocalDateInput,
    OptionsInPythonMixin,
    checkbox_group_html,
    fast_widget_class,
)
from core.templatetags.portal import badge, choice_label
from incidents.filters import IncidentFilter
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


class OptionWithData(forms.Select):
    def create_option(self, *args, **kwargs):
        option = super().create_option(*args, **kwargs)
        option["attrs"]["data-extra"] = "1"
        return option


class FormWithSelects(BootstrapMixin, forms.Form):
    plain = forms.ChoiceField(choices=CHOICES, required=False)
    yes_no = forms.NullBooleanField(required=False)
    own_options = forms.ChoiceField(
        choices=CHOICES, required=False, widget=OptionWithData(choices=CHOICES)
    )


def test_every_portal_form_writes_plain_select_options_in_python():
    form = FormWithSelects(data={"plain": "c", "yes_no": "true", "own_options": "a"})
    widgets = {name: form.fields[name].widget for name in form.fields}
    assert isinstance(widgets["plain"], OptionsInPythonMixin)
    # NullBooleanSelect keeps its own values (unknown / true / false) on the faster base.
    assert isinstance(widgets["yes_no"], OptionsInPythonMixin)
    assert form.is_valid() and form.cleaned_data["yes_no"] is True
    assert OPTION.findall(str(form["yes_no"])) == OPTION.findall(
        forms.NullBooleanSelect().render("yes_no", True)
    )
    assert ("true", " selected", "Ya") in OPTION.findall(str(form["yes_no"]))
    # A select that makes its own options is left to Django, so nothing it adds is lost.
    assert not isinstance(widgets["own_options"], OptionsInPythonMixin)
    assert str(form["own_options"]).count('data-extra="1"') == 5


def test_the_filters_sort_select_is_written_in_python_with_djangos_options():
    filters = IncidentFilter({"sort": "-title"}, queryset=Incident.objects.none())
    widget = filters.form.fields["sort"].widget
    assert isinstance(widget, OptionsInPythonMixin)
    django_own = forms.Select(choices=filters.form.fields["sort"].choices)
    expected = OPTION.findall(django_own.render("sort", "-title"))
    assert OPTION.findall(str(filters.form["sort"])) == expected
    assert ("-title", " selected", "Judul, Z–A") in expected


def test_yes_no_filters_keep_their_choice_on_the_list_page():
    filters = IncidentFilter(
        {"has_steps": "false", "mine": "true"}, queryset=Incident.objects.none()
    )
    assert ("false", " selected", "Tidak") in OPTION.findall(str(filters.form["has_steps"]))
    assert ("true", " selected", "Ya") in OPTION.findall(str(filters.form["mine"]))


ATTRS = {
    "id": "id_f",
    "class": "form-control",
    "required": True,
    "disabled": False,
    "maxlength": 10,
    "placeholder": gettext_lazy("Ketik untuk mencari…"),  # translated when drawn
    "data-note": 'a & <b> "c"',
}


@pytest.mark.parametrize(
    ("widget_class", "value"),
    [
        (forms.TextInput, 'Sengketa "lahan" & <batas>'),
        (forms.TextInput, None),
        (forms.TextInput, ""),
        (forms.SearchInput, "warga"),
        (forms.NumberInput, 12),
        (forms.HiddenInput, "next/"),
        (forms.EmailInput, "a@contoh.go.id"),
        (forms.PasswordInput, "rahasia"),
        (forms.DateTimeInput, datetime(2024, 5, 17, 8, 30)),
        (LocalDateInput, date(2024, 1, 2)),
        (LocalDateInput, "31/02/2024"),  # typed wrong: shown back as typed
    ],
)
def test_inputs_written_in_python_are_djangos_inputs(widget_class, value):
    fast_class = fast_widget_class(widget_class)
    assert issubclass(fast_class, InputInPythonMixin) and issubclass(fast_class, widget_class)
    with translation.override("id"):
        expected = widget_class().render("f", value, attrs=ATTRS)
        rendered = fast_class().render("f", value, attrs=ATTRS)
    assert rendered == expected


@pytest.mark.parametrize(
    "widget_class",
    [forms.FileInput, forms.ClearableFileInput, forms.CheckboxInput, forms.Textarea],
)
def test_widgets_drawn_by_their_own_template_are_left_to_django(widget_class):
    assert fast_widget_class(widget_class) is None


def test_the_yes_no_filters_select_is_written_in_python_with_djangos_options():
    """Built on NullBooleanSelect, itself built on Select: rebuilt on the faster base too."""
    fast_class = fast_widget_class(AnyYesNoSelect)
    assert issubclass(fast_class, OptionsInPythonMixin)
    for value in (None, True, False, "unknown"):
        expected = AnyYesNoSelect().render("mine", value, attrs={"id": "id_mine"})
        widget = AnyYesNoSelect()
        widget.__class__ = fast_class  # as BootstrapMixin does: the widget is already made
        rendered = widget.render("mine", value, attrs={"id": "id_mine"})
        assert OPTION.findall(rendered) == OPTION.findall(expected)
        assert rendered.startswith('<select name="mine" id="id_mine">')
        assert widget.value_from_datadict({"mine": "false"}, {}, "mine") is False


class ChosenFirstSelect(forms.Select):
    """A select whose own method calls super(): rebuilt on another base, that call would fail."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-chosen"] = "1"
        return context


class ChosenFirstYesNo(ChosenFirstSelect, forms.NullBooleanSelect):
    pass


def test_a_select_whose_methods_call_super_is_not_rebuilt_but_may_be_a_base():
    """Its own methods would be copied into the rebuilt class and fail there: left to Django.
    As a base of another class it is kept as it is, its super() finding the faster base."""
    assert fast_widget_class(ChosenFirstSelect) is None
    fast_class = fast_widget_class(ChosenFirstYesNo)
    assert issubclass(fast_class, OptionsInPythonMixin)
    assert issubclass(fast_class, ChosenFirstSelect)
    widget = ChosenFirstYesNo()
    widget.__class__ = fast_class
    rendered = widget.render("mine", True)
    assert 'data-chosen="1"' in rendered
    assert ("true", " selected", "Ya") in OPTION.findall(rendered)


class EveryKindOfField(BootstrapMixin, forms.Form):
    name = forms.CharField(label='Nama & "julukan"', help_text="<b>Wajib</b> diisi", max_length=5)
    note = forms.CharField(required=False)
    agree = forms.BooleanField(label="Setuju <sekali>")
    flag = forms.BooleanField(required=False, help_text="Pilihan saja")
    choice = forms.ChoiceField(
        choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect, help_text="Satu saja"
    )
    many = forms.MultipleChoiceField(
        choices=[("a", "A"), ("b", "B")], widget=forms.CheckboxSelectMultiple, required=False
    )
    kind = forms.ChoiceField(choices=CHOICES, required=False)
    when = forms.DateField(required=False)

    def clean_note(self):
        if self.cleaned_data["note"] == "salah":
            raise forms.ValidationError('Catatan <tidak> "valid" & ditolak')
        return self.cleaned_data["note"]


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"name": "terlalu panjang", "note": "salah", "many": ["c"], "when": "31/02/2024"},
        {"name": "Budi", "agree": "on", "choice": "a", "kind": "b", "when": "02/01/2024"},
    ],
    ids=["empty", "with errors", "valid"],
)
def test_field_groups_written_in_python_are_the_templates_html(data):
    form = EveryKindOfField(data=data)
    form.fields["note"].widget.attrs["required"] = True  # required only in some cases
    with translation.override("id"):
        for field in form:
            assert str(field.as_field_group()) == field.render(), field.name
    if data and data["name"] == "Budi":
        assert form.is_valid()
    elif data:
        assert form.errors.keys() >= {"name", "note", "agree", "choice", "many", "when"}


class _Boxes(forms.Form):
    colours = forms.MultipleChoiceField(
        label="Warna & <rasa>",
        choices=[("merah", "Merah"), ("biru", 'Biru "laut" & <hijau>'), ("3", "Tiga")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


@pytest.mark.parametrize(
    ("data", "checked"),
    [
        (None, []),
        ({"colours": ["biru", "3"]}, ["biru", "3"]),
        ({"colours": ["tidak-ada"]}, []),  # invalid: shown unchecked, the form says why
    ],
)
def test_a_checkbox_group_is_a_fieldset_whose_boxes_keep_what_was_ticked(data, checked):
    html = checkbox_group_html(_Boxes(data)["colours"])
    assert html.startswith('<fieldset class="mb-2 field-group" data-field="colours">')
    assert '<legend class="form-label fs-6 mb-1">Warna &amp; &lt;rasa&gt;</legend>' in html
    boxes = re.findall(
        r'<input type="checkbox" class="form-check-input" name="colours" id="(id_colours_\d)" '
        r'value="([^"]*)"( checked)?>\s*<label class="form-check-label" for="([^"]*)">([^<]*)<',
        html,
    )
    assert [(box_id, value, label) for box_id, value, _c, _for, label in boxes] == [
        ("id_colours_0", "merah", "Merah"),
        ("id_colours_1", "biru", "Biru &quot;laut&quot; &amp; &lt;hijau&gt;"),
        ("id_colours_2", "3", "Tiga"),
    ]
    assert all(box_id == label_for for box_id, _v, _c, label_for, _l in boxes)
    assert [value for _id, value, ticked, _for, _l in boxes if ticked] == checked
