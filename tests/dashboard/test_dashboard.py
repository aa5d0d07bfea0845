"""Each role's dashboard: the right panels, figures with known answers, every number linking to
the list that shows exactly that many reports, and a query count that does not grow."""

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.choices import Role
from action_plans import services as plan_services
from action_plans.models import Activity
from action_plans.selectors import operator_due
from incidents.models import ConflictStatus, HandlingStep
from tests.dashboard.conftest import TODAY
from tests.factories import (
    ActionPlanFactory,
    ActivityFactory,
    AgencyFactory,
    IncidentFactory,
    RealisationFactory,
    UserFactory,
)

LIST_LINK = re.compile(r'<a href="(/laporan/\?[^"]*)"[^>]*>(\d+)</a>')
CARD_LINK = re.compile(
    r'href="(/laporan/\?[^"]*)"><div class="card-body[^"]*">\s*<div[^>]*>[^<]*</div>\s*'
    r'<div[^>]*data-testid="([a-z-]+)">(\d+)</div>'
)


@pytest.fixture
def situation(frozen, kecamatan, other_kecamatan, petugas_unscoped, sekretariat):
    def report(days_ago, **fields):
        return IncidentFactory(
            reported_by=fields.pop("by", petugas_unscoped),
            kecamatan=fields.pop("where", kecamatan),
            occurred_at=frozen - timedelta(days=days_ago),
            **fields,
        )

    report(2, likelihood=4, impact=3)  # sangat tinggi, diajukan
    report(9, likelihood=3, impact=3, status="diverifikasi")  # tinggi
    report(30, likelihood=1, impact=2, status="ditangani", where=other_kecamatan)  # rendah
    event = report(40, kind="kejadian", likelihood=None, impact=None, killed=1, injured=2)
    report(50, kind="kejadian", status="selesai", killed=None, injured=1)
    # Last year, by 15 June and after it (the latter is outside the year-on-year span).
    report(365 + 10, kind="kejadian", status="ditutup", killed=0, injured=0)
    report(365 - 30, kind="kejadian", status="ditutup", killed=3, injured=0)
    report(1, status="draft", by=sekretariat)
    HandlingStep.objects.create(
        incident=event,
        date=frozen.date() - timedelta(days=30),
        stage="penghentian",
        action_type="mediasi",
        description="Mediasi di balai desa.",
        created_by=sekretariat,
    )
    HandlingStep.objects.create(
        incident=event,
        date=frozen.date() - timedelta(days=20),
        stage="pemulihan",
        action_type="dialog",
        description="Dialog lanjutan.",
        created_by=sekretariat,
    )
    ConflictStatus.objects.create(
        decree_number="188.45/1/415.10.1.3/2026",
        scope="Kecamatan Diwek",
        start_date=date(2026, 6, 1),
        end_date=date(2026, 7, 15),
    )
    return event


def assert_links_match_the_list(client, page):
    cards = [(link, shown) for link, _testid, shown in CARD_LINK.findall(page)]
    links = LIST_LINK.findall(page) + cards
    assert links
    for link, shown in links:
        response = client.get(link.replace("&amp;", "&"))
        listed = response.context["paginator"].count
        # The list's total may come from the same tallies as the figure: count its reports too.
        counted = response.context["view"].filterset.qs.count()
        assert listed == counted == int(shown), link
        # The list's date boxes show the dates as typed there (01/06/2026), not 2026-06-01.
        assert not re.search(r'value="\d{4}-\d\d-\d\d"', response.content.decode()), link
    return links


def test_leadership_sees_the_situation_with_known_figures(client, situation, pimpinan):
    client.force_login(pimpinan)
    response = client.get("/")
    context, page = response.context, response.content.decode()
    risk = context["situation"]["risk"]
    totals = {label: total for label, _cells, total, _q in risk["rows"]}
    assert totals == {"Sangat tinggi": 1, "Tinggi": 1, "Sedang": 0, "Rendah": 1}
    # Per status, including the open event with no risk assessed.
    assert [n for n, _q in risk["totals"]] == [2, 1, 1]
    # The corner: every open report (its link is checked with the others below).
    assert risk["total"][0] == 4
    assert re.search(r'data-testid="risk-total"><a href="/laporan/\?[^"]+">4</a>', page)
    events = context["situation"]["events"]
    assert (events["this_events"], events["this_killed"], events["this_injured"]) == (2, 1, 3)
    assert events["this_unknown"] == 1  # killed unknown is not zero
    assert (events["last_events"], events["last_killed"]) == (1, 0)
    dialogues = context["situation"]["dialogues"]
    assert (dialogues["steps"], dialogues["reports"]) == (2, 1)
    assert "Status Keadaan Konflik berlaku" in page
    assert "15 Juli 2026" in page
    # What a leader does not need: own reports and drafts, the secretariat's queue, the Lapor
    # button.
    assert 'data-testid="own-reports"' not in page
    assert 'data-testid="panel-sekretariat"' not in page
    assert 'data-testid="lapor"' not in page
    assert len(assert_links_match_the_list(client, page)) >= 15


