"""Every factory produces a record that the models themselves accept."""

import pytest

from incidents.models import Incident
from incidents.services import reference_next
from tests import factories

ALL_FACTORIES = [
    factories.RegionFactory,
    factories.KecamatanFactory,
    factories.DesaFactory,
    factories.AgencyFactory,
    factories.ContactFactory,
    factories.UserFactory,
    factories.TeamDecreeFactory,
    factories.TeamMemberFactory,
    factories.IncidentFactory,
    factories.PartyFactory,
    factories.TransitionFactory,
    factories.HandlingStepFactory,
    factories.ConflictStatusFactory,
    factories.EvidenceFactory,
    factories.ActionPlanFactory,
    factories.PeriodFactory,
    factories.ActivityFactory,
    factories.TargetFactory,
    factories.RealisationFactory,
    factories.RealisationEventFactory,
    factories.RealisationEvidenceFactory,
    factories.PlanRevisionFactory,
    factories.ActivityLogFactory,
]


@pytest.mark.django_db
@pytest.mark.parametrize("factory", ALL_FACTORIES, ids=lambda f: f.__name__)
def test_factory_makes_a_valid_record(factory):
    record = factory()
    record.full_clean()
    # A second one alongside the first breaks no uniqueness rule.
    factory().full_clean()


@pytest.mark.django_db
def test_plan_factory_lays_out_the_reporting_periods():
    plan = factories.ActionPlanFactory(year=2024)
    assert [p.code for p in plan.periods.all()] == ["B04", "B08", "B12"]
    activity = factories.ActivityFactory(plan=plan, targets={"B12": 3})
    assert {t.period.code: t.value for t in activity.targets.all()} == {
        "B04": 1,
        "B08": 1,
        "B12": 3,
    }


@pytest.mark.django_db
def test_realisation_factory_is_on_time_for_an_established_plan():
    realisation = factories.RealisationFactory()
    assert realisation.activity.plan.status == "ditetapkan"
    assert not realisation.is_late
    assert realisation.submitted_by.agency == realisation.activity.responsible_agency


@pytest.mark.django_db
def test_factory_reference_numbers_share_the_services_counter():
    made = factories.IncidentFactory()
    year = int(made.reference.split("-")[1])
    following = reference_next(year=year)
    assert following > made.reference
    assert not Incident.objects.filter(reference=following).exists()
