"""Whoever works for the agency responsible for an activity reports its realisation, whatever
their role: the secretariat's own agency (Bakesbangpol) is responsible for activities too, and
its secretariat staff were refused with a page telling them to contact the secretariat."""

from datetime import date
from html import unescape

import pytest

from accounts.choices import Role
from action_plans import services
from action_plans.choices import RealisationStatus
from action_plans.models import Realisation
from tests.factories import UserFactory
from tests.helpers import add_activity

pytestmark = pytest.mark.django_db

NARRATIVE = "Rapat koordinasi deteksi dini terlaksana di kantor Bakesbangpol."


@pytest.fixture
def plan_with_own_activity(plan, sekretariat, agency, dinsos):
    """The 2024 plan with 1.1 under the secretariat's agency (Bakesbangpol) and 3.1 under Dinsos,
    established."""
    add_activity(plan, sekretariat, code="1.1", agency=agency)
    add_activity(plan, sekretariat, code="3.1", agency=dinsos, stage="pemulihan")
    return services.plan_establish(
        plan=plan, by=sekretariat, decree_reference="SK 188/2024", decree_date=date(2024, 1, 2)
    )


def text(response) -> str:
    return " ".join(unescape(response.content.decode()).split())


def test_the_secretariat_reports_its_own_agency_s_activity(
    client, plan_with_own_activity, sekretariat
):
    activity = plan_with_own_activity.activities.get(code="1.1")
    url = f"/rat/kegiatan/{activity.pk}/realisasi/B04/"
    client.force_login(sekretariat)

    assert client.get(url).status_code == 200
    assert url in client.get(f"/rat/2024/kegiatan/{activity.pk}/").content.decode()
    response = client.post(
        url,
        {"achieved_value": "1", "narrative": NARRATIVE, "budget_spent": "0", "submit": "1"},
    )

    assert response.status_code == 302
    realisation = Realisation.objects.get(activity=activity)
    assert realisation.status == RealisationStatus.DISERAHKAN
    assert realisation.submitted_by == sekretariat


def test_the_secretariat_finds_its_agency_s_activities_under_kegiatan_saya(
    client, plan_with_own_activity, sekretariat
):
    client.force_login(sekretariat)
    response = client.get("/rat/saya/")
    page = text(response)

    assert "Belum ada rencana aksi yang ditetapkan." not in page
    assert "1.1 Kegiatan 1.1" in page
    assert "3.1 Kegiatan 3.1" not in page  # Dinsos's, although the secretariat reads it
    assert 'href="/rat/saya/"' in client.get("/").content.decode()


def test_another_agency_s_activity_is_refused_naming_who_reports_it(
    client, plan_with_own_activity, sekretariat
):
    activity = plan_with_own_activity.activities.get(code="3.1")
    client.force_login(sekretariat)
    response = client.get(f"/rat/kegiatan/{activity.pk}/realisasi/B04/")

    assert response.status_code == 403
    page = text(response)
    assert (
        "Realisasi kegiatan ini dilaporkan oleh pengguna dari instansi penanggung jawabnya, "
        "Dinas Sosial." in page
    )
    assert "Hubungi sekretariat" not in page


@pytest.mark.parametrize("role", [Role.PIMPINAN, Role.ADMIN, Role.PETUGAS])
def test_any_role_working_for_the_agency_reports_it(client, plan_with_own_activity, dinsos, role):
    activity = plan_with_own_activity.activities.get(code="3.1")
    user = UserFactory(agency=dinsos, roles=[role])
    client.force_login(user)
    assert client.get(f"/rat/kegiatan/{activity.pk}/realisasi/B04/").status_code == 200
    assert "3.1 Kegiatan 3.1" in text(client.get("/rat/saya/"))


def test_an_account_without_a_role_does_not_report_for_its_agency(plan_with_own_activity, dinsos):
    activity = plan_with_own_activity.activities.get(code="3.1")
    user = UserFactory(agency=dinsos)
    assert not user.has_perm("action_plans.report_realisation", activity)
    assert not user.has_perm("action_plans.view_own_activities")


def test_an_account_without_an_agency_is_not_told_there_is_no_plan(
    client, plan_with_own_activity, pimpinan
):
    client.force_login(pimpinan)
    page = text(client.get("/rat/saya/"))
    assert "Akun Anda belum terhubung ke instansi." in page
    assert "Belum ada rencana aksi yang ditetapkan." not in page
