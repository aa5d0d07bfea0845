"""A state of social conflict revoked early ends on its revocation date; a revocation dated
outside the status's term is refused next to the date, in Indonesian, and nothing is saved."""

from datetime import timedelta

import pytest

from incidents.models import ConflictStatus
from tests.helpers import assert_field_error
from tests.incidents.test_bad_input import (
    CONFLICT_STATUS_URL,
    START,
    as_sekretariat,  # noqa: F401 (fixture)
    conflict_status_payload,
)

pytestmark = pytest.mark.django_db
REVOCATION = "188/55/415.10.1.3/2026"


def test_a_revoked_status_ends_on_its_revocation_date(as_sekretariat):  # noqa: F811
    revoked = START + timedelta(days=30)
    response = as_sekretariat.post(
        CONFLICT_STATUS_URL,
        conflict_status_payload(revocation_decree_number=REVOCATION, revoked_on=revoked),
    )
    assert response.status_code == 302
    assert ConflictStatus.objects.get().effective_end == revoked


@pytest.mark.parametrize(
    ("revoked_on", "message"),
    [
        (START - timedelta(days=1), "Tanggal pencabutan tidak boleh sebelum tanggal mulai."),
        (
            START + timedelta(days=95),
            "Tanggal pencabutan harus dalam masa berlaku (status sudah berakhir sebelumnya).",
        ),
    ],
    ids=["before-start", "after-the-end"],
)
def test_a_revocation_outside_the_term_is_refused(as_sekretariat, revoked_on, message):  # noqa: F811
    response = as_sekretariat.post(
        CONFLICT_STATUS_URL,
        conflict_status_payload(revocation_decree_number=REVOCATION, revoked_on=revoked_on),
    )
    assert_field_error(response, "revoked_on", message)
    assert not ConflictStatus.objects.exists()
