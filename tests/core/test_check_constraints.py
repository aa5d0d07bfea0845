"""A model's check constraints are validated in one query (core.models.ConstraintFieldsMixin),
with the same verdicts and messages as Django's constraint-by-constraint validation."""

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, models
from django.test.utils import CaptureQueriesContext

from incidents.models import Incident
from tests.factories import IncidentFactory, KecamatanFactory, UserFactory

pytestmark = pytest.mark.django_db

CHECKS = [c for c in Incident._meta.constraints if isinstance(c, models.CheckConstraint)]


def djangos_verdict(incident, exclude=None) -> list:
    """The messages of the check constraints Django's own validate() refuses, one by one."""
    refused = []
    for constraint in CHECKS:
        try:
            constraint.validate(Incident, incident, exclude=exclude)
        except ValidationError as error:
            refused += error.messages
    return sorted(refused)


def portal_verdict(incident, exclude=None) -> list:
    try:
        incident.validate_constraints(exclude=exclude)
    except ValidationError as error:
        return sorted(error.messages)
    return []


def unsaved_incident(**fields):
    return IncidentFactory.build(
        kecamatan=KecamatanFactory(),
        reported_by=UserFactory(),
        reference="PKS-2026-000001",
        **fields,
    )


BAD_FIELDS = [
    {},
    {"likelihood": None},
    {"likelihood": None, "impact": None},
    {"status": "ditolak", "rejection_reason": ""},
    {"status": "selesai", "resolution": ""},
    {"status": "diajukan", "resolution": "damai"},
    {"latitude": -7.5, "longitude": None},
    {"conflict_source": "", "needs_completion": False},
    {"kind": "kejadian", "likelihood": None, "impact": None, "status": "ditolak"},
]


@pytest.mark.parametrize("fields", BAD_FIELDS)
def test_one_query_refuses_what_django_refuses(fields):
    incident = unsaved_incident(**fields)
    expected = djangos_verdict(incident)
    with CaptureQueriesContext(connection) as queries:
        refused = portal_verdict(incident)
    assert refused == expected
    asked = [q["sql"] for q in queries.captured_queries if '"_check' in q["sql"]]
    assert len(asked) == 1
    assert asked[0].count('"_check_') == len(CHECKS)


def test_messages_land_next_to_their_fields_as_before():
    incident = unsaved_incident(likelihood=None, impact=None, status="ditolak")
    with pytest.raises(ValidationError) as refused:
        incident.validate_constraints()
    by_field = refused.value.message_dict
    assert set(by_field) == {"likelihood", "impact", NON_FIELD_ERRORS}
    likelihood = next(c for c in CHECKS if c.violation_error_code == "potential_likelihood")
    assert by_field["likelihood"] == [likelihood.get_violation_error_message()]


def test_a_constraint_on_an_excluded_field_is_not_checked():
    incident = unsaved_incident(likelihood=None)
    assert portal_verdict(incident) == djangos_verdict(incident) != []
    assert portal_verdict(incident, exclude={"likelihood"}) == []
    assert djangos_verdict(incident, exclude={"likelihood"}) == []


def test_a_valid_report_passes_in_one_query():
    incident = unsaved_incident()
    with CaptureQueriesContext(connection) as queries:
        assert portal_verdict(incident) == []
    assert sum('"_check' in q["sql"] for q in queries.captured_queries) == 1
