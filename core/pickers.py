"""Searchable pickers: a plain `<select>` (grouped, sorted by the text shown) that works without
JavaScript, plus a search box that htmx uses to refill the select's options from
`core.views.picker_search`. The apps describe what they offer with a `Picker` registered under a
name in their AppConfig.ready(); the search answers only from `picker.queryset(user)`, the same
rows the form validates against, so a search never shows what the user may not pick.
"""

import json
from collections.abc import Iterable

from django import forms
from django.db.models import QuerySet
from django.forms.utils import flatatt
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from core.forms import OptionsInPythonMixin
from core.utils import parse_id

MAX_QUERY_LENGTH = 100
MAX_SELECTED = 100  # a tampered request naming thousands of ids costs no more than this


class Picker:
    """What one kind of record offers in a picker. Subclasses set the queryset, the label and
    the group of a row and how a typed text narrows the rows."""

    #: At most this many rows answer a search.
    limit = 30
    #: Rows offered before any search (None: all). The no-JavaScript fallback offers only these.
    initial_limit: int | None = None
    search_label = _("Cari")
    search_placeholder = _("Ketik untuk mencari…")
    empty_label = _("Tidak ada yang cocok")
    blank_label = "---------"

    def queryset(self, user) -> QuerySet:
        raise NotImplementedError

    def search(self, queryset: QuerySet, text: str) -> QuerySet:
        raise NotImplementedError

    def label(self, obj) -> str:
        return str(obj)

    def group(self, obj) -> tuple[int, str] | None:
        """(order, name) of the optgroup of a row, or None for no groups."""
        return None

    def initial(self, queryset: QuerySet) -> QuerySet:
        """The rows offered before a search."""
        return queryset if self.initial_limit is None else queryset[: self.initial_limit]

    def options(self, queryset: QuerySet, *, text: str = "", selected: Iterable = ()) -> list:
        """The chosen rows first fetched by id, then the matches of `text` (or the initial rows),
        each once, in at most two queries."""
        selected_ids = sorted({pk for pk in map(parse_id, selected) if pk})[:MAX_SELECTED]
        chosen = list(queryset.filter(pk__in=selected_ids)) if selected_ids else []
        text = text.strip()[:MAX_QUERY_LENGTH]
        found = self.search(queryset, text)[: self.limit] if text else self.initial(queryset)
        rows = {obj.pk: obj for obj in chosen}
        for obj in found:
            rows.setdefault(obj.pk, obj)
        return list(rows.values())

    def grouped(self, objects) -> list[tuple[str | None, list]]:
        """[(group name, [rows sorted by label])] in group order."""
        groups: dict = {}
        for obj in objects:
            groups.setdefault(self.group(obj), []).append(obj)
        ordered = sorted(groups.items(), key=lambda item: item[0] or (-1, ""))
        return [
            (key[1] if key else None, sorted(rows, key=lambda o: self.label(o).casefold()))
            for key, rows in ordered
        ]


_PICKERS: dict[str, Picker] = {}


def register_picker(name: str, picker: Picker) -> None:
    _PICKERS[name] = picker


def get_picker(name: str) -> Picker | None:
    return _PICKERS.get(name)


def picker_rows(name: str, model):
    """A django-filter `queryset` callable: the rows picker `name` offers the request's user, so
    the plain select without JavaScript, the picker's search and the validation offer the same
    records (none of `model` without a request)."""

    def rows(request):
        if request is None:
            return model.objects.none()
        return get_picker(name).queryset(request.user)

    return rows


def render_options(picker: Picker, objects, selected_ids: set, *, empty_label=None) -> str:
    """The `<option>`s (in `<optgroup>`s) of a picker's select, written in Python like
    core.forms.OptionsInPythonMixin."""
    parts = []
    if empty_label is not None:
        parts.append(format_html('<option value="">{}</option>', empty_label))
    groups = picker.grouped(objects)
    if not any(rows for _name, rows in groups):
        parts.append(format_html('<option value="" disabled>{}</option>', picker.empty_label))
    for name, rows in groups:
        options = format_html_join(
            "",
            '\n  <option value="{}"{}>{}</option>',
            (
                (obj.pk, " selected" if obj.pk in selected_ids else "", picker.label(obj))
                for obj in rows
            ),
        )
        parts.append(
            format_html('\n  <optgroup label="{}">{}\n  </optgroup>', name, options)
            if name
            else options
        )
    return "".join(parts)


class PickerWidgetMixin(OptionsInPythonMixin):
    """A select whose options come from a registered Picker (the chosen rows plus its initial
    rows, not the whole queryset), with a search box above it. The search box stays hidden
    until static/js/portal.js shows it, so without JavaScript the page is a plain select."""

    def __init__(self, picker_name: str, attrs=None):
        super().__init__(attrs)
        self.picker_name = picker_name

    @property
    def picker(self) -> Picker:
        return _PICKERS[self.picker_name]

    def _selected(self, value) -> set:
        values = value if isinstance(value, list | tuple) else [value]
        return {pk for pk in map(parse_id, values) if pk}

    def optgroups(self, name, value, attrs=None):
        # Only the chosen rows and the picker's initial rows are rendered; validation still
        # runs against the field's whole queryset.
        selected = self._selected(value)
        queryset = self.choices.queryset
        objects = self.picker.options(queryset, selected=selected)
        groups = []
        if not self.allow_multiple_selected and self.choices.field.empty_label is not None:
            groups.append(
                (
                    None,
                    [self.create_option(name, "", self.choices.field.empty_label, not selected, 0)],
                    0,
                )
            )
        for index, (group_name, rows) in enumerate(self.picker.grouped(objects), start=1):
            options = [
                self.create_option(
                    name, obj.pk, self.picker.label(obj), obj.pk in selected, index, subindex
                )
                for subindex, obj in enumerate(rows)
            ]
            groups.append((group_name, options, index))
        return groups

    def render(self, name, value, attrs=None, renderer=None):
        select = super().render(name, value, attrs, renderer)
        select_id = (attrs or {}).get("id") or self.attrs.get("id") or f"id_{name}"
        picker = self.picker
        blank = not self.allow_multiple_selected and self.choices.field.empty_label is not None
        search_attrs = {
            "type": "search",
            "class": "form-control form-control-sm mb-1",
            "name": "q",
            "form": "",  # not part of the form around it: never submitted with it
            "hidden": True,
            "data-picker-search": True,
            "maxlength": MAX_QUERY_LENGTH,
            "autocomplete": "off",
            "enterkeyhint": "search",
            "placeholder": picker.search_placeholder,
            "aria-label": picker.search_label,
            "aria-controls": select_id,
            "hx-get": reverse("picker", args=[self.picker_name]),
            "hx-trigger": "input changed delay:300ms, search",
            "hx-target": f"#{select_id}",
            "hx-swap": "innerHTML",
            "hx-include": f"#{select_id}",
            "hx-vals": json.dumps({"field": name, **({"blank": "1"} if blank else {})}),
            "hx-sync": "this:replace",
        }
        return format_html(
            '<div class="picker">\n<input{}>\n{}\n</div>', flatatt(search_attrs), select
        )


class PickerSelect(PickerWidgetMixin, forms.Select):
    pass


class PickerSelectMultiple(PickerWidgetMixin, forms.SelectMultiple):
    pass
