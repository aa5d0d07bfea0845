"""Filters of the RAT matrix: agency (responsible or supporting), stage, pillar."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from action_plans.choices import Pillar, Stage
from action_plans.models import Activity
from core.filters import PortalFilterSet
from core.forms import FilterForm
from core.pickers import PickerSelect, picker_rows
from directory.models import Agency


class ActivityFilter(PortalFilterSet):
    # A searchable picker over the roster's agencies; a plain select without JavaScript.
    agency = django_filters.ModelChoiceFilter(
        queryset=picker_rows("instansi", Agency),
        method="involving",
        label=_("Instansi"),
        widget=PickerSelect("instansi"),
    )
    stage = django_filters.ChoiceFilter(choices=Stage.choices, label=_("Tahap"))
    pillar = django_filters.ChoiceFilter(
        choices=Pillar.choices, method="in_pillar", label=_("Pilar")
    )

    class Meta:
        model = Activity
        fields = []
        form = FilterForm

    def involving(self, queryset, name, agency):
        return queryset.filter(
            Q(responsible_agency=agency) | Q(supporting_agencies=agency)
        ).distinct()

    def in_pillar(self, queryset, name, pillar):
        return queryset.filter(pillars__contains=[pillar])
