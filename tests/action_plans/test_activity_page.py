"""The activity page offers to report a realisation only for periods that have started."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")


def period_card(html, code):
    return html.split(f'data-testid="period-{code}"')[1].split('data-testid="period-')[0]


def test_a_period_not_started_offers_no_report(client, established, operator):
    activity = established.activities.get(code="1.1")
    client.force_login(operator)
    # 1 March 2024: B04 (January-April) runs, B08 starts in May.
    with time_machine.travel(datetime(2024, 3, 1, 9, tzinfo=WIB), tick=False):
        html = client.get(f"/rat/2024/kegiatan/{activity.pk}/").content.decode()
    assert "Laporkan realisasi" in period_card(html, "B04")
    assert "Laporkan realisasi" not in period_card(html, "B08")
    assert "Laporkan realisasi" not in period_card(html, "B12")
