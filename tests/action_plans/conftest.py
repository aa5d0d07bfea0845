from datetime import date

import pytest

from accounts.choices import Role
from action_plans import services
from action_plans.choices import PeriodScheme, PlanStatus
from core.models import ActivityLog
from tests.factories import AgencyFactory, UserFactory
from tests.helpers import add_activity


@pytest.fixture
def dinsos(db):
    return AgencyFactory(name="Dinas Sosial", acronym="Dinsos")


@pytest.fixture
def polres(db):
    return AgencyFactory(name="Kepolisian Resor Jombang", acronym="Polres Jombang", kind="polri")


@pytest.fixture
def operator(roles, dinsos):
    """An agency operator: a field officer tied to Dinas Sosial."""
    return UserFactory(
        username="operator",
        first_name="Ani",
        last_name="Operator",
        agency=dinsos,
        roles=[Role.PETUGAS],
    )


@pytest.fixture
def other_operator(roles, polres):
    return UserFactory(username="operator-polres", agency=polres, roles=[Role.PETUGAS])


@pytest.fixture
def plan(sekretariat):
    return services.plan_create(year=2024, scheme=PeriodScheme.CATURWULAN, by=sekretariat)


@pytest.fixture
def established(plan, sekretariat, dinsos, polres):
    """The 2024 plan with an activity per stage, established."""
    add_activity(
        plan, sekretariat, code="1.1", agency=dinsos, stage="pencegahan", supporting=[polres]
    )
    add_activity(
        plan, sekretariat, code="2.1", agency=polres, stage="penghentian", pillars=("komunikasi",)
    )
    add_activity(
        plan,
        sekretariat,
        code="3.1",
        agency=dinsos,
        stage="pemulihan",
        pillars=("inklusivitas", "kolaborasi"),
        budget=0,
    )
    services.plan_establish(
        plan=plan, by=sekretariat, decree_reference="SK 188/2024", decree_date=date(2024, 1, 2)
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DITETAPKAN
    return plan


__all__ = ["add_activity", "date"]


# The log's realisation codes, named as a person reads them.
REALISATION_EVENTS = {
    "action_plans.realisation.submit": "diserahkan",
    "action_plans.realisation.return": "dikembalikan",
    "action_plans.realisation.resubmit": "diserahkan_ulang",
}


def revisions():
    """Logged changes to established plans."""
    return ActivityLog.objects.filter(action="action_plans.plan.revise")


def realisation_log():
    return ActivityLog.objects.filter(action__in=REALISATION_EVENTS)


def realisation_events(realisation) -> list:
    """(event, username, note) of a realisation's submissions and returns, oldest first."""
    entries = (
        realisation_log()
        .filter(object_id=str(realisation.pk), content_type__model="realisation")
        .select_related("actor")
        .order_by("at", "pk")
    )
    return [
        (REALISATION_EVENTS[e.action], e.actor.username, e.data.get("note", "")) for e in entries
    ]


def realisation_actions(realisation) -> list:
    return [event for event, _user, _note in realisation_events(realisation)]