def test_secretariat_sees_its_queue(client, situation, sekretariat, frozen):
    client.force_login(sekretariat)
    response = client.get("/")
    work, page = response.context["work"], response.content.decode()
    # The two submitted reports (own draft not counted), on the card.
    assert response.context["incident_summary"]["submitted"] == 2
    assert 'data-testid="count-submitted">2<' in page
    assert sorted(i.kind for i in work["queue"]) == ["kejadian", "potensi"]
    assert {i.status for i in work["queue"]} == {"diajukan"}
    # Verified/handled without any step yet: the tinggi and the rendah report.
    assert work["first_step_count"] == 2
    # No period running: no readiness to check, and no promise of a module to come.
    assert 'data-testid="readiness"' not in page
    assert "tersedia setelah modul evaluasi aktif" not in page
    assert 'data-testid="panel-pimpinan"' not in page
    assert_links_match_the_list(client, page)


def test_field_officer_sees_the_lapor_button_and_own_reports(client, situation, petugas_unscoped):
    IncidentFactory(
        reported_by=petugas_unscoped,
        kecamatan=situation.kecamatan,
        status="ditolak",
        rejection_reason="Lokasi tidak jelas, mohon dilengkapi.",
        title="Laporan yang dikembalikan",
    )
    client.force_login(petugas_unscoped)
    response = client.get("/")
    page = response.content.decode()
    assert 'data-testid="lapor"' in page
    assert "Lokasi tidak jelas" in page
    counts = {s: n for s, _label, n, _q in response.context["own"]["by_status"]}
    assert counts["diajukan"] == 2 and counts["ditolak"] == 1 and counts["selesai"] == 1
    # No budget absorption and no directory counts for a field officer.
    assert "Serapan anggaran" not in page
    assert 'data-testid="count-kecamatan"' not in page
    assert_links_match_the_list(client, page)


def test_kecamatan_officer_counts_only_own_reports_in_their_kecamatan(
    client, frozen, petugas, kecamatan, other_kecamatan
):
    """Reports the officer filed in another kecamatan (before being posted to this one) are no
    longer theirs to see: the panel counts exactly what the list shows them as their own."""
    for status in ("draft", "diajukan", "diajukan", "selesai"):
        IncidentFactory(reported_by=petugas, kecamatan=kecamatan, status=status)
    IncidentFactory(reported_by=petugas, kecamatan=kecamatan, confidentiality="terbatas")
    for status in ("diajukan", "selesai", "ditutup"):
        IncidentFactory(reported_by=petugas, kecamatan=other_kecamatan, status=status)
    client.force_login(petugas)
    page = client.get("/").content.decode()
    shown = dict(re.findall(r'data-testid="own-([a-z]+)">(\d+)<', page))
    assert shown == {
        "draft": "1",
        "diajukan": "3",
        "diverifikasi": "0",
        "ditolak": "0",
        "ditangani": "0",
        "selesai": "1",
        "ditutup": "0",
    }
    assert_links_match_the_list(client, page)


def test_operator_sees_activities_due_and_returned(client, roles, sekretariat, frozen):
    dinsos = AgencyFactory(name="Dinas Sosial")
    operator = UserFactory(username="operator", agency=dinsos, roles=[Role.PETUGAS])
    plan = plan_services.plan_create(year=2026, scheme="caturwulan", by=sekretariat)
    periods = {p.code: p for p in plan.periods.all()}
    activity = plan_services.activity_save(
        activity=Activity(
            plan=plan,
            code="1.1",
            stage="pencegahan",
            title="Rapat koordinasi FKUB",
            responsible_agency=dinsos,
            indicator="Rapat",
            unit="kali",
        ),
        targets={periods["B04"]: 1, periods["B08"]: 1},
        supporting=(),
        by=sekretariat,
    )
    plan_services.plan_establish(
        plan=plan, by=sekretariat, decree_reference="SK 1/2026", decree_date=date(2026, 1, 2)
    )
    client.force_login(operator)
    response = client.get("/")
    tasks = response.context["agency_tasks"]
    # 15 June: B08 (May to August) is running; B04's report was due on 10 May.
    assert tasks["period"].code == "B08"
    assert [a.code for a in tasks["due"]] == [activity.code]
    page = response.content.decode()
    assert 'data-testid="panel-operator"' in page
    assert "Rapat koordinasi FKUB" in page


