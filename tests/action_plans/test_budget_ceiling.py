"""The activity's budget is the ceiling of its realisations' spending: the budget cannot be cut
below what was already reported, and a report that spends nothing more always saves."""

from decimal import Decimal

import pytest
from django.urls import reverse

from action_plans import services
from action_plans.models import Activity, Realisation
from tests.action_plans.test_permissions import activity_payload
from tests.helpers import assert_field_error

pytestmark = pytest.mark.django_db

BELOW_SPENT = "Anggaran tidak boleh di bawah realisasi anggaran yang sudah dicatat (Rp 8.000.000)."


def report(activity, code, spent, by):
    return services.realisation_save(
        realisation=Realisation(
            activity=activity,
            period=activity.plan.periods.get(code=code),
            achieved_value=Decimal(1),
            narrative="Rapat koordinasi terlaksana.",
            budget_spent=spent,
        ),
        by=by,
        submit=True,
    )


def test_budget_cut_below_reported_spending_is_refused_next_to_the_budget(
    client, established, sekretariat, operator
):
    activity = established.activities.get(code="1.1")  # Rp 10.000.000
    report(activity, "B04", 8_000_000, operator)
    client.force_login(sekretariat)
    url = reverse("action_plans:activity_update", args=[established.year, activity.pk])
    response = client.post(
        url, activity_payload(activity, budget="5000000", reason="Anggaran dipotong.")
    )
    assert_field_error(response, "budget", BELOW_SPENT)
    activity.refresh_from_db()
    assert activity.budget == 10_000_000
    # Down to what was spent is fine.
    response = client.post(
        url, activity_payload(activity, budget="8000000", reason="Anggaran dipotong.")
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.budget == 8_000_000


def test_an_activity_over_spent_before_the_rule_can_still_be_edited(
    client, established, sekretariat, operator
):
    activity = established.activities.get(code="1.1")
    report(activity, "B04", 8_000_000, operator)
    Activity.objects.filter(pk=activity.pk).update(budget=5_000_000)  # cut before the rule
    activity.refresh_from_db()
    client.force_login(sekretariat)
    url = reverse("action_plans:activity_update", args=[established.year, activity.pk])
    title = "Rapat koordinasi FKUB"
    retitled = activity_payload(activity, title=title, reason="Salah ketik.")
    assert client.post(url, retitled).status_code == 302
    raised = activity_payload(activity, title=title, budget="6000000", reason="Tambahan.")
    assert client.post(url, raised).status_code == 302  # part of the way back: allowed
    lowered = activity_payload(activity, title=title, budget="4000000", reason="Dipotong.")
    assert_field_error(client.post(url, lowered), "budget", BELOW_SPENT)
    activity.refresh_from_db()
    assert (activity.title, activity.budget) == ("Rapat koordinasi FKUB", 6_000_000)


def test_a_report_spending_nothing_saves_when_earlier_spending_passed_the_budget(
    established, operator
):
    activity = established.activities.get(code="1.1")
    report(activity, "B04", 8_000_000, operator)
    # A budget cut before the ceiling was checked on the activity too.
    Activity.objects.filter(pk=activity.pk).update(budget=5_000_000)
    activity.refresh_from_db()
    later = report(activity, "B08", 0, operator)
    assert later.status == "diserahkan"
    # Spending more is still refused.
    with pytest.raises(Exception, match="melebihi pagu"):
        report(activity, "B12", 1, operator)
