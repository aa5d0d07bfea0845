"""`make seed` (`manage.py seed_demo`): one demo user per role who can sign in, fictional reports
taken through the workflow and this year's established RAT; a second run adds nothing, and
production data is protected."""

import io
from datetime import datetime

import pytest
import time_machine
from django.core.management import CommandError, call_command

from accounts.choices import Role
from accounts.models import User
from action_plans.choices import PlanStatus
from action_plans.models import ActionPlan, Realisation
from dashboard.management.commands.seed_demo import DEMO_CONTACTS, DEMO_REPORTS
from directory.models import Contact
from incidents.models import HandlingStep, Incident
from tests.dashboard.conftest import WIB

pytestmark = pytest.mark.django_db

# Two of the three caturwulan periods of 2026 are over: their realisations are demo history.
SEPTEMBER = datetime(2026, 9, 15, 10, 0, tzinfo=WIB)


def seed(*args):
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def regency_with_agencies(roles, kecamatan, desa):
    call_command("load_reference_data", stdout=io.StringIO())


def test_seed_demo_gives_each_role_a_user_and_a_year_to_walk_through(
    regency_with_agencies, settings
):
    settings.DEBUG = True
    with time_machine.travel(SEPTEMBER, tick=False):
        output = seed("--password", "sandi-demo-uji")

    assert "Pengguna demo: 7 dibuat (kata sandi: lihat DEMO_PASSWORD)." in output
    assert f"Laporan demo: {len(DEMO_REPORTS)} dibuat." in output
    assert "RAT demo: RAT 2026 ditetapkan." in output
    for username, role in [
        ("petugas", Role.PETUGAS),
        ("operator", Role.PETUGAS),
        ("operator-kemenag", Role.PETUGAS),
        ("operator-polres", Role.PETUGAS),
        ("sekretariat", Role.SEKRETARIAT),
        ("pimpinan", Role.PIMPINAN),
        ("admin", Role.ADMIN),
    ]:
        user = User.objects.get(username=username)
        assert user.check_password("sandi-demo-uji")
        assert user.groups.filter(name=role).exists()

    reports = Incident.objects.filter(title__startswith="[DEMO]")
    assert reports.count() == len(DEMO_REPORTS)
    assert reports.exclude(status="draft").count() == sum(1 for r in DEMO_REPORTS if r[3])
    assert reports.filter(latitude__isnull=False).count() == 1  # one marker on the map
    assert HandlingStep.objects.filter(incident__in=reports).exists()
    assert Contact.objects.filter(name__endswith="(DEMO)").count() == len(DEMO_CONTACTS)

    plan = ActionPlan.objects.get(year=2026)
    assert plan.status == PlanStatus.DITETAPKAN
    assert plan.activities.count() > 1
    # The operator's activities were reported for the two periods already over, on time.
    realised = Realisation.objects.filter(activity__plan=plan)
    assert realised.exists()
    assert {r.period.end_date < SEPTEMBER.date() for r in realised} == {True}
    # Every activity has a demo user who may report it (the secretariat for its own agency's).
    demo_users = User.objects.filter(is_active=True)
    for activity in plan.activities.select_related("responsible_agency"):
        reporters = [
            user.username
            for user in demo_users
            if user.has_perm("action_plans.report_realisation", activity)
        ]
        assert reporters, f"nobody can report {activity}"
    assert User.objects.get(username="sekretariat").has_perm(
        "action_plans.report_realisation", plan.activities.get(code="1.1")
    )

    with time_machine.travel(SEPTEMBER, tick=False):
        again = seed()
    assert "Pengguna demo: 0 dibuat" in again
    assert "Laporan demo: 0 dibuat." in again
    assert "RAT demo: sudah ada." in again
    assert Incident.objects.filter(title__startswith="[DEMO]").count() == len(DEMO_REPORTS)


def test_seed_demo_refuses_production_and_a_database_without_regions(roles, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        seed()
    with pytest.raises(CommandError, match=r"Jalankan import_regions dulu\."):
        seed("--force")
    assert not Incident.objects.exists()
