"""The readiness page ("Kesiapan"): the period it opens on, and what it lists as costing
points."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")


def readiness_link(client):
    page = client.get("/evaluasi/").content.decode()
    return re.search(r'href="([^"]*)" data-testid="readiness-link"', page).group(1)


@pytest.mark.parametrize(
    ("day", "link"),
    [
        # 2024's B12 (September-December) is due on 10 January 2025.
        (datetime(2025, 1, 5, 9, tzinfo=WIB), "/evaluasi/2024/kesiapan/?periode=B12"),
        (datetime(2025, 1, 11, 9, tzinfo=WIB), "/evaluasi/2025/kesiapan/?periode=B04"),
        (datetime(2024, 6, 1, 9, tzinfo=WIB), "/evaluasi/2024/kesiapan/?periode=B08"),
    ],
)
def test_the_current_period_link_opens_the_report_due_now(client, world, sekretariat, day, link):
    client.force_login(sekretariat)
    with time_machine.travel(day, tick=False):
        assert readiness_link(client) == link
