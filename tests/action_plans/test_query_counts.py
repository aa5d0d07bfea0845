"""Pinned query counts of the smaller list pages (plans, conflict statuses, RAT saya,
notifications): they must not grow with their rows."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from action_plans import services
from dashboard.models import NotificationKind
from dashboard.services import notify
from incidents.models import ConflictStatus
from tests.helpers import add_activity

pytestmark = pytest.mark.django_db


def count(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def grow(url, client, make, pinned):
    make(1)
    client.get(url)  # the first request after login also touches the new session
    before = count(client, url)
    make(15)
    assert count(client, url) == before == pinned


def test_plan_list(client, sekretariat):
    client.force_login(sekretariat)
    years = iter(range(2012, 2100))

    def make(n):
        for _ in range(n):
            services.plan_create(year=next(years), scheme="caturwulan", by=sekretariat)

    grow("/rat/", client, make, pinned=5)


def test_conflict_status_list(client, pimpinan):
    client.force_login(pimpinan)
    numbers = iter(range(1000))

    def make(n):
        for _ in range(n):
            ConflictStatus.objects.create(
                decree_number=f"SK/{next(numbers)}",
                scope="Kabupaten",
                start_date=date(2024, 1, 1),
                end_date=date(2024, 2, 1),
            )

    grow("/laporan/status-keadaan-konflik/", client, make, pinned=6)


def test_my_activities(client, sekretariat, operator, dinsos):
    plan = services.plan_create(year=2024, scheme="caturwulan", by=sekretariat)
    codes = iter(range(1000))

    def make(n):
        for _ in range(n):
            add_activity(plan, sekretariat, code=f"1.{next(codes)}", agency=dinsos)

    client.force_login(operator)
    make(1)
    services.plan_establish(
        plan=plan, by=sekretariat, decree_reference="SK 188/2024", decree_date=date(2024, 1, 2)
    )
    client.get("/rat/saya/")
    before = count(client, "/rat/saya/")
    plan.status = "draft"
    plan.save()
    make(15)
    plan.status = "ditetapkan"
    plan.save()
    assert count(client, "/rat/saya/") == before == 11


def test_notification_list(client, pimpinan):
    client.force_login(pimpinan)
    keys = iter(range(1000))

    def make(n):
        for _ in range(n):
            key = next(keys)
            notify(
                recipients=[pimpinan],
                kind=NotificationKind.values[0],
                key=f"uji-{key}",
                message=f"Laporan baru nomor {key}",
                url="/laporan/",
            )

    grow("/notifikasi/", client, make, pinned=7)
