"""The report list's filters. Every filter lives in the query string, so a filtered view can be
bookmarked and shared; exports take the same query string."""

from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import Stage
from core.filters import PortalFilterSet
from core.forms import AnyYesNoSelect, FilterForm, LabelColumnMixin
from core.pickers import PickerSelect, picker_rows
from core.utils import parse_id
from directory.models import Agency, Region
from incidents.choices import ActionType, ConflictSource, Form, Kind, RiskLevel, Status
from incidents.models import (
    RISK_SCORE,
    RISK_SORT_FIRST,
    RISK_SORT_LAST,
    HandlingStep,
    Incident,
)


def _kecamatan(request):
    return Region.objects.visible_to(request.user).kecamatan() if request else Region.objects.none()


def _desa(request):
    if request is None:
        return Region.objects.none()
    regions = Region.objects.visible_to(request.user).desa()
    kecamatan_id = parse_id(request.GET.get("kecamatan"))
    # The desa list follows the chosen kecamatan, as on the intake form.
    return regions.filter(parent_id=kecamatan_id) if kecamatan_id else regions


class RegionChoiceField(LabelColumnMixin, django_filters.fields.ModelChoiceField):
    pass


class RegionFilter(django_filters.ModelChoiceFilter):
    """A kecamatan or desa, offered by name."""

    field_class = RegionChoiceField


# Each way of sorting spelled out, newest first at the top (django-filter would otherwise offer
# "Judul (descending)").
SORT_LABELS = {
    "-occurred_at": _("Waktu kejadian, terbaru dulu"),
    "occurred_at": _("Waktu kejadian, terlama dulu"),
    "-risk_level": _("Tingkat risiko, tertinggi dulu"),
    "risk_level": _("Tingkat risiko, terendah dulu"),
    "reference": _("Nomor laporan, terkecil dulu"),
    "-reference": _("Nomor laporan, terbesar dulu"),
    "title": _("Judul, A–Z"),
    "-title": _("Judul, Z–A"),
    "status": _("Status, dari draf ke ditutup"),
    "-status": _("Status, dari ditutup ke draf"),
}


class NullsLastOrderingFilter(django_filters.OrderingFilter):
    """Sorts with empty values (e.g. no risk assessed) last in either direction, and breaks ties
    by newest record so paging is stable.

    A column that can be empty (`nullable`) is sorted as `COALESCE(column, beyond)`, where
    `beyond` lies past every real value in that direction: empty values come last, each
    direction has its own index on exactly that expression, and the list's cursor pages compare
    plain values (no NULL). Every sort has an index ending on `-id` (see Incident.Meta)."""

    def __init__(self, *args, nullable=None, labels=None, **kwargs):
        # {name: (value beyond the largest, value beyond the smallest)}
        self.nullable = dict(nullable or {})
        self.labels = labels or {}
        super().__init__(*args, **kwargs)

    def build_choices(self, fields, labels):
        if not self.labels:
            return super().build_choices(fields, labels)
        return list(self.labels.items())

    def filter(self, qs, value):
        if not value:
            return qs
        ordering = []
        for param in value:
            name = self.param_map.get(param.lstrip("-"))
            if name is None:
                continue
            descending = param.startswith("-")
            expression = F(name)
            if name in self.nullable:
                above, below = self.nullable[name]
                expression = Coalesce(name, Value(below if descending else above))
            ordering.append(expression.desc() if descending else expression.asc())
        return qs.order_by(*ordering, "-pk")


class LocalDateFilter(django_filters.DateFilter):
    """A day in the portal's time zone, compared as a range of instants (`occurred_at >= the
    day's local midnight`), which the date index serves; `occurred_at::date` would not use it."""

    def filter(self, qs, value):
        if not value:
            return qs
        if self.lookup_expr == "lt":  # "until" includes the whole day
            if value == date.max:
                return qs  # until the last day a date can have: no bound at all
            value += timedelta(days=1)
        bound = timezone.make_aware(datetime.combine(value, time.min))
        return qs.filter(**{f"{self.field_name}__{self.lookup_expr}": bound})


