"""What makes the list and dashboard fast at a million reports must not change what people see:
the dashboard's tally equals counting the visible reports, through every kind of write; the
list's count is exact below its cap and says "more than" above it; the date filter keeps whole
local days; the filter selects render the same options."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Count, Q

from core.pagination import CappedPaginator
from incidents.models import Incident, IncidentTally
from incidents.selectors import HANDLING_STATUSES, HIGH_RISK, OPEN_STATUSES, incident_summary
from tests.factories import IncidentFactory, UserFactory

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")


def counted(user):
    """The dashboard figures the slow, obviously right way."""
    return Incident.objects.visible_to(user).aggregate(
        submitted=Count("pk", filter=Q(status="diajukan")),
        handling=Count("pk", filter=Q(status__in=HANDLING_STATUSES)),
        high_risk=Count("pk", filter=Q(status__in=OPEN_STATUSES, risk_level__in=HIGH_RISK)),
        my_drafts=Count("pk", filter=Q(status="draft", reported_by=user)),
    )


def test_dashboard_tally_equals_counting_through_every_write(
    petugas, sekretariat, pimpinan, petugas_unscoped, kecamatan, other_kecamatan
):
    people = [petugas, sekretariat, pimpinan, petugas_unscoped, UserFactory()]
    mine = dict(reported_by=petugas, kecamatan=kecamatan)
    IncidentFactory(**mine, status="draft")
    IncidentFactory(**mine, status="diajukan", confidentiality="terbatas", likelihood=4, impact=4)
    IncidentFactory(kecamatan=kecamatan, reported_by=petugas_unscoped, status="ditangani")
    IncidentFactory(kecamatan=kecamatan, reported_by=sekretariat, confidentiality="terbatas")
    moving = IncidentFactory(kecamatan=other_kecamatan, reported_by=petugas_unscoped)
    gone = IncidentFactory(kecamatan=kecamatan, reported_by=sekretariat, likelihood=3, impact=4)
    for person in people:
        assert incident_summary(person) == counted(person), person

    Incident.objects.filter(pk=moving.pk).update(kecamatan=kecamatan, status="diverifikasi")
    Incident.objects.filter(reported_by=petugas, status="draft").update(status="diajukan")
    Incident.objects.filter(pk=gone.pk).delete()
    Incident.objects.filter(status="ditangani").update(likelihood=4, impact=3)
    for person in people:
        assert incident_summary(person) == counted(person), person
    assert counted(sekretariat)["submitted"] == 3  # the tally is not trivially zero
    assert not IncidentTally.objects.filter(count__lt=0).exists()


def test_dashboard_counts_in_three_queries_however_many_reports(
    sekretariat, kecamatan, django_assert_num_queries
):
    IncidentFactory.create_batch(5, kecamatan=kecamatan, reported_by=sekretariat)
    # The role check, the tally, the own reports.
    with django_assert_num_queries(3):
        assert incident_summary(sekretariat)["submitted"] == 5


def test_count_is_exact_below_the_cap_and_more_than_above(
    client, sekretariat, kecamatan, monkeypatch
):
    IncidentFactory.create_batch(4, kecamatan=kecamatan, reported_by=sekretariat)
    client.force_login(sekretariat)
    monkeypatch.setattr(CappedPaginator, "cap", 4)
    page = client.get("/laporan/?per_page=10").content.decode()
    assert "4 laporan" in page and "Lebih dari" not in page

    monkeypatch.setattr(CappedPaginator, "cap", 3)
    response = client.get("/laporan/?per_page=10")
    page = response.content.decode()
    assert "Lebih dari 3 laporan" in page
    # The page still lists the rows up to the cap, and says how to reach older ones.
    assert len(response.context["incidents"]) == 3
    assert 'data-testid="capped-hint"' in page


def test_date_filter_keeps_whole_local_days(client, sekretariat, kecamatan):
    late = IncidentFactory(
        kecamatan=kecamatan,
        reported_by=sekretariat,
        title="Malam hari",
        occurred_at=datetime(2026, 3, 10, 23, 30, tzinfo=WIB),  # 16:30 UTC, still the 10th
    )
    IncidentFactory(
        kecamatan=kecamatan,
        reported_by=sekretariat,
        title="Dini hari berikutnya",
        occurred_at=datetime(2026, 3, 11, 0, 30, tzinfo=WIB),
    )
    client.force_login(sekretariat)
    listed = client.get("/laporan/?occurred_from=2026-03-10&occurred_to=2026-03-10")
    assert [i.pk for i in listed.context["incidents"]] == [late.pk]


def test_filter_selects_render_the_same_options_as_django(client, sekretariat, kecamatan):
    from django import forms

    client.force_login(sekretariat)
    response = client.get("/laporan/?step_type=mediasi&step_type=dialog&sort=-title")
    form = response.context["filter"].form
    for name in ("step_type", "kecamatan", "sort", "kind"):
        fast = str(form[name]).replace("\n", "")
        stock_class = forms.SelectMultiple if name == "step_type" else forms.Select
        form.fields[name].widget.__class__ = stock_class
        stock = str(form[name]).replace("\n", "")
        assert fast == stock, name


@pytest.mark.parametrize("sort", ["", "-title", "-risk_level", "occurred_at"])
def test_deep_pages_list_the_same_rows_in_the_same_order(
    client, sekretariat, kecamatan, monkeypatch, sort
):
    for n in range(25):
        IncidentFactory(
            kecamatan=kecamatan,
            reported_by=sekretariat,
            title=f"Laporan {n % 7}",
            # Events carry no risk: the sort by risk meets empty values too.
            **({"impact": n % 4} if n % 4 else {"event": True}),
        )
    client.force_login(sekretariat)
    url = f"/laporan/?per_page=10&page=2&sort={sort}"
    plain = [i.pk for i in client.get(url).context["incidents"]]
    monkeypatch.setattr(CappedPaginator, "deferred_join_from", 0)
    deferred = [i.pk for i in client.get(url).context["incidents"]]
    assert deferred == plain and len(plain) == 10
