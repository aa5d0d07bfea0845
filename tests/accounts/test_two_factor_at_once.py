"""Recovery codes under requests sent at the same moment, each on its own database connection."""

import pytest
from django_otp.plugins.otp_static.models import StaticToken

from accounts import two_factor
from tests.accounts.test_two_factor import enrol
from tests.helpers import run_in_threads

pytestmark = [pytest.mark.two_factor, pytest.mark.django_db(transaction=True)]


def test_recovery_codes_renewed_four_times_at_once_leave_only_the_last_ten(sekretariat):
    enrol(sekretariat)

    shown, errors = run_in_threads(
        4, lambda _i: two_factor.recovery_codes_regenerate(user=sekretariat, by=sekretariat)
    )

    assert errors == []
    left = set(StaticToken.objects.filter(device__user=sekretariat).values_list("token", flat=True))
    assert len(left) == two_factor.RECOVERY_CODE_COUNT
    assert left in [set(codes) for codes in shown]  # the codes shown last, and only those


def test_one_recovery_code_used_four_times_at_once_signs_in_once(sekretariat):
    _device, codes = enrol(sekretariat)

    accepted, errors = run_in_threads(
        4, lambda _i: two_factor.two_factor_verify(user=sekretariat, code=codes[0])
    )

    assert errors == []
    assert sum(device is not None for device in accepted) == 1
    assert two_factor.recovery_codes_left(sekretariat) == two_factor.RECOVERY_CODE_COUNT - 1