class IncidentFilter(PortalFilterSet):
    # The fields each page shows, in order; both pages render them with one include
    # (incidents/_filter_form.html), so the map's form stays in step with the list's.
    LIST_FIELDS = (
        "q",
        "occurred_from",
        "occurred_to",
        "kind",
        "kecamatan",
        "desa",
        "conflict_source",
        "form",
        "stage",
        "status",
        "risk_level",
        "agency",
        "step_type",
        "step_from",
        "has_steps",
        "mine",
        "sort",
    )
    # The map shows every report it finds (no sort), and the area filters it can draw.
    MAP_FIELDS = (
        "q",
        "occurred_from",
        "occurred_to",
        "kind",
        "kecamatan",
        "conflict_source",
        "form",
        "stage",
        "status",
        "risk_level",
    )

    q = django_filters.CharFilter(label=_("Cari"), method="search", max_length=200)
    occurred_from = LocalDateFilter(
        field_name="occurred_at",
        lookup_expr="gte",
        label=_("Dari tanggal"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    occurred_to = LocalDateFilter(
        field_name="occurred_at",
        lookup_expr="lt",
        label=_("Sampai tanggal"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    kind = django_filters.ChoiceFilter(choices=Kind.choices, label=_("Jenis"))
    kecamatan = RegionFilter(queryset=_kecamatan, label=_("Kecamatan"))
    desa = RegionFilter(queryset=_desa, label=_("Desa/kelurahan"))
    conflict_source = django_filters.ChoiceFilter(
        choices=ConflictSource.choices, label=_("Sumber konflik")
    )
    form = django_filters.ChoiceFilter(choices=Form.choices, label=_("Bentuk"))
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label=_("Tahap"))
    # Several statuses or risk levels at once (`?status=diverifikasi&status=ditangani`). A plain
    # `IN (...)` on the report's own column cannot repeat a row: no DISTINCT (django-filter's
    # default), which would sort every matching row by all its columns.
    # Checkboxes, not a multi-select list box (which a phone cannot Ctrl-click); the query
    # string stays `?status=a&status=b`, which the dashboard and the map link to.
    status = django_filters.MultipleChoiceFilter(
        choices=Status.choices,
        label=_("Status"),
        distinct=False,
        widget=forms.CheckboxSelectMultiple,
    )
    risk_level = django_filters.MultipleChoiceFilter(
        choices=RiskLevel.choices,
        label=_("Tingkat risiko"),
        distinct=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # About 60 agencies: a searchable picker ("Polres" finds Polres Jombang) rather than a long
    # select; without JavaScript it is that select.
    agency = django_filters.ModelChoiceFilter(
        queryset=picker_rows("instansi", Agency),
        method="involving_agency",
        label=_("Instansi yang menangani"),
        widget=PickerSelect("instansi"),
    )
    # Whose report: `mine=true` lists the user's own reports (the field officer's dashboard).
    mine = django_filters.BooleanFilter(
        method="reported_by_me", label=_("Laporan saya"), widget=AnyYesNoSelect
    )
    # `has_steps=false`: reports nobody has followed up yet (the secretariat's dashboard).
    has_steps = django_filters.BooleanFilter(
        method="with_any_step", label=_("Ada tindak lanjut"), widget=AnyYesNoSelect
    )
    # Reports with a handling step of these types, dated from `step_from` (e.g. dialogues and
    # mediations this year); both read together in filter_queryset so they match the same step.
    step_type = django_filters.MultipleChoiceFilter(
        choices=ActionType.choices, method="read_together", label=_("Jenis tindak lanjut")
    )
    step_from = django_filters.DateFilter(
        method="read_together",
        label=_("Tindak lanjut sejak"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sort = NullsLastOrderingFilter(
        fields=(
            ("occurred_at", "occurred_at"),
            ("reference", "reference"),
            ("title", "title"),
            # Status sorts in workflow order (draf, diajukan, ... ditutup), not by its code.
            ("status_rank", "status"),
            # Risk sorts by likelihood x impact, not by the label's alphabetical order.
            ("risk_score_value", "risk_level"),
        ),
        nullable={"risk_score_value": (RISK_SORT_LAST, RISK_SORT_FIRST)},
        labels=SORT_LABELS,
        label=_("Urutkan"),
        # No empty choice: unsorted is the first one (newest first), and the select says so.
        empty_label=None,
    )

    class Meta:
        model = Incident
        fields = []
        form = FilterForm

    def __init__(self, data=None, queryset=None, **kwargs):
        if queryset is not None:
            queryset = queryset.annotate(risk_score_value=RISK_SCORE)
        super().__init__(data, queryset=queryset, **kwargs)

    def bound_fields(self, names) -> list:
        """The form's fields by name, in the given order, for incidents/_filter_form.html."""
        if "desa" in names:
            self._offer_desa_of_one_kecamatan()
        return [self.form[name] for name in names]

    def _offer_desa_of_one_kecamatan(self):
        """The desa select offers the desa of one kecamatan, as on the intake form: the chosen
        one, else the chosen desa's (a link naming only the desa), else the user's own; with
        none of these, no desa until a kecamatan is picked, which reloads the options (htmx).
        All 300-odd desa in one list were names nobody could tell apart (Kauman is in three
        kecamatan). Any desa the user may see stays a valid choice (`_desa`)."""
        fields = self.form.fields
        fields["kecamatan"].widget.attrs.update(
            {
                "hx-get": f"{reverse('incidents:desa_options')}?saringan=1",
                "hx-target": f"#{self.form['desa'].auto_id}",
                "hx-trigger": "change",
                "hx-include": "this",
            }
        )
        if parse_id(self.data.get("kecamatan")):
            return  # `_desa` has already narrowed the choices to that kecamatan
        desa = fields["desa"]
        same_kecamatan = None
        if desa_id := parse_id(self.data.get("desa")):
            same_kecamatan = Q(parent__children=desa_id)
        elif kecamatan_id := getattr(getattr(self.request, "user", None), "kecamatan_id", None):
            same_kecamatan = Q(parent_id=kecamatan_id)
        offered = []
        if same_kecamatan:
            offered = list(desa.queryset.filter(same_kecamatan).values_list("pk", "name"))
        # Rendering only: the field's queryset, which validates, is left whole.
        desa.widget.choices = [("", desa.empty_label), *offered]

    def search(self, queryset, name, value):
        return queryset.search(value) if value.strip() else queryset

    def reported_by_me(self, queryset, name, value):
        if value is None:
            return queryset
        user = self.request.user if self.request else None
        mine = {"reported_by_id": getattr(user, "pk", None)}
        return queryset.filter(**mine) if value else queryset.exclude(**mine)

    def with_any_step(self, queryset, name, value):
        if value is None:
            return queryset
        # The report's own flag, kept by a trigger on the steps (the dashboard counts the same).
        return queryset.filter(has_steps=value)

    def read_together(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        types = self.form.cleaned_data.get("step_type")
        since = self.form.cleaned_data.get("step_from")
        if not types and not since:
            return queryset
        steps = HandlingStep.objects.all()
        if types:
            steps = steps.filter(action_type__in=types)
        if since:
            steps = steps.filter(date__gte=since)
        return queryset.filter(pk__in=steps.values("incident_id"))

    def involving_agency(self, queryset, name, agency):
        # A semi-join (`id IN (…)`): a join would repeat a report per step and need DISTINCT.
        steps = HandlingStep.objects.filter(agencies=agency).values("incident_id")
        return queryset.filter(pk__in=steps)
