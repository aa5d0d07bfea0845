"""Filters of the RAT matrix: agency (responsible or supporting), stage, pillar."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from action_plans.choices import Pillar, Stage
from action_plans.models import Activity
from core.forms import FilterForm
from directory.models import Agency


class ActivityFilter(django_filters.FilterSet):
    agency = django_filters.ModelChoiceFilter(
        queryset=Agency.objects.filter(active=True), method="involving", label=_("Instansi")
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
