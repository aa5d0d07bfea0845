"""The FilterSets' cheaper copies (core.filters.PortalFilterSet): each request's filters and
form are still its own, so one user's choices, methods or widgets never reach another's."""

import pytest
from django.test import RequestFactory

from incidents.filters import IncidentFilter
from incidents.models import Incident
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db


def _filterset(user, query=""):
    request = RequestFactory().get(f"/laporan/?{query}")
    request.user = user
    return IncidentFilter(
        request.GET or None, queryset=Incident.objects.visible_to(user), request=request
    )


def test_each_users_filter_offers_their_own_kecamatan_when_built_side_by_side(
    petugas, sekretariat, kecamatan, other_kecamatan
):
    officer = _filterset(petugas)
    secretariat = _filterset(sekretariat)
    # Forms made after both FilterSets, in the other order: a filter shared between the two
    # would hand one user's queryset to the other.
    secretariat_choices = {pk for pk, _ in secretariat.form.fields["kecamatan"].choices if pk}
    officer_choices = {pk for pk, _ in officer.form.fields["kecamatan"].choices if pk}
    assert {str(pk.value) for pk in officer_choices} == {str(kecamatan.pk)}
    assert {str(pk.value) for pk in secretariat_choices} >= {
        str(kecamatan.pk),
        str(other_kecamatan.pk),
    }
    # The class's own filters keep no request's queryset and no field.
    template = IncidentFilter.base_filters["kecamatan"]
    assert callable(template.queryset)
    assert "_field" not in vars(template)
    assert callable(template.extra["queryset"])


def test_a_filter_method_runs_on_its_own_filtersets_user(petugas, petugas_unscoped, kecamatan):
    mine = IncidentFactory(kecamatan=kecamatan, reported_by=petugas, title="Milik petugas")
    theirs = IncidentFactory(kecamatan=kecamatan, reported_by=petugas_unscoped, title="Lainnya")
    first = _filterset(petugas, "mine=true")
    second = _filterset(petugas_unscoped, "mine=true")
    assert list(second.qs) == [theirs]
    assert list(first.qs) == [mine]


def test_two_filtersets_share_no_field_or_widget(sekretariat):
    one, two = _filterset(sekretariat), _filterset(sekretariat)
    for name in IncidentFilter.LIST_FIELDS:
        assert one.form.fields[name] is not two.form.fields[name]
        assert one.form.fields[name].widget is not two.form.fields[name].widget
    one.form.fields["kind"].widget.attrs["data-x"] = "1"
    assert "data-x" not in two.form.fields["kind"].widget.attrs
    # Bootstrap's class is given once, however many forms are made.
    assert _filterset(sekretariat).form.fields["kind"].widget.attrs["class"] == "form-select"
