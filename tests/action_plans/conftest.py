from datetime import date

import pytest

from accounts.choices import Role
from action_plans import services
from action_plans.choices import PeriodScheme, PlanStatus
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
    services.plan_establish(plan=plan, by=sekretariat, decree_reference="SK 188/2024")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DITETAPKAN
    return plan


__all__ = ["add_activity", "date"]
