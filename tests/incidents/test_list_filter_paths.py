"""The follow-up date filter used alone: reports with a handling step of any type since then."""

import pytest

from tests.incidents.test_follow_up_filters import listed, reports  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def test_follow_up_since_a_date_of_any_type(client, reports, sekretariat):  # noqa: F811
    mine, theirs, _bare = reports
    client.force_login(sekretariat)
    assert listed(client, "step_from=2026-01-01") == {mine.reference, theirs.reference}
    assert listed(client, "step_from=2026-06-01") == set()
