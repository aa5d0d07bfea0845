"""The report page says when it happened as precisely as it is known: no made-up "00.00" for a
date given without a time (a quick report dated an earlier day, the full form's date)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")


@pytest.mark.parametrize(
    ("at", "precision", "shown"),
    [
        (datetime(2025, 4, 30, 21, 15), "hari", "30 April 2025, 21.15"),
        (datetime(2025, 4, 30, 0, 0), "hari", "30 April 2025"),
        (datetime(2025, 4, 30, 0, 0), "minggu", "30 April 2025"),
        (datetime(2025, 4, 30, 9, 40), "minggu", "30 April 2025"),
        (datetime(2025, 4, 1, 0, 0), "bulan", "April 2025"),
    ],
)
def test_the_report_page_shows_the_time_only_when_it_is_known(
    client, sekretariat, kecamatan, at, precision, shown
):
    incident = IncidentFactory(
        kecamatan=kecamatan,
        status="diajukan",
        occurred_at=at.replace(tzinfo=WIB),
        occurred_precision=precision,
    )
    client.force_login(sekretariat)
    page = client.get(incident.get_absolute_url()).content.decode()
    assert f'data-testid="occurred-at">{shown} (' in page


def test_in_english_the_month_and_the_time_read_in_english(kecamatan):
    incident = IncidentFactory(
        kecamatan=kecamatan, occurred_at=datetime(2025, 5, 1, 21, 15, tzinfo=WIB)
    )
    with translation.override("en"):
        assert incident.occurred_label == "1 May 2025, 21:15"
