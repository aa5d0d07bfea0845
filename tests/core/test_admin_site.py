"""The portal's admin site (core.sites, core.admin): what a fuzzing run of the administration
answered with a 500 is now refused or explained."""

import pytest
from django.contrib import admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.admin import AutocompleteAdminMixin, PortalAutocompleteSelect
from core.sites import PortalAdminSite
from directory.models import Agency
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

NOT_IDS = ["①", "0000-00-00", "[]", "99999999999999999999", "-1", " "]


def test_the_default_admin_site_is_the_portals():
    assert isinstance(admin.site, PortalAdminSite)
    assert str(admin.site.site_header) == "Administrasi Portal Tim Terpadu PKS"


@pytest.mark.parametrize("junk", NOT_IDS)
@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/admin/directory/agency/add/", "region"),
        ("/admin/directory/contact/add/", "region"),
        ("/admin/directory/region/add/", "parent"),
        ("/admin/accounts/user/add/", "kecamatan"),
    ],
)
def test_an_add_page_given_a_value_that_is_no_id_opens_with_nothing_chosen(
    client, admin_user, url, name, junk
):
    client.force_login(admin_user)
    response = client.get(url, {name: junk})
    assert response.status_code == 200
    assert (
        "selected" not in response.content.decode().split(f'name="{name}"')[1].split("</select>")[0]
    )


def test_a_changed_user_with_a_kecamatan_that_is_no_id_is_explained_next_to_the_field(
    client, admin_user, petugas
):
    client.force_login(admin_user)
    url = f"/admin/accounts/user/{petugas.pk}/change/"
    data = {
        "username": petugas.username,
        "first_name": "Siti",
        "email": "siti@example.invalid",
        "roles": "petugas",
        "is_active": "on",
        "kecamatan": "0000-00-00",
        "agency": AgencyFactory().pk,
        "_save": "Simpan",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "kecamatan" in errors
    petugas.refresh_from_db()
    assert petugas.kecamatan_id is not None  # what was saved stays


def test_every_autocomplete_in_the_admin_uses_the_portals_widgets(rf, admin_user):
    request = rf.get("/admin/")
    request.user = admin_user
    checked = 0
    for model, model_admin in admin.site._registry.items():
        admins = [model_admin] + [
            inline(model, admin.site) for inline in getattr(model_admin, "inlines", [])
        ]
        for each in admins:
            fields = each.get_autocomplete_fields(request)
            if not fields:
                continue
            assert isinstance(each, AutocompleteAdminMixin), type(each)
            for name in fields:
                field = each.model._meta.get_field(name)
                if field.many_to_many:
                    continue
                formfield = each.formfield_for_foreignkey(field, request)
                assert isinstance(formfield.widget, PortalAutocompleteSelect)
                checked += 1
    assert checked >= 5


@pytest.mark.parametrize("view", ["config", "qrcode"])
def test_the_admin_never_shows_an_authenticators_secret(client, admin_user, petugas, view):
    device = TOTPDevice.objects.create(user=petugas, name="ponsel", confirmed=True)
    client.force_login(admin_user)
    for pk in (device.pk, 0, 99999999999999999999):
        response = client.get(f"/admin/otp_totp/totpdevice/{pk}/{view}/")
        assert response.status_code == 403
    change = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content.decode()
    assert device.key not in change


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_empty_to_field_is_a_bad_request_not_a_server_error(client, admin_user, method):
    client.force_login(admin_user)
    agency = AgencyFactory()
    url = f"/admin/directory/agency/{agency.pk}/change/"
    if method == "get":
        response = client.get(url, {"_to_field": ""})
    else:
        response = client.post(url, {"_to_field": "", "name": "x"})
    assert response.status_code == 400
    agency.refresh_from_db()
    assert agency.name != "x"


@pytest.mark.parametrize("junk", [*(v for v in NOT_IDS if v != "-1"), "31/12/2026"])
def test_an_action_on_selected_values_that_are_no_ids_changes_nothing(client, admin_user, junk):
    client.force_login(admin_user)
    agency = AgencyFactory()
    response = client.post(
        "/admin/directory/agency/",
        {"action": "delete_selected", "_selected_action": [junk]},
    )
    assert response.status_code == 200
    assert "Pilih instansi untuk diubah" in response.content.decode()  # the list, no confirmation
    assert Agency.objects.filter(pk=agency.pk).exists()


def test_an_action_keeps_the_real_ids_among_junk(client, admin_user):
    client.force_login(admin_user)
    agency = AgencyFactory(name="Dinas Uji", acronym="Dinuji")
    response = client.post(
        "/admin/directory/agency/",
        {"action": "delete_selected", "_selected_action": ["①", str(agency.pk)]},
    )
    assert response.status_code == 200
    assert "Dinuji" in response.content.decode()  # the confirmation names the real one


@pytest.mark.parametrize(
    "query",
    [
        {"at__year": "2147483648"},
        {"at__year": "9999"},
        {"at__year": "9999", "at__month": "12"},
        {"at__year": "9999", "at__month": "12", "at__day": "31"},
        {"at__year": "2026", "at__month": "13"},
        {"at__year": "①"},
    ],
)
def test_a_date_hierarchy_beyond_the_calendar_says_the_filter_is_wrong(client, admin_user, query):
    client.force_login(admin_user)
    response = client.get("/admin/core/activitylog/", query)
    assert response.status_code == 302
    assert response.url == "/admin/core/activitylog/?e=1"


def test_a_date_hierarchy_whose_next_month_exists_still_lists(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/core/activitylog/", {"at__year": "9999", "at__month": "11"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/admin/directory/contact/", {"legal_basis_date__year": "10000"}),
        ("/admin/directory/teamdecree/", {"decree_date__year": "0"}),
        ("/admin/accounts/user/", {"date_joined__year": "10000"}),
        ("/admin/core/activitylog/", {"at__year__gt": "10000"}),
        ("/admin/core/activitylog/", {"at__iso_year": "0"}),
        ("/admin/directory/agency/", {"name__regex": "["}),
        ("/admin/directory/agency/", {"name__iregex": "(("}),
        ("/admin/directory/agency/export/", {"name__regex": "["}),
        # Django's own "wrong filter" mark does not switch the filter off.
        ("/admin/accounts/user/", {"e": "1", "date_joined__year": "10000"}),
        ("/admin/directory/agency/", {"e": "1", "name__regex": "["}),
    ],
)
def test_a_list_filtered_by_a_lookup_that_fails_in_the_query_says_the_filter_is_wrong(
    client, admin_user, url, query
):
    # Django allows any lookup on a model's own fields; these failed only as the query was
    # written or run, past the admin's own check: a 500.
    AgencyFactory()
    client.force_login(admin_user)
    response = client.get(url, query)
    assert response.status_code == 302
    assert response.url == f"{url}?e=1"
    assert client.get(response.url).status_code == 200


