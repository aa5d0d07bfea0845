"""Deny by default (issue 13 item 7): a signed-in account without a role sees no data, on any
page or export, only a page asking to contact an administrator."""

import pytest
from django.contrib.auth.models import Group

from accounts.choices import Role
from action_plans.models import ActionPlan, Activity
from directory.models import Agency, Contact, Region
from incidents.models import ConflictStatus, Incident
from tests.factories import (
    ActionPlanFactory,
    ActivityFactory,
    ContactFactory,
    IncidentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

NO_ROLE_TEXT = "Akun Anda belum punya peran"


@pytest.fixture
def nobody(roles):
    return UserFactory(username="tanpa-peran", first_name="Tanpa", last_name="Peran")


@pytest.fixture
def report(petugas, kecamatan):
    return IncidentFactory(
        kecamatan=kecamatan, reported_by=petugas, title="Sengketa batas desa di Diwek"
    )


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/laporan/",
        "/laporan/ekspor.csv",
        "/laporan/ekspor.xlsx",
        "/laporan/status-keadaan-konflik/",
        "/rat/",
        "/rat/saya/",
    ],
)
def test_every_page_and_export_shows_only_the_ask_an_administrator_page(
    client, nobody, report, url
):
    client.force_login(nobody)
    response = client.get(url)
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert NO_ROLE_TEXT in page
    assert "Minta administrator portal memberi Anda peran" in page
    assert report.reference not in page
    assert report.title not in page


def test_object_pages_do_not_reveal_whether_the_report_exists(client, nobody, report):
    client.force_login(nobody)
    for url in (f"/laporan/{report.pk}/", "/laporan/999999/"):
        response = client.get(url)
        assert response.status_code == 403
        assert NO_ROLE_TEXT in response.content.decode()


def test_the_menu_offers_no_data_pages_but_sign_out_and_password(client, nobody):
    client.force_login(nobody)
    page = client.get("/").content.decode()
    assert 'href="/laporan/"' not in page
    assert 'href="/rat/"' not in page
    assert "Keluar" in page
    assert client.get("/akun/kata-sandi/").status_code == 200


def test_granting_a_role_opens_the_portal(client, nobody, report):
    client.force_login(nobody)
    assert client.get("/laporan/").status_code == 403
    nobody.groups.add(Group.objects.get(name=Role.PETUGAS))
    response = client.get("/laporan/")
    assert response.status_code == 200
    assert report.reference in response.content.decode()


def test_querysets_give_an_account_without_a_role_nothing(nobody, report, desa, agency):
    ContactFactory(region=desa)
    ConflictStatus.objects.create(
        decree_number="188/2024", scope="Diwek", start_date="2024-03-01", end_date="2024-05-29"
    )
    for manager in (Incident.objects, Region.objects, Agency.objects, Contact.objects):
        assert manager.all().exists()
        assert not manager.visible_to(nobody).exists(), manager.model
    assert ConflictStatus.objects.visible_to(report.reported_by).exists()
    ActivityFactory(plan=ActionPlanFactory(established=True))
    for manager in (ConflictStatus.objects, ActionPlan.objects, Activity.objects):
        assert manager.all().exists()
        assert not manager.visible_to(nobody).exists(), manager.model


def test_login_still_lands_and_explains(client, nobody):
    response = client.post(
        "/akun/masuk/", {"username": "tanpa-peran", "password": "rahasia-uji-123"}, follow=True
    )
    assert response.status_code == 403
    assert NO_ROLE_TEXT in response.content.decode()
