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


def test_a_period_without_a_target_is_not_said_overdue(client, established, operator):
    activity = established.activities.get(code="1.1")
    established.periods.get(code="B08").targets.filter(activity=activity).update(value=0)
    client.force_login(operator)
    with time_machine.travel(datetime(2024, 9, 20, 9, tzinfo=WIB), tick=False):
        html = client.get("/rat/saya/").content.decode()
    item = html[html.index(">1.1 ") : html.index(">3.1 ")]
    page = " ".join(item.split())
    assert "Lapor B04 (lewat batas)" in page  # a target of 1, due on 10 May
    assert "Lapor B08 (lewat batas)" not in page  # a target of 0: nothing was owed
    assert "Lapor B08" in page
    b08 = item[item.rindex("<a", 0, item.index("Lapor B08")) : item.index("Lapor B08")]
    assert "btn-danger" not in b08
