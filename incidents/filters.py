"""The report list's filters. Every filter lives in the query string, so a filtered view can be
bookmarked and shared; exports take the same query string."""

import django_filters
from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from core.choices import Stage
from core.forms import FilterForm
from core.utils import parse_id
from directory.models import Agency, Region
from incidents.choices import ActionType, ConflictSource, Form, Kind, RiskLevel, Status
from incidents.models import RISK_SCORE, HandlingStep, Incident


def _kecamatan(request):
    return Region.objects.visible_to(request.user).kecamatan() if request else Region.objects.none()


def _desa(request):
    if request is None:
        return Region.objects.none()
    regions = Region.objects.visible_to(request.user).desa()
    kecamatan_id = parse_id(request.GET.get("kecamatan"))
    # The desa list follows the chosen kecamatan, as on the intake form.
    return regions.filter(parent_id=kecamatan_id) if kecamatan_id else regions


class NullsLastOrderingFilter(django_filters.OrderingFilter):
    """Sorts with empty values (e.g. no risk assessed) last in either direction, and breaks ties
    by newest record so paging is stable."""

    def filter(self, qs, value):
        if not value:
            return qs
        ordering = []
        for param in value:
            name = self.param_map.get(param.lstrip("-"))
            if name is None:
                continue
            expression = F(name)
            ordering.append(
                expression.desc(nulls_last=True)
                if param.startswith("-")
                else expression.asc(nulls_last=True)
            )
        return qs.order_by(*ordering, "-pk")


class IncidentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Cari"), method="search", max_length=200)
    occurred_from = django_filters.DateFilter(
        field_name="occurred_at",
        lookup_expr="date__gte",
        label=_("Dari tanggal"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    occurred_to = django_filters.DateFilter(
        field_name="occurred_at",
        lookup_expr="date__lte",
        label=_("Sampai tanggal"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    kind = django_filters.ChoiceFilter(choices=Kind.choices, label=_("Jenis"))
    kecamatan = django_filters.ModelChoiceFilter(queryset=_kecamatan, label=_("Kecamatan"))
    desa = django_filters.ModelChoiceFilter(queryset=_desa, label=_("Desa/kelurahan"))
    conflict_source = django_filters.ChoiceFilter(
        choices=ConflictSource.choices, label=_("Sumber konflik")
    )
    form = django_filters.ChoiceFilter(choices=Form.choices, label=_("Bentuk"))
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label=_("Tahap"))
    # Several statuses or risk levels at once (`?status=diverifikasi&status=ditangani`).
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, label=_("Status"))
    risk_level = django_filters.MultipleChoiceFilter(choices=RiskLevel.choices, label=_("Risiko"))
    agency = django_filters.ModelChoiceFilter(
        queryset=Agency.objects.filter(active=True),
        method="involving_agency",
        label=_("Instansi yang menangani"),
    )
    # Whose report: `mine=true` lists the user's own reports (the field officer's dashboard).
    mine = django_filters.BooleanFilter(method="reported_by_me", label=_("Laporan saya"))
    # `has_steps=false`: reports nobody has followed up yet (the secretariat's dashboard).
    has_steps = django_filters.BooleanFilter(method="with_any_step", label=_("Ada tindak lanjut"))
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
            ("status", "status"),
            # Risk sorts by likelihood x impact, not by the label's alphabetical order.
            ("risk_score_value", "risk_level"),
        ),
        field_labels={
            "occurred_at": _("Waktu kejadian"),
            "reference": _("Nomor laporan"),
            "title": _("Judul"),
            "status": _("Status"),
            "risk_level": _("Risiko"),
        },
        label=_("Urutkan"),
    )

    class Meta:
        model = Incident
        fields = []
        form = FilterForm

    def __init__(self, data=None, queryset=None, **kwargs):
        if queryset is not None:
            queryset = queryset.annotate(risk_score_value=RISK_SCORE)
        super().__init__(data, queryset=queryset, **kwargs)

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
        return queryset.filter(steps__isnull=not value).distinct()

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
        return queryset.filter(steps__agencies=agency).distinct()
