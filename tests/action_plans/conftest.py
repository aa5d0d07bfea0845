from datetime import date

import pytest

from core.models import ActivityLog
from tests import personas as build
from tests.helpers import add_activity


@pytest.fixture
def dinsos(db):
    return build.dinsos()


@pytest.fixture
def polres(db):
    return build.polres()


@pytest.fixture
def operator(roles, dinsos):
    """An agency operator: a field officer tied to Dinas Sosial."""
    return build.operator(dinsos)


@pytest.fixture
def other_operator(roles, polres):
    return build.other_operator(polres)


@pytest.fixture
def plan(sekretariat):
    return build.plan(sekretariat)


@pytest.fixture
def established(plan, sekretariat, dinsos, polres):
    """The 2024 plan with an activity per stage, established."""
    return build.establish(plan, sekretariat, dinsos, polres)


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