def test_a_popup_list_with_a_bad_lookup_stays_a_popup(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/admin/directory/agency/", {"_popup": "1", "name__regex": "["})
    assert response.url == "/admin/directory/agency/?_popup=1&e=1"


def test_a_good_lookup_still_filters_the_list(client, admin_user):
    AgencyFactory(name="Dinas Sosial"), AgencyFactory(name="Polres Jombang")
    client.force_login(admin_user)
    page = client.get("/admin/directory/agency/", {"name__startswith": "Polres"}).content.decode()
    assert "Polres Jombang" in page and "Dinas Sosial" not in page


def test_the_admin_signs_in_through_the_portals_own_page(client, petugas):
    # Django's admin form let a 256-character name through to the lockout log: a 500.
    response = client.get("/admin/login/", {"next": "/admin/directory/agency/"})
    assert response.status_code == 302
    assert response.url == "/akun/masuk/?next=/admin/directory/agency/"
    long_name = client.post("/admin/login/", {"username": "x" * 256, "password": "a"})
    assert long_name.status_code == 302 and long_name.url.startswith("/akun/masuk/")
    # Signed in without admin access: refused, not sent to sign in again (a loop).
    client.force_login(petugas)
    assert client.get("/admin/login/", {"next": "/admin/"}).status_code == 403


def test_an_administrator_signed_in_already_goes_on_from_the_sign_in_link(client, admin_user):
    client.force_login(admin_user)
    for next_url, landing in [
        (None, "/admin/"),
        ("/admin/directory/agency/", "/admin/directory/agency/"),
        ("https://elsewhere.example/", "/admin/"),  # never away from the portal
    ]:
        query = {"next": next_url} if next_url else {}
        response = client.get("/admin/login/", query)
        assert (response.status_code, response.url) == (302, landing)
        assert "no-cache" in response["Cache-Control"]
