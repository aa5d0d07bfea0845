"""A plan is not closed while a realisation waits for its correction: closed, the report could
never be handed in again."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from action_plans import selectors, services
from action_plans.choices import PlanStatus, RealisationStatus
from action_plans.models import ActionPlan
from tests.action_plans.test_service_refusals import submitted
from tests.factories import ActionPlanFactory, RealisationFactory

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")


def test_a_plan_with_a_returned_realisation_is_not_closed(established, sekretariat, operator):
    realisation = submitted(established, operator)
    services.realisation_return(realisation=realisation, by=sekretariat, note="Foto kurang.")
    with time_machine.travel(datetime(2025, 1, 11, 9, tzinfo=WIB), tick=False):
        with pytest.raises(ValidationError) as caught:
            services.plan_close(plan=established, by=sekretariat)
        assert caught.value.messages == [
            "Rencana belum dapat ditutup: realisasi berikut masih dikembalikan untuk perbaikan "
            "dan belum diserahkan lagi: 1.1 B04."
        ]
        assert ActionPlan.objects.get(pk=established.pk).status == PlanStatus.DITETAPKAN
        # Once handed in again, the plan closes.
        realisation.refresh_from_db()
        services.realisation_save(realisation=realisation, by=operator, submit=True)
        assert services.plan_close(plan=established, by=sekretariat).status == "ditutup"


def test_the_operator_panel_leaves_out_returns_of_a_closed_plan(established, operator):
    old = RealisationFactory(
        activity=established.activities.get(code="1.1"), status=RealisationStatus.DIKEMBALIKAN
    )
    ActionPlan.objects.filter(pk=established.pk).update(status=PlanStatus.DITUTUP)
    current = ActionPlanFactory(year=2025, established=True)
    RealisationFactory(
        activity__plan=current,
        activity__responsible_agency=operator.agency,
        status=RealisationStatus.DIKEMBALIKAN,
    )
    due = selectors.operator_due(operator, today=date(2025, 3, 1))
    assert [r.activity.plan.year for r in due["returned"]] == [2025]
    assert old.pk not in [r.pk for r in due["returned"]]