def test_an_operator_without_an_established_plan_still_finds_their_activities(client, roles):
    operator = UserFactory(username="operator", agency=AgencyFactory(), roles=[Role.PETUGAS])
    client.force_login(operator)
    page = client.get("/").content.decode()
    assert 'data-testid="panel-operator"' in page
    assert "Belum ada rencana aksi yang ditetapkan untuk tahun ini." in page
    assert 'href="/rat/saya/"' in page


def test_on_the_due_date_both_panels_say_the_deadline_is_today(client, roles, sekretariat):
    operator = UserFactory(username="operator", agency=AgencyFactory(), roles=[Role.PETUGAS])
    # B08 (May to August) is due on 10 September.
    with time_machine.travel(datetime(2026, 9, 10, 9, tzinfo=TODAY.tzinfo), tick=False):
        ActionPlanFactory(year=2026, established=True)
        for user, testid in [(sekretariat, "period-deadline"), (operator, "operator-deadline")]:
            client.force_login(user)
            page = client.get("/").content.decode()
            panel = page[page.index(f'data-testid="{testid}"') :]
            assert "paling lambat 10 September 2026 (batasnya hari ini)." in panel, testid
            assert "hari lagi" not in panel[:400], testid


def test_secretariat_opens_the_readiness_of_the_period_due_now(client, sekretariat, frozen):
    ActionPlanFactory(year=2026, established=True)
    client.force_login(sekretariat)
    page = client.get("/").content.decode()
    # 15 June: B08 (May to August) is the period due now.
    link = re.search(r'data-testid="readiness"><a href="([^"]+)">\s*([^<]+)</a>', page)
    assert link.group(1) == "/evaluasi/2026/kesiapan/?periode=B08"
    assert link.group(2).strip() == "Periksa kesiapan laporan periode B08 2026"
    readiness = client.get(link.group(1))
    assert readiness.status_code == 200
    assert readiness.context["readiness"].period.code == "B08"


