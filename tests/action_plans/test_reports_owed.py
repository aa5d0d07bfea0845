"""Which activities owe a realisation report for a period, as the reminders, the agency panel
and the readiness figures count them: the rule of `report_expected` (a target above zero, in
the plan by the due date), and for an operator their own agency's activities only."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.choices import Role
from action_plans import selectors
from tests.factories import ActivityFactory, UserFactory

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def owing_nothing(established, dinsos):
    """Two Dinsos activities that owe no B04 report: one with a B04 target of 0, one added
    after B04's due date (10 May)."""
    ActivityFactory(
        plan=established,
        code="1.2",
        responsible_agency=dinsos,
        targets={"B04": 0},
        created_at=datetime(2024, 1, 2, tzinfo=WIB),
    )
    ActivityFactory(
        plan=established,
        code="1.3",
        responsible_agency=dinsos,
        created_at=datetime(2024, 6, 1, tzinfo=WIB),
    )
    return established.periods.get(code="B04")


def test_reminders_name_only_activities_that_owe_the_report(owing_nothing, dinsos):
    reminders = selectors.due_reports([owing_nothing], today=date(2024, 5, 8))
    owed = {item["agency"].acronym: [a.code for a in item["activities"]] for item in reminders}
    assert owed == {"Dinsos": ["1.1", "3.1"], "Polres Jombang": ["2.1"]}
    assert selectors.readiness_gaps(owing_nothing)["unreported"] == 3


def test_agency_panel_of_a_secretariat_member_who_reports_lists_their_agency_only(
    owing_nothing, dinsos
):
    both = UserFactory(agency=dinsos, roles=[Role.PETUGAS, Role.SEKRETARIAT])
    due = selectors.operator_due(both, today=date(2024, 5, 8))
    assert due["period"] == owing_nothing
    assert [a.code for a in due["due"]] == ["1.1", "3.1"]


def test_the_my_activities_badge_counts_the_own_agency_s_late_reports_only(
    client, owing_nothing, dinsos, polres
):
    # On 20 May B04 is late for 1.1 and 3.1 (Dinsos) and 2.1 (Polres).
    both = UserFactory(agency=polres, roles=[Role.PETUGAS, Role.SEKRETARIAT])
    summary = selectors.plan_summary(both, 2024, today=date(2024, 5, 20))
    assert (summary["overdue"], summary["own_overdue"]) == (3, 1)
    client.force_login(both)
    with time_machine.travel(datetime(2024, 5, 20, 9, tzinfo=WIB), tick=False):
        page = client.get("/").content.decode()
    assert 'data-testid="agency-overdue">1<' in page  # Polres's own, on its panel
    assert 'data-testid="plan-overdue">3<' in page  # the whole plan, on the plan's card
