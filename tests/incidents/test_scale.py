"""What makes the list and dashboard fast at a million reports must not change what people see:
the dashboard's tally equals counting the visible reports, through every kind of write; the
list's count is exact below its cap and says "more than" above it, except where its total is read
from the tally (exact at any size); the date filter keeps whole local days; the filter selects
render the same options."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext

from core.pagination import CappedPaginator, estimated_rows
from directory.models import Region
from incidents.models import Incident, IncidentTally
from incidents.selectors import (
    HANDLING_STATUSES,
    HIGH_RISK,
    OPEN_STATUSES,
    incident_summary,
    my_reports,
)
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
    # A filter the report tally does not keep (see the next test for those it keeps).
    response = client.get("/laporan/?per_page=10&has_steps=false")
    page = response.content.decode()
    assert "Lebih dari 3 laporan" in page
    # Beyond the cap the pages are not numbered (that would need the count), but every row
    # stays reachable.
    assert len(response.context["incidents"]) == 4
    assert "Halaman" not in page.split('data-testid="incident-table"')[1]


def test_a_broad_search_is_capped_from_the_planners_estimate_without_counting(
    client, sekretariat, kecamatan, monkeypatch
):
    IncidentFactory.create_batch(
        12, kecamatan=kecamatan, reported_by=sekretariat, title="Warga berselisih"
    )
    estimated = []

    def planner_says(queryset):
        estimated.append(queryset.model)
        return estimated_rows(queryset) + 1_000_000  # as if the table held a million matches

    monkeypatch.setattr("core.pagination.estimated_rows", planner_says)
    monkeypatch.setattr(CappedPaginator, "cap", 3)
    client.force_login(sekretariat)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/laporan/?q=warga&per_page=10")
    page = response.content.decode()
    assert estimated == [Incident]
    assert "Lebih dari 3 laporan" in page
    assert not [q for q in queries if q["sql"].startswith("SELECT COUNT(*)")]  # nothing counted
    assert len(response.context["incidents"]) == 10
    assert 'rel="next"' in page
    # Without a search the list counts up to the cap as before and asks for no estimate.
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/laporan/?per_page=10&has_steps=false")
    assert estimated == [Incident]
    assert [q for q in queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert "Lebih dari 3 laporan" in response.content.decode()


def test_the_list_total_is_read_from_the_tally_and_exact_beyond_the_cap(
    client,
    petugas,
    sekretariat,
    pimpinan,
    petugas_unscoped,
    kecamatan,
    other_kecamatan,
    monkeypatch,
):
    """With no filter, or only kecamatan, status and risk, the list says how many reports
    match, exactly, at any size: the number comes from the tally (no count of the reports),
    and it is what counting the reports the person sees gives, drafts and restricted reports
    included: an officer's own restricted reports, which the report tally leaves out for them,
    come from their author tally. Beyond the cap the pages are still reached by cursor."""
    mine = dict(reported_by=petugas, kecamatan=kecamatan)
    IncidentFactory(**mine, status="draft")
    IncidentFactory(**mine, status="diajukan", confidentiality="terbatas", likelihood=4, impact=4)
    IncidentFactory(kecamatan=kecamatan, reported_by=petugas_unscoped, status="ditangani")
    IncidentFactory(kecamatan=kecamatan, reported_by=sekretariat, confidentiality="terbatas")
    IncidentFactory(kecamatan=other_kecamatan, reported_by=petugas_unscoped, status="diajukan")
    IncidentFactory.create_batch(
        3, kecamatan=kecamatan, reported_by=sekretariat, status="diajukan", likelihood=3, impact=4
    )
    monkeypatch.setattr(CappedPaginator, "cap", 2)
    filters = {
        "": {},
        "status=diajukan": {"status": "diajukan"},
        f"kecamatan={kecamatan.pk}": {"kecamatan": kecamatan},
        "status=diajukan&status=draft&risk_level=tinggi": {
            "status__in": ["diajukan", "draft"],
            "risk_level": "tinggi",
        },
    }
    # The secretariat's own drafts, which only it sees.
    IncidentFactory.create_batch(2, reported_by=sekretariat, status="draft")
    # The officer's restricted report made restricted after a risk assessment, in bulk.
    Incident.objects.filter(reported_by=petugas_unscoped, status="ditangani").update(
        confidentiality="terbatas", likelihood=4
    )
    for person in (sekretariat, pimpinan, petugas, petugas_unscoped):
        client.force_login(person)
        for query, lookups in filters.items():
            expected = Incident.objects.visible_to(person).filter(**lookups).count()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(f"/laporan/?{query}")
            paginator = response.context["paginator"]
            assert not any("SELECT COUNT(*) FROM (SELECT" in q["sql"] for q in queries)
            assert paginator.total == expected, (person, query)
            assert f"{expected} laporan" in response.content.decode()
            assert paginator.capped == (expected > 2)  # beyond the cap: pages by cursor
    # A filter the tallies do not keep is counted, up to the cap.
    client.force_login(petugas)
    response = client.get("/laporan/?has_steps=false")
    assert response.context["paginator"].total is None
    assert "Lebih dari 2 laporan" in response.content.decode()


def test_a_search_with_or_or_an_excluded_word_is_counted_not_estimated(
    client, sekretariat, kecamatan, monkeypatch
):
    IncidentFactory.create_batch(
        30, kecamatan=kecamatan, reported_by=sekretariat, title="Sengketa Zulkarnain"
    )
    # What PostgreSQL does for words it has no statistics on, joined by "or": it adds up a
    # guess for each (seven such words: 33,000 expected at 1M reports, 557 found).
    estimated = []

    def planner_says(queryset):
        estimated.append(queryset.model)
        return 1_000_000

    monkeypatch.setattr("core.pagination.estimated_rows", planner_says)
    monkeypatch.setattr(CappedPaginator, "cap", 100)
    client.force_login(sekretariat)
    for search in ("zulkarnain or qa or qb", "zulkarnain OR qa", "zulkarnain -qa"):
        page = client.get("/laporan/", {"q": search}).content.decode()
        assert "30 laporan" in page and "Lebih dari" not in page, search
    assert estimated == []
    # The same words without "or": the estimate decides (here, wrongly, to show the difference).
    assert "Lebih dari 100 laporan" in client.get("/laporan/?q=zulkarnain").content.decode()
    assert estimated == [Incident]


def test_the_estimate_is_the_planners_not_a_count(kecamatan, other_kecamatan):
    regions = Region.objects.all()
    ids = list(regions.values_list("pk", flat=True)[:3])
    assert len(ids) == 3
    # A unique key looked up three times: three rows at most, whatever the statistics say.
    assert estimated_rows(Region.objects.filter(pk__in=ids)) == 3
    with CaptureQueriesContext(connection) as queries:
        estimated_rows(regions)
    assert [q["sql"].split()[:3] for q in queries] == [["EXPLAIN", "(FORMAT", "JSON)"]]


def test_an_estimate_far_off_still_shows_the_exact_count_of_a_short_list(
    client, sekretariat, kecamatan, monkeypatch
):
    for title in ("Sengketa Zulkarnain", "Zulkarnain bertikai", "Banjir bandang"):
        IncidentFactory(kecamatan=kecamatan, reported_by=sekretariat, title=title)
    # Statistics saying every search matches a million rows.
    monkeypatch.setattr("core.pagination.estimated_rows", lambda queryset: 1_000_000)
    client.force_login(sekretariat)
    response = client.get("/laporan/?q=zulkarnain")
    page = response.content.decode()
    assert "2 laporan" in page and "Lebih dari" not in page
    assert sorted(i.title for i in response.context["incidents"]) == [
        "Sengketa Zulkarnain",
        "Zulkarnain bertikai",
    ]


def test_kecamatan_status_and_dates_lead_one_index_with_the_visibility_columns():
    # At 1M reports a kecamatan + status + date filter is then counted from this index alone
    # (20 ms -> 1 ms, docs/scaling.md); on a test's few rows the planner may prefer any index,
    # so the definition is what is checked here.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'incident_kec_status_idx'"
        )
        (definition,) = cursor.fetchone()
    assert definition.endswith(
        "(kecamatan_id, status, occurred_at DESC, id DESC)"
        " INCLUDE (confidentiality, reported_by_id)"
    )


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


def _walk(client, url, direction):
    """Every row by following one link ("Berikutnya" or "Sebelumnya") to its end."""
    seen, pages = [], 0
    while url and pages < 20:
        response = client.get(url)
        assert response.status_code == 200
        page = response.context["page_obj"]
        rows = [i.pk for i in response.context["incidents"]]
        seen = seen + rows if direction == "after" else rows + seen
        cursor = page.next_cursor if direction == "after" else page.previous_cursor
        base = url.split("&after=")[0].split("&before=")[0].split("&last=")[0]
        url = f"{base}&{direction}={cursor}" if cursor else None
        pages += 1
    return seen, pages


@pytest.mark.parametrize("sort", ["", "-title", "title", "-risk_level", "risk_level", "status"])
def test_cursor_pages_reach_every_row_once_in_the_sorted_order(
    client, sekretariat, kecamatan, monkeypatch, sort
):
    for n in range(23):
        IncidentFactory(
            kecamatan=kecamatan,
            reported_by=sekretariat,
            title=f"Laporan {n % 3}",  # ties, broken by the newest record
            occurred_at=datetime(2025, 1, 1 + n % 4, 8, tzinfo=WIB),
            **({"impact": n % 4} if n % 4 else {"event": True}),  # unassessed risk too
        )
    client.force_login(sekretariat)
    monkeypatch.setattr(CappedPaginator, "cap", 100)
    numbered = client.get(f"/laporan/?per_page=50&sort={sort}")
    expected = [i.pk for i in numbered.context["incidents"]]
    assert numbered.context["page_obj"].number == 1 and len(expected) == 23

    monkeypatch.setattr(CappedPaginator, "cap", 5)
    forwards, pages = _walk(client, f"/laporan/?per_page=10&sort={sort}", "after")
    assert forwards == expected and pages == 3
    # From the last page back to the first, through "Sebelumnya".
    backwards, pages = _walk(client, f"/laporan/?per_page=10&sort={sort}&last=1", "before")
    assert backwards == expected and pages == 3
    last = client.get(f"/laporan/?per_page=10&sort={sort}&last=1")
    assert [i.pk for i in last.context["incidents"]] == expected[-10:]
    assert not last.context["page_obj"].has_next


def test_cursor_pages_say_where_they_lead(client, sekretariat, kecamatan, monkeypatch):
    IncidentFactory.create_batch(12, kecamatan=kecamatan, reported_by=sekretariat)
    client.force_login(sekretariat)
    monkeypatch.setattr(CappedPaginator, "cap", 5)
    first = client.get("/laporan/?per_page=10&status=diajukan").content.decode()
    assert "Berikutnya" in first and "Terakhir" in first and "Sebelumnya" not in first
    assert "status=diajukan&after=" in first and "status=diajukan&last=1" in first
    last = client.get("/laporan/?per_page=10&status=diajukan&last=1").content.decode()
    assert "Sebelumnya" in last and "Pertama" in last and "Berikutnya" not in last


@pytest.mark.parametrize(
    "cursor",
    [
        "after=abc",
        "before=W1tdLFtdXQ",  # [[],[]]
        # a cursor of the default sort, with a date that is not one, a huge id, a NUL
        "after=W1sib2NjdXJyZWRfYXQiLCJwayJdLFsia2VtYXJpbiIsMV1d",
        "after=W1sib2NjdXJyZWRfYXQiLCJwayJdLFsiMjAyNS0wMS0wMVQwMDowMDowMCswNzowMCIsOTk5OTk5OTk5OTk5OTk5OTk5OTk5OTldXQ",
        "after=W1sidGl0bGUiLCJwayJdLFsiYVx1MDAwMGIiLDFdXQ&sort=title",
        # a cursor of the title sort on the risk sort
        "after=W1sidGl0bGUiLCJwayJdLFsiYSIsMV1d&sort=-risk_level",
        # the status sort's rank (a generated column) as text, a list, an object
        "after=W1sic3RhdHVzX3JhbmsiLCJwayJdLFsieCIsMV1d&sort=status",
        "after=W1sic3RhdHVzX3JhbmsiLCJwayJdLFtbMV0sMV1d&sort=status",
        "before=W1sic3RhdHVzX3JhbmsiLCJwayJdLFt7ImEiOjF9LDFdXQ&sort=status",
    ],
)
def test_a_cursor_that_does_not_fit_shows_the_first_page(
    client, sekretariat, kecamatan, monkeypatch, cursor
):
    IncidentFactory.create_batch(3, kecamatan=kecamatan, reported_by=sekretariat)
    client.force_login(sekretariat)
    monkeypatch.setattr(CappedPaginator, "cap", 1)
    response = client.get(f"/laporan/?per_page=10&{cursor}")
    assert response.status_code == 200
    assert len(response.context["incidents"]) == 3


def test_returned_reports_are_read_latest_first_from_their_index(petugas, kecamatan):
    mine = dict(reported_by=petugas, kecamatan=kecamatan)
    returned = [
        IncidentFactory(**mine, status="ditolak", rejection_reason=f"Kurang lengkap {n}")
        for n in range(3)
    ]
    IncidentFactory(**mine, status="diajukan")
    Incident.objects.filter(pk=returned[0].pk).update(updated_at=datetime(2026, 5, 1, tzinfo=WIB))
    assert my_reports(petugas)["returned"] == [returned[2], returned[1], returned[0]]
    query = (
        Incident.objects.visible_to(petugas)
        .filter(reported_by=petugas, status="ditolak")
        .order_by("-updated_at")[:10]
    )
    with transaction.atomic(), connection.cursor() as cursor:
        # Four rows are cheaper to sort than to read through an index; forbid the sort step so
        # the plan shows whether an index gives the order.
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        assert "incident_author_returned_idx" in query.explain()