# The secretariat persona works for Bakesbangpol, which reports realisations too: its dashboard
# also reads its agency's due and returned realisations (the agency panel).
@pytest.mark.parametrize(
    ("persona", "queries"),
    [("pimpinan", 12), ("sekretariat", 15), ("petugas_unscoped", 7), ("admin_user", 9)],
)
def test_dashboard_query_count_does_not_grow_with_reports(
    client, situation, request, persona, queries, django_assert_num_queries, frozen, kecamatan
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    with django_assert_num_queries(queries):
        client.get("/")
    for days in range(6):
        IncidentFactory(
            kecamatan=kecamatan,
            reported_by=user,
            occurred_at=frozen - timedelta(days=days),
            kind="kejadian",
        )
    with django_assert_num_queries(queries):
        client.get("/")


def test_dashboard_cards_link_to_exactly_what_they_count(
    client, sekretariat, petugas_unscoped, kecamatan
):
    for status, likelihood in [
        ("diajukan", 4),
        ("diverifikasi", 3),
        ("ditangani", 1),
        ("selesai", 4),
        ("diajukan", 1),
    ]:
        IncidentFactory(
            kecamatan=kecamatan,
            reported_by=petugas_unscoped,
            status=status,
            likelihood=likelihood,
            impact=3,
        )
    client.force_login(sekretariat)
    dashboard = client.get("/").content.decode()
    cards = re.findall(
        r'href="(/laporan/\?[^"]*)"><div class="card-body">\s*<div[^>]*>[^<]*</div>\s*'
        r'<div[^>]*data-testid="(count-[a-z-]+)">(\d+)</div>',
        dashboard,
    )
    assert len(cards) == 4
    for link, testid, shown in cards:
        response = client.get(link.replace("&amp;", "&"))
        listed = response.context["paginator"].count
        counted = response.context["view"].filterset.qs.count()
        assert listed == counted == int(shown), (testid, link)


def test_plan_figures_are_right_and_their_query_count_does_not_grow_with_activities(
    client, sekretariat, frozen, django_assert_num_queries
):
    with time_machine.travel(datetime(frozen.year, 1, 5, 9, tzinfo=frozen.tzinfo), tick=False):
        plan = ActionPlanFactory(year=frozen.year, established=True)
        on_time = ActivityFactory(plan=plan, supporting=[AgencyFactory()])
        ActivityFactory(plan=plan)  # nothing reported for B04, due on 10 May: one late report
    RealisationFactory(activity=on_time, period=plan.periods.get(code="B04"))
    client.force_login(sekretariat)
    response = client.get("/")
    page = response.content.decode()
    # Targets of the periods begun by 15 June (B04, B08): 1 of 2 met, and 0 of 2.
    assert response.context["plan_summary"]["achievement"] == Decimal("0.25")
    assert re.search(r'data-testid="plan-achievement">25%<', page)
    assert re.search(r'data-testid="plan-overdue">1<', page)
    with CaptureQueriesContext(connection) as before:
        client.get("/")
    for _ in range(3):
        more = ActivityFactory(plan=plan, supporting=[AgencyFactory(), AgencyFactory()])
        RealisationFactory(activity=more, period=plan.periods.get(code="B04"))
    with django_assert_num_queries(len(before.captured_queries)):
        client.get("/")


def test_the_agency_panel_lists_overdue_periods_first_then_the_one_due(client, roles):
    """30 November 2026: B04 (due 10 May) and B08 (due 10 September) have passed, B12 is due on
    10 January 2027. The panel showed only B12, while the secretariat saw the agency as late."""
    kemenag = AgencyFactory(name="Kantor Kementerian Agama")
    operator = UserFactory(agency=kemenag, roles=[Role.PETUGAS])
    start = datetime(2026, 1, 2, 9, tzinfo=TODAY.tzinfo)
    plan = ActionPlanFactory(year=2026, established=True)
    dialogue = ActivityFactory(
        plan=plan, code="1.2", title="Dialog lintas agama", responsible_agency=kemenag
    )
    visits = ActivityFactory(
        plan=plan, code="1.4", title="Kunjungan rumah ibadah", responsible_agency=kemenag
    )
    ActivityFactory(plan=plan, code="2.1", title="Patroli gabungan")  # another agency's
    Activity.objects.filter(plan=plan).update(created_at=start)
    RealisationFactory(activity=dialogue, period=plan.periods.get(code="B04"))
    client.force_login(operator)

    with time_machine.travel(datetime(2026, 11, 30, 9, tzinfo=TODAY.tzinfo), tick=False):
        response = client.get("/")

    tasks = response.context["agency_tasks"]
    assert [(p.code, [a.code for a in owed]) for p, owed in tasks["overdue"]] == [
        ("B04", ["1.4"]),
        ("B08", ["1.2", "1.4"]),
    ]
    assert tasks["period"].code == "B12"
    page = " ".join(response.content.decode().split())
    panel = page[page.index('data-testid="panel-operator"') :]
    b04 = panel.index("terlambat</span> Periode B04 2026: batas laporan realisasi 10 Mei 2026")
    b08 = panel.index("terlambat</span> Periode B08 2026: batas laporan realisasi 10 September")
    b12 = panel.index("Periode B12 2026: laporan realisasi paling lambat 10 Januari 2027")
    assert b04 < b08 < b12
    for activity, code in [(visits, "B04"), (dialogue, "B08"), (visits, "B08"), (dialogue, "B12")]:
        assert f'href="/rat/kegiatan/{activity.pk}/realisasi/{code}/"' in panel
    assert "Patroli gabungan" not in panel


def test_last_year_s_last_period_stays_overdue_before_this_year_s_plan_exists(roles):
    # 15 January 2027: B12 2026 was due on 10 January, and there is no 2027 plan yet.
    agency = AgencyFactory()
    operator = UserFactory(agency=agency, roles=[Role.PETUGAS])
    plan = ActionPlanFactory(year=2026, established=True)
    ActivityFactory(plan=plan, code="1.1", responsible_agency=agency)
    Activity.objects.filter(plan=plan).update(created_at=datetime(2026, 1, 2, tzinfo=TODAY.tzinfo))
    for realisation_period in plan.periods.exclude(code="B12"):
        RealisationFactory(activity=plan.activities.get(), period=realisation_period)

    tasks = operator_due(operator, today=date(2027, 1, 15))

    assert tasks["period"] is None
    assert [(p.code, p.plan.year) for p, _owed in tasks["overdue"]] == [("B12", 2026)]
