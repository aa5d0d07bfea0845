from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

WIB = ZoneInfo("Asia/Jakarta")
# A fixed "today" so 30/90-day windows and year-on-year spans have known answers.
TODAY = datetime(2026, 6, 15, 10, 0, tzinfo=WIB)


@pytest.fixture
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield TODAY
