"""An agency operator's "Kegiatan saya" says in words, not only in colour, which reports were late
and which are overdue or returned."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from action_plans import services
from action_plans.models import Realisation

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")


def test_late_and_overdue_reports_are_said_in_words(client, established, operator):
    activity = established.activities.get(code="1.1")
    # B04 (January-April) was due on 10 May 2024: submitted on the 20th, late.
    with time_machine.travel(datetime(2024, 5, 20, 9, tzinfo=WIB), tick=False):
        services.realisation_save(
            realisation=Realisation(
                activity=activity,
                period=established.periods.get(code="B04"),
                achieved_value=Decimal(1),
                narrative="Rapat koordinasi terlaksana",
            ),
            by=operator,
            submit=True,
        )
    client.force_login(operator)

    page = " ".join(client.get("/rat/saya/").content.decode().split())

    assert "B04 ✓ terlambat" in page
    assert "Lapor B08 (lewat batas)" in page  # due on 10 September 2024, not reported
