"""Plans, activities, revisions, realisations and the on-time judgement."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from action_plans import selectors, services
from action_plans.choices import PeriodScheme
from action_plans.models import Activity, ActivitySupportEvent, Realisation, Target
from core.choices import Stage
from tests.action_plans.conftest import realisation_actions, revisions
from tests.helpers import add_activity

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")

DECREE = {"decree_reference": "SK 188/2024", "decree_date": date(2024, 1, 2)}


def test_default_periods_are_four_monthly_with_due_dates(plan):
    periods = [(p.code, p.start_date, p.end_date, p.due_date) for p in plan.periods.all()]
    assert periods == [
        ("B04", date(2024, 1, 1), date(2024, 4, 30), date(2024, 5, 10)),
        ("B08", date(2024, 5, 1), date(2024, 8, 31), date(2024, 9, 10)),
        ("B12", date(2024, 9, 1), date(2024, 12, 31), date(2025, 1, 10)),
    ]


def test_a_year_may_use_quarters(sekretariat):
    plan = services.plan_create(year=2025, scheme=PeriodScheme.TRIWULAN, by=sekretariat)
    assert [p.code for p in plan.periods.all()] == ["TW1", "TW2", "TW3", "TW4"]
    assert plan.periods.get(code="TW1").end_date == date(2025, 3, 31)


def test_only_the_secretariat_plans(pimpinan, operator):
    for user in (pimpinan, operator):
        with pytest.raises(PermissionDenied):
            services.plan_create(year=2030, scheme=PeriodScheme.CATURWULAN, by=user)


def test_an_empty_plan_cannot_be_established(plan, sekretariat):
    with pytest.raises(ValidationError, match="tanpa kegiatan"):
        services.plan_establish(plan=plan, by=sekretariat)


def test_draft_edits_need_no_reason_and_leave_no_revision(plan, sekretariat, dinsos):
    activity = add_activity(plan, sekretariat, code="1.1", agency=dinsos)
    period = plan.periods.get(code="B04")
    services.activity_save(activity=activity, targets={period: Decimal(7)}, by=sekretariat)
    assert Target.objects.get(activity=activity, period=period).value == 7
    assert not revisions().exists()


def test_locked_plan_changes_only_through_a_recorded_revision(established, sekretariat):
    activity = established.activities.get(code="1.1")
    b04 = established.periods.get(code="B04")
    with pytest.raises(ValidationError) as refused:
        services.activity_save(activity=activity, targets={b04: Decimal(5)}, by=sekretariat)
    assert "reason" in refused.value.message_dict
    assert Target.objects.get(activity=activity, period=b04).value == 1

    services.activity_save(
        activity=activity,
        targets={b04: Decimal(5)},
        by=sekretariat,
        reason="Arahan Bupati: frekuensi rapat ditambah",
    )
    revision = revisions().get()
    assert revision.actor == sekretariat
    assert revision.data["reason"] == "Arahan Bupati: frekuensi rapat ditambah"
    assert {"item": "1.1", "field": "target B04", "old": "1", "new": "5"} in revision.data[
        "changes"
    ]


def test_a_revision_made_in_english_is_logged_in_indonesian(established, sekretariat):
    # The log keeps field names and choice labels as text: an editor reading the portal in
    # English wrote "Stage: Prevention → Recovery" into the plan's history for good.
    activity = established.activities.get(code="1.1")
    activity.stage = Stage.PEMULIHAN
    supporting = list(activity.supporting_agencies.all())
    with translation.override("en"):
        services.activity_save(
            activity=activity, targets={}, supporting=supporting, by=sekretariat, reason="Geser"
        )
    [change] = revisions().get().data["changes"]
    assert (change["field"], change["old"], change["new"]) == (
        "tahap",
        "Pencegahan",
        "Pemulihan pascakonflik",
    )


def test_periods_and_budgets_are_named_in_indonesian_whoever_reads_in_english(
    established, sekretariat
):
    with translation.override("en"):
        plan = services.plan_create(year=2027, scheme="caturwulan", by=sekretariat)
        b04 = established.periods.get(code="B04")
        b04.end_date, b04.due_date = date(2024, 5, 15), date(2024, 5, 25)
        b08 = established.periods.get(code="B08")
        b08.start_date = date(2024, 5, 16)
        services.periods_update(
            plan=established, periods=[b04, b08], by=sekretariat, reason="Geser"
        )
        activity = established.activities.get(code="1.1")
        activity.budget = 15_000_000
        supporting = list(activity.supporting_agencies.all())
        services.activity_save(
            activity=activity, targets={}, supporting=supporting, by=sekretariat, reason="Pagu"
        )
    # The names appear in the official PDFs.
    assert list(plan.periods.values_list("name", flat=True)) == [
        "Januari–April",
        "Mei–Agustus",
        "September–Desember",
    ]
    periods, budget = (entry.data["changes"] for entry in revisions().order_by("at", "pk"))
    assert {
        "item": "B04",
        "field": "selesai",
        "old": "30 April 2024",
        "new": "15 Mei 2024",
    } in periods
    assert {
        "item": "B04",
        "field": "batas laporan realisasi",
        "old": "10 Mei 2024",
        "new": "25 Mei 2024",
    } in periods
    assert budget[0]["new"] == "15.000.000"


def test_closed_plan_refuses_any_change(established, sekretariat):
    services.plan_close(plan=established, by=sekretariat)
    activity = established.activities.get(code="1.1")
    activity.title = "Diubah"
    with pytest.raises(ValidationError, match="ditutup"):
        services.activity_save(activity=activity, targets={}, by=sekretariat, reason="x")


def test_next_year_starts_as_a_draft_copy(established, sekretariat, polres):
    new = services.plan_start_next_year(plan=established, by=sekretariat)
    assert (new.year, new.status) == (2025, "draft")
    copied = new.activities.get(code="1.1")
    assert list(copied.supporting_agencies.all()) == [polres]
    assert {t.period.code: t.value for t in copied.targets.select_related("period")} == {
        "B04": 1,
        "B08": 1,
        "B12": 2,
    }
    assert established.activities.count() == new.activities.count() == 3
    assert not copied.realisations.exists()


def realisation(activity, code, **fields):
    data = {
        "achieved_value": Decimal(1),
        "narrative": "Rapat koordinasi terlaksana",
        "budget_spent": 1_000_000,
        **fields,
    }
    return Realisation(activity=activity, period=activity.plan.periods.get(code=code), **data)


def test_operator_reports_only_their_agencys_activities(established, operator, other_operator):
    mine = established.activities.get(code="1.1")
    services.realisation_save(realisation=realisation(mine, "B04"), by=operator, submit=True)
    with pytest.raises(PermissionDenied):
        services.realisation_save(realisation=realisation(mine, "B08"), by=other_operator)


def test_realisation_needs_an_established_plan(plan, sekretariat, dinsos, operator):
    activity = add_activity(plan, sekretariat, code="1.1", agency=dinsos)
    with pytest.raises(ValidationError, match="ditetapkan"):
        services.realisation_save(realisation=realisation(activity, "B04"), by=operator)


def test_on_time_and_late_are_judged_on_the_first_submission(
    established, operator, sekretariat, time_machine
):
    activity = established.activities.get(code="1.1")
    due = established.periods.get(code="B04").due_date  # 10 May 2024

    def submit_at(moment, code):
        time_machine.move_to(moment, tick=False)
        return services.realisation_save(
            realisation=realisation(activity, code), by=operator, submit=True
        )

    on_time = submit_at(datetime(2024, 5, 10, 23, 30, tzinfo=WIB), "B04")
    late = submit_at(datetime(2024, 9, 11, 0, 5, tzinfo=WIB), "B08")
    assert not on_time.is_late
    assert late.is_late

    # Returned and resubmitted long after the due date: still on time, both events kept.
    time_machine.move_to(datetime(2024, 6, 1, tzinfo=WIB), tick=False)
    services.realisation_return(realisation=on_time, by=sekretariat, note="Lampirkan notulen")
    on_time.refresh_from_db()
    with pytest.raises(ValidationError):
        services.realisation_return(realisation=on_time, by=sekretariat, note="lagi")
    on_time.narrative = "Rapat koordinasi, notulen terlampir"
    time_machine.move_to(datetime(2024, 6, 20, tzinfo=WIB), tick=False)
    resubmitted = services.realisation_save(realisation=on_time, by=operator, submit=True)
    assert not resubmitted.is_late
    assert realisation_actions(resubmitted) == [
        "diserahkan",
        "dikembalikan",
        "diserahkan_ulang",
    ]
    assert due == date(2024, 5, 10)


def test_submitted_realisation_is_locked_until_returned(established, operator):
    activity = established.activities.get(code="1.1")
    saved = services.realisation_save(
        realisation=realisation(activity, "B04"), by=operator, submit=True
    )
    saved.achieved_value = Decimal(9)
    with pytest.raises(ValidationError, match="dikembalikan"):
        services.realisation_save(realisation=saved, by=operator)


def test_period_from_another_plan_is_refused(established, sekretariat, operator):
    other = services.plan_create(year=2025, scheme=PeriodScheme.CATURWULAN, by=sekretariat)
    activity = established.activities.get(code="1.1")
    stray = Realisation(
        activity=activity, period=other.periods.get(code="B04"), achieved_value=1, narrative="x"
    )
    with pytest.raises(ValidationError, match="tidak ada dalam rencana"):
        services.realisation_save(realisation=stray, by=operator)


def test_overview_figures(established, operator, other_operator, sekretariat, time_machine):
    time_machine.move_to(datetime(2024, 5, 5, tzinfo=WIB), tick=False)
    first = established.activities.get(code="1.1")  # targets 1/1/2, budget 10 jt
    services.realisation_save(
        realisation=realisation(first, "B04", achieved_value=Decimal(2), budget_spent=2_500_000),
        by=operator,
        submit=True,
    )
    today = date(2024, 9, 20)  # B04 and B08 are past their due dates
    rows = selectors.matrix_rows(established, established.activities.all(), today=today)
    figures = selectors.overview(established, rows, today=today)

    by_code = {row.activity.code: row for row in rows}
    assert by_code["1.1"].achievement == Decimal(2) / Decimal(4)
    assert by_code["1.1"].absorption == Decimal("0.25")
    stage = {s.label: s for s in figures["by_stage"]}
    assert stage["Pencegahan"].achievement == Decimal("0.5")
    assert stage["Penghentian"].achievement == 0
    assert figures["total"].absorption == Decimal(2_500_000) / Decimal(20_000_000)
    overdue = {period.code: dict(agencies) for period, agencies in figures["overdue"]}
    assert set(overdue["B04"]) == {"Kepolisian Resor Jombang", "Dinas Sosial"}
    assert [a.code for a in overdue["B04"]["Dinas Sosial"]] == ["3.1"]
    assert set(overdue["B08"]["Dinas Sosial"]) == {first, established.activities.get(code="3.1")}
    # Per submitted realisation: only 1.1's B04 report was submitted, without evidence.
    assert [(r.activity.code, r.period.code) for r in figures["without_evidence"]] == [
        ("1.1", "B04")
    ]
    assert figures["stages_missing"] == []


def test_matrix_and_overview_query_counts_do_not_grow_with_activities(
    client, established, sekretariat, dinsos, django_assert_num_queries
):
    client.force_login(sekretariat)
    urls = ["/rat/2024/", "/rat/2024/ringkasan/"]
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts[url] = len(captured)
    established.status = "draft"
    established.save()
    b04 = established.periods.get(code="B04")
    for n in range(20):
        activity = add_activity(established, sekretariat, code=f"9.{n}", agency=dinsos)
        # Submitted realisations too: their lateness reads the period.
        Realisation.objects.create(
            activity=activity,
            period=b04,
            achieved_value=1,
            narrative="x",
            status="diserahkan",
            first_submitted_at=timezone.now(),
        )
    for url in urls:
        with django_assert_num_queries(counts[url]):
            assert client.get(url).status_code == 200
    # Pinned: session, user, roles, plan, periods, activities and their four prefetches,
    # filter options, revisions, next-year check, the session's expiry moved on.
    assert counts == {"/rat/2024/": 14, "/rat/2024/ringkasan/": 11}


def test_due_date_is_the_tenth_day_after_the_period(plan):
    for period in plan.periods.all():
        assert period.due_date - period.end_date == timedelta(days=10)


def test_dashboard_shows_this_years_plan_as_the_user_sees_it(
    client, sekretariat, operator, dinsos, polres
):
    plan = services.plan_create(year=timezone.localdate().year, scheme="caturwulan", by=sekretariat)
    add_activity(plan, sekretariat, code="1.1", agency=dinsos)
    add_activity(plan, sekretariat, code="2.1", agency=polres)
    services.plan_establish(plan=plan, by=sekretariat, **DECREE)
    past = [p for p in plan.periods.all() if p.due_date < timezone.localdate()]

    client.force_login(sekretariat)
    summary = client.get("/").context["plan_summary"]
    assert (summary["activities"], summary["overdue"]) == (2, 2 * len(past))

    client.force_login(operator)
    summary = client.get("/").context["plan_summary"]
    assert (summary["activities"], summary["overdue"]) == (1, len(past))


def test_overdue_counts_only_expected_reports(plan, sekretariat, dinsos):
    # No target in B04 and B08: nothing is overdue there.
    add_activity(plan, sekretariat, code="1.1", agency=dinsos, targets={"B12": 2})
    today = date(2025, 2, 1)
    rows = selectors.matrix_rows(plan, plan.activities.all(), today=today)
    assert rows[0].overdue_periods == []  # a draft plan expects no reports at all
    services.plan_establish(plan=plan, by=sekretariat, **DECREE)
    plan.refresh_from_db()
    rows = selectors.matrix_rows(plan, plan.activities.all(), today=today)
    assert [p.code for p in rows[0].overdue_periods] == ["B12"]


def test_achievement_counts_the_targets_of_periods_started_so_far(
    established, operator, time_machine
):
    time_machine.move_to(datetime(2024, 5, 5, tzinfo=WIB), tick=False)
    activity = established.activities.get(code="1.1")  # targets B04 1, B08 1, B12 2
    services.realisation_save(realisation=realisation(activity, "B04"), by=operator, submit=True)
    rows = {
        r.activity.code: r
        for r in selectors.matrix_rows(
            established, established.activities.all(), today=date(2024, 4, 20)
        )
    }
    assert rows["1.1"].achievement == 1  # B04 met, only B04 has started
    rows = {
        r.activity.code: r
        for r in selectors.matrix_rows(
            established, established.activities.all(), today=date(2024, 12, 1)
        )
    }
    assert rows["1.1"].achievement == Decimal(1) / Decimal(4)


def test_linked_reports_show_only_as_far_as_the_reader_may_see(
    client, established, sekretariat, operator, petugas_unscoped, kecamatan
):
    from tests.factories import IncidentFactory

    activity = established.activities.get(code="1.1")  # Dinsos: the operator's
    open_report = IncidentFactory(
        kecamatan=kecamatan, reported_by=petugas_unscoped, title="Ketegangan terbuka"
    )
    secret = IncidentFactory(
        kecamatan=kecamatan,
        reported_by=petugas_unscoped,
        title="Informasi intelijen",
        confidentiality="terbatas",
    )
    client.force_login(sekretariat)
    form = client.get(f"/rat/2024/kegiatan/{activity.pk}/ubah/").context["form"]
    assert set(form.fields["incidents"].queryset) == {open_report, secret}
    activity.incidents.set([open_report, secret])

    page = client.get(f"/rat/2024/kegiatan/{activity.pk}/").content.decode()
    assert "Informasi intelijen" in page
    client.force_login(operator)
    page = client.get(f"/rat/2024/kegiatan/{activity.pk}/").content.decode()
    assert "Ketegangan terbuka" in page
    assert "Informasi intelijen" not in page


def test_exports_never_carry_live_formulas(client, established, sekretariat):
    import io

    import openpyxl

    established.activities.filter(code="1.1").update(title='=HYPERLINK("http://x","klik")')
    client.force_login(sekretariat)
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/rat/2024/ekspor.xlsx").content)).active
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [c for c in cells if c.data_type == "f"]
    # A string cell, as typed: never a formula, no apostrophe shown in the matrix.
    assert any(c.value == '=HYPERLINK("http://x","klik")' and c.data_type == "s" for c in cells)


def test_supporting_agencies_added_and_removed_are_history_with_the_actor(
    plan, sekretariat, dinsos, polres
):
    activity = Activity(
        plan=plan,
        code="1.9",
        stage="pencegahan",
        title="Dialog lintas agama",
        responsible_agency=dinsos,
        indicator="Dialog terlaksana",
        unit="kali",
    )
    services.activity_save(activity=activity, targets={}, supporting=[polres], by=sekretariat)
    services.activity_save(activity=activity, targets={}, supporting=[], by=sekretariat)

    events = ActivitySupportEvent.objects.filter(activity=activity).order_by("pgh_id")
    assert [(e.pgh_label, e.agency_id, e.pgh_context.metadata["user"]) for e in events] == [
        ("insert", polres.pk, sekretariat.pk),
        ("delete", polres.pk, sekretariat.pk),
    ]


def _matrix_summary(plan, user, today):
    """What plan_summary says, worked out from the matrix's rows and overview."""
    rows = selectors.matrix_rows(plan, Activity.objects.visible_to(user).filter(plan=plan), today)
    total = selectors.overview(plan, rows, today=today)["total"]
    late = {}
    own = 0
    for row in rows:
        if row.overdue_periods:
            name = row.activity.responsible_agency.name
            late[name] = late.get(name, 0) + len(row.overdue_periods)
            if row.activity.responsible_agency_id == user.agency_id:
                own += len(row.overdue_periods)
    return {
        "plan": plan,
        "activities": len(rows),
        "achievement": total.achievement,
        "absorption": total.absorption,
        "overdue": sum(len(row.overdue_periods) for row in rows),
        "own_overdue": own,
        "late_agencies": sorted(late.items(), key=lambda item: (-item[1], item[0])),
    }


