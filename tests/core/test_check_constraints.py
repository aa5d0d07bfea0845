"""A model's check constraints are validated in Python where core.constraints can, the rest in
one query (core.models.ConstraintFieldsMixin), with the same verdicts and messages as Django's
constraint-by-constraint validation, which asks the database."""

import operator
from datetime import date

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, models
from django.db.models import ExpressionWrapper, F, Q
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThan
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from action_plans.models import Period
from core import constraints
from incidents.choices import Resolution, Status
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
def test_python_refuses_what_django_refuses_without_asking_the_database(fields):
    incident = unsaved_incident(**fields)
    expected = djangos_verdict(incident)
    with CaptureQueriesContext(connection) as queries:
        refused = portal_verdict(incident)
    assert refused == expected
    assert queries.captured_queries == []


@pytest.mark.parametrize("fields", BAD_FIELDS)
def test_what_python_cannot_work_out_is_asked_in_one_query(fields, monkeypatch):
    def not_in_python(condition, values):
        raise constraints.NotInPython(condition)

    monkeypatch.setattr(constraints, "holds", not_in_python)
    incident = unsaved_incident(**fields)
    expected = djangos_verdict(incident)
    with CaptureQueriesContext(connection) as queries:
        refused = portal_verdict(incident)
    assert refused == expected
    asked = [q["sql"] for q in queries.captured_queries if '"_check' in q["sql"]]
    assert len(asked) == 1
    assert asked[0].count('"_check_') == len(CHECKS)


# Every value the incident's constraints read, with the ones that break them.
INCIDENT_VALUES = st.fixed_dictionaries(
    {
        "kind": st.sampled_from(["potensi", "kejadian"]),
        "status": st.sampled_from(Status.values),
        "rejection_reason": st.sampled_from(["", "Di luar wilayah", " "]),
        "resolution": st.sampled_from(["", *Resolution.values]),
        "needs_completion": st.booleans(),
        "conflict_source": st.sampled_from(["", "sda"]),
        "aspect": st.sampled_from(["", "sosial_budaya"]),
        "form": st.sampled_from(["", "sengketa_lahan"]),
        "likelihood": st.sampled_from([None, 1, 5]),
        "impact": st.sampled_from([None, 3]),
        "latitude": st.sampled_from([None, -7.5, 0.0]),
        "longitude": st.sampled_from([None, 112.2]),
    }
)


@settings(max_examples=80, deadline=None, derandomize=True, database=None)
@given(fields=INCIDENT_VALUES, exclude=st.sampled_from([None, {"likelihood"}, {"status"}]))
def test_python_and_the_database_agree_on_every_combination(fields, exclude):
    incident = Incident(reference="PKS-2026-000001", title="x", chronology="x", **fields)
    with CaptureQueriesContext(connection) as queries:
        refused = portal_verdict(incident, exclude=exclude)
    assert refused == djangos_verdict(incident, exclude=exclude)
    assert queries.captured_queries == []


PERIOD_CHECKS = [c for c in Period._meta.constraints if isinstance(c, models.CheckConstraint)]
DAYS = st.sampled_from([None, date(2024, 4, 30), date(2024, 5, 1), date(2024, 5, 10)])


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(start=DAYS, end=DAYS, due=DAYS)
def test_date_comparisons_between_fields_agree_with_the_database(start, end, due):
    period = Period(code="B04", start_date=start, end_date=end, due_date=due)
    expected = {}
    for constraint in PERIOD_CHECKS:
        try:
            constraint.validate(Period, period)
        except ValidationError as error:
            error.update_error_dict(expected)
    refused = {}
    with CaptureQueriesContext(connection) as queries:
        # The check constraints only: the periods' exclusion constraint is another matter.
        assert period._validate_checks_at_once(None, refused)
    assert queries.captured_queries == []
    assert {k: [e.message for e in v] for k, v in refused.items()} == {
        k: [e.message for e in v] for k, v in expected.items()
    }


@pytest.mark.parametrize(
    "condition",
    [
        Q(title__startswith="x"),  # a lookup not handled
        Q(title__gt="a"),  # text order is the collation's
        Q(GreaterThan(Length("title"), 3)),  # an expression as the condition
        Q(likelihood__in=[]),
        Q(occurred_at__date=date(2024, 1, 1)),  # a transform
        Q(likelihood__gt=F("title")),  # across types
    ],
)
def test_what_python_does_not_know_is_left_to_the_database(condition):
    values = unsaved_incident()._get_field_expression_map(meta=Incident._meta)
    with pytest.raises(constraints.NotInPython):
        constraints.holds(condition, values)


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


def test_a_valid_report_passes_without_a_query():
    incident = unsaved_incident()
    with CaptureQueriesContext(connection) as queries:
        assert portal_verdict(incident) == []
    assert queries.captured_queries == []


def database_truth(condition, values):
    """What PostgreSQL makes of `condition` over `values`: True, False or None (NULL)."""
    query = Query(None)
    for name, value in values.items():
        query.add_annotation(value, name, select=False)
    query.add_annotation(ExpressionWrapper(condition, output_field=models.BooleanField()), "_t")
    [truth] = query.get_compiler(using="default").execute_sql(SINGLE)
    return None if truth is None else bool(truth)  # a condition Django settles itself is 0 or 1


NUMBERS = st.sampled_from([1, 3, 5])
LEAVES = st.one_of(
    st.builds(
        lambda op, v: Q(**{f"likelihood__{op}": v}),
        st.sampled_from(["exact", "gt", "gte", "lt", "lte"]),
        NUMBERS,
    ),
    st.builds(
        lambda v: Q(likelihood__in=v),
        st.lists(st.sampled_from([1, 2, 5, None]), min_size=1).filter(
            lambda options: any(o is not None for o in options)
        ),
    ),
    st.builds(lambda v: Q(likelihood__isnull=v), st.booleans()),
    st.builds(lambda v: Q(latitude__isnull=v), st.booleans()),
    st.builds(lambda v: Q(latitude__lt=v), st.sampled_from([0.0, -7.5])),
    st.builds(lambda v: Q(likelihood=v), st.sampled_from([None, 3])),
    st.builds(lambda op: Q(**{f"likelihood__{op}": F("impact")}), st.sampled_from(["exact", "gt"])),
    st.builds(lambda v: Q(status=v), st.sampled_from(["draft", "ditolak"])),
    st.builds(lambda v: Q(status__in=v), st.sampled_from([["draft"], ["ditolak", "selesai"]])),
    st.builds(lambda v: Q(needs_completion=v), st.booleans()),
)
CONDITIONS = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.builds(operator.and_, inner, inner),
        st.builds(operator.or_, inner, inner),
        st.builds(operator.invert, inner),
    ),
    max_leaves=6,
)


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(
    condition=CONDITIONS,
    likelihood=st.sampled_from([None, 1, 3, 5]),
    impact=st.sampled_from([None, 1, 3]),
    latitude=st.sampled_from([None, -7.5, 0.0]),
    status=st.sampled_from(["draft", "ditolak", "selesai"]),
    needs_completion=st.booleans(),
)
def test_true_false_and_unknown_as_postgresql_has_them(condition, **fields):
    """SQL's three-valued logic: a comparison with NULL is unknown, NOT unknown is unknown,
    unknown OR true is true, unknown AND false is false."""
    incident = Incident(reference="PKS-2026-000001", title="x", chronology="x", **fields)
    values = incident._get_field_expression_map(meta=Incident._meta)
    assert constraints.holds(condition, values) is database_truth(condition, values)
