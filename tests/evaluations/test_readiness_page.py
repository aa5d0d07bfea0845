"""The readiness page ("Kesiapan"): the period it opens on, and what it lists as costing
points."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from action_plans.models import Realisation

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


def test_in_the_first_year_of_use_early_january_opens_this_year_s_first_period(client, sekretariat):
    # No plan for 2025 in the portal: nothing of it is due, as the dashboard also says.
    client.force_login(sekretariat)
    with time_machine.travel(datetime(2026, 1, 5, 9, tzinfo=WIB), tick=False):
        assert readiness_link(client) == "/evaluasi/2026/kesiapan/?periode=B04"


def test_only_submitted_realisations_are_listed_without_data_dukung(client, world, sekretariat):
    client.force_login(sekretariat)

    def listed():
        page = client.get("/evaluasi/2024/kesiapan/?periode=B04").content.decode()
        section = page.split('data-testid="without-evidence"')[1].split("</ul>")[0]
        return re.findall(r">(\d\.\d) ", section)

    # 1.2's B04 came without evidence; 1.1's has a photo.
    assert listed() == ["1.2"]
    # Returned for correction, it is the agency's work in progress again.
    Realisation.objects.filter(pk=world["r12_b04"].pk).update(status="dikembalikan")
    assert listed() == []


@pytest.mark.parametrize(("persona", "edits"), [("sekretariat", True), ("pimpinan", False)])
def test_activities_without_a_target_link_to_a_page_the_reader_may_open(
    request, client, world, persona, edits
):
    client.force_login(request.getfixturevalue(persona))
    page = client.get("/evaluasi/2024/kesiapan/?periode=B04").content.decode()
    section = page.split('data-testid="without-targets"')[1].split("</ul>")[0]
    # 2.1 has a target in B08 only.
    [link] = re.findall(r'href="([^"]+)"', section)
    activity = world["a21"]
    assert link == f"/rat/2024/kegiatan/{activity.pk}/" + ("ubah/" if edits else "")
    assert client.get(link).status_code == 200