@pytest.mark.parametrize("today", [date(2024, 4, 20), date(2024, 9, 20), date(2025, 2, 1)])
def test_the_dashboards_plan_summary_counts_what_the_matrix_counts(
    established, operator, other_operator, sekretariat, dinsos, today, time_machine
):
    """plan_summary reads plain values, the matrix model instances: both through
    ActivityFigures, so a change to one way of counting shows here."""
    time_machine.move_to(datetime(2024, 5, 5, tzinfo=WIB), tick=False)
    first = established.activities.get(code="1.1")
    services.realisation_save(
        realisation=realisation(first, "B04", achieved_value=Decimal(2), budget_spent=2_500_000),
        by=operator,
        submit=True,
    )
    # A realisation kept as a draft counts for nothing; one over target counts as met.
    services.realisation_save(
        realisation=realisation(
            established.activities.get(code="2.1"), "B04", achieved_value=Decimal(5)
        ),
        by=other_operator,
    )
    services.realisation_save(
        realisation=realisation(
            established.activities.get(code="3.1"), "B04", achieved_value=Decimal(9)
        ),
        by=operator,
        submit=True,
    )
    # Added after B04's due date: not late for B04.
    time_machine.move_to(datetime(2024, 6, 1, tzinfo=WIB), tick=False)
    established.status = "draft"
    established.save()
    add_activity(established, sekretariat, code="1.2", agency=dinsos, targets={"B04": 1, "B08": 3})
    established.status = "ditetapkan"
    established.save()
    for user in (sekretariat, operator, other_operator):
        summary = selectors.plan_summary(user, 2024, today=today)
        assert summary == _matrix_summary(established, user, today)
    assert selectors.plan_summary(sekretariat, 2024, today=date(2024, 9, 20))["overdue"] > 0
