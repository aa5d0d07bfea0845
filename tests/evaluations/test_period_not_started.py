"""A period that has not started has nothing to judge: no activity counts as 'Di bawah target'
or 0 % achieved for it, on its own page or in the year so far."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from evaluations.selectors import evaluation_figures

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")


def test_a_period_not_started_judges_no_activity(client, world, sekretariat):
    client.force_login(sekretariat)
    # 1 March 2024: B04 runs, B08 (May-August) has not started.
    with time_machine.travel(datetime(2024, 3, 1, 9, tzinfo=WIB), tick=False):
        b08 = evaluation_figures(2024, "B08", live=True)
        year = evaluation_figures(2024, live=True)
        page = client.get("/evaluasi/2024/B08/").content.decode()
    assert (b08.activities, b08.mean_achievement) == (0, None)
    assert set(b08.classes.values()) == {0}
    # The year so far is B04's: 1.1 (3 of 2) and 1.2 (3 of 4); B08's targets wait.
    assert year.activities == 2
    assert re.search(r'data-testid="mean-achievement">—<', page)
    assert "0 kegiatan bertarget" in page
