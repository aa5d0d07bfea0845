"""User administration: a role column and one role picker instead of raw permission rows."""

import html
import re

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied

from accounts.models import User
from accounts.services import password_reset_link_issue, user_set_roles
from accounts.two_factor import two_factor_reset
from core.models import ActivityLog
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def change_data(client, user, **changes):
    """The change form's current values as a browser would post them, with `changes`."""
    form = client.get(f"/admin/accounts/user/{user.pk}/change/").context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form.initial.get(name, field.initial)
        if name in ("last_login", "date_joined"):
            data[f"{name}_0"] = value.strftime("%d/%m/%Y") if value else ""
            data[f"{name}_1"] = value.strftime("%H:%M:%S") if value else ""
            continue
        if value is None:
            value = ""
        if hasattr(value, "pk"):
            value = value.pk
        data[name] = value
    data.update(changes)
    return {k: v for k, v in data.items() if v is not False}


def test_change_page_offers_one_role_picker_not_raw_permissions(client, admin_user, petugas):
    client.force_login(admin_user)
    page = client.get(f"/admin/accounts/user/{petugas.pk}/change/").content.decode()

    assert 'name="roles"' in page
    assert page.count('type="checkbox" name="roles"') == 4
    assert 'name="user_permissions"' not in page and 'name="groups"' not in page
    ticked = set(re.findall(r'name="roles" value="(\w+)"[^>]*\bchecked', page))
    assert ticked == {"petugas"}


def test_choosing_roles_sets_the_groups_and_is_logged(client, admin_user, petugas):
    client.force_login(admin_user)
    response = client.post(
        f"/admin/accounts/user/{petugas.pk}/change/",
        change_data(client, petugas, roles=["sekretariat", "pimpinan"]),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors

    names = set(User.objects.get(pk=petugas.pk).groups.values_list("name", flat=True))
    assert names == {"sekretariat", "pimpinan"}
    entry = ActivityLog.objects.get(action="accounts.user.roles")
    assert entry.data == {"added": ["pimpinan", "sekretariat"], "removed": ["petugas"]}
    assert entry.actor == admin_user


def test_other_groups_survive_a_role_change(client, admin_user, petugas):
    extra = Group.objects.create(name="uji-khusus")
    petugas.groups.add(extra)
    client.force_login(admin_user)
    client.post(
        f"/admin/accounts/user/{petugas.pk}/change/",
        change_data(client, petugas, roles=["pimpinan"]),
    )
    assert set(petugas.groups.values_list("name", flat=True)) == {"uji-khusus", "pimpinan"}


# The add form as an administrator fills it for a new field officer.
NEW_USER = {
    "username": "baru",
    "usable_password": "true",
    "password1": "Sandi-Kuat-2025!",
    "password2": "Sandi-Kuat-2025!",
    "first_name": "Petugas",
    "last_name": "Baru",
    "roles": ["petugas"],
}


def test_new_user_gets_the_chosen_role(client, admin_user):
    client.force_login(admin_user)
    response = client.post("/admin/accounts/user/add/", NEW_USER)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.get(username="baru").roles == {"petugas"}


def test_user_list_has_a_role_column_with_pinned_queries(
    client, admin_user, roles, django_assert_num_queries
):
    for index in range(15):
        UserFactory(username=f"petugas{index}", roles=["petugas"])
    UserFactory(username="ganda", roles=["sekretariat", "pimpinan"])
    client.force_login(admin_user)
    # session, user, permissions x2, filter choices (kecamatan), counts x2, rows, the rows'
    # groups in one query, the viewer's roles, the session's expiry moved on
    with django_assert_num_queries(11):
        response = client.get("/admin/accounts/user/")
    page = response.content.decode()
    assert "Peran" in page or "peran" in page
    assert "Sekretariat, Pimpinan" in page
    assert page.count(">Petugas<") >= 15
    # The role filter names roles as the column does, not by their group names.
    assert '<a href="?peran=petugas">Petugas</a>' in page
    assert ">petugas</a>" not in page
    filtered = client.get("/admin/accounts/user/", {"peran": "sekretariat"}).content.decode()
    assert "ganda" in filtered and "petugas0" not in filtered


def test_password_page_warns_in_indonesian(client, admin_user, petugas):
    client.force_login(admin_user)
    page = client.get(f"/admin/accounts/user/{petugas.pk}/password/").content.decode()
    assert "Bila dinonaktifkan, sandi pengguna ini yang sekarang akan hilang." in page
    assert "If disabled" not in page


@pytest.mark.parametrize("persona", ["petugas", "sekretariat", "pimpinan"])
def test_only_administrators_manage_users(client, personas, persona):
    # Given admin access (staff), a role without the user permissions is still refused.
    user = personas[persona]
    User.objects.filter(pk=user.pk).update(is_staff=True)
    client.force_login(user)
    for url in ("/admin/accounts/user/", "/admin/accounts/user/add/"):
        assert client.get(url).status_code == 403


def test_an_administrator_cannot_raise_their_own_access(client, admin_user, kecamatan, agency):
    # Superuser status skips every rule; clearance opens restricted reports. Both were ticked
    # on one's own page and saved; so could one's own roles be dropped, locking the last
    # administrator out, and a kecamatan-scoped administrator's kecamatan be cleared.
    admin_user.kecamatan = kecamatan
    admin_user.save()
    client.force_login(admin_user)
    url = f"/admin/accounts/user/{admin_user.pk}/change/"
    page = client.get(url).content.decode()
    for field in (
        "is_superuser",
        "cleared_restricted",
        "is_active",
        "is_staff",
        "roles",
        "agency",
        "kecamatan",
    ):
        assert f'name="{field}"' not in page, field
    assert "Administrator" in page  # the roles, shown
    # Shown read-only, yes/no in Indonesian (Django's icon text is the English True/False).
    assert 'alt="False"' not in page and 'alt="True"' not in page
    assert re.search(
        r'<label>Status superuser:</label>\s*<div class="readonly"><img [^>]*alt="Tidak"', page
    )

    data = change_data(client, admin_user, first_name="Adi")
    data |= {
        "is_superuser": "on",
        "cleared_restricted": "on",
        "roles": ["sekretariat"],
        "is_active": "",
        "kecamatan": "",
        "agency": agency.pk,
    }
    response = client.post(url, data)

    assert response.status_code == 302
    admin_user.refresh_from_db()
    assert admin_user.first_name == "Adi"
    assert not admin_user.is_superuser and not admin_user.cleared_restricted
    assert admin_user.is_active and admin_user.is_staff
    assert (admin_user.kecamatan, admin_user.agency) == (kecamatan, None)
    assert set(admin_user.groups.values_list("name", flat=True)) == {"admin"}


def test_an_administrator_clears_another_user_but_makes_no_superuser(client, admin_user, petugas):
    client.force_login(admin_user)
    url = f"/admin/accounts/user/{petugas.pk}/change/"
    assert 'name="is_superuser"' not in client.get(url).content.decode()
    data = change_data(client, petugas, cleared_restricted="on", is_superuser="on")
    assert client.post(url, data).status_code == 302
    petugas.refresh_from_db()
    assert petugas.cleared_restricted and not petugas.is_superuser


def test_a_superusers_account_is_shown_not_changed_to_an_administrator(client, admin_user, petugas):
    owner = UserFactory(username="pemilik", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    url = f"/admin/accounts/user/{owner.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="username"' not in page and "pemilik" in page
    # No button to the password page that refuses this administrator.
    assert "../password/" not in page
    assert client.post(url, {"username": "diambil"}).status_code == 403
    assert client.get(f"/admin/accounts/user/{owner.pk}/password/").status_code == 403
    for action, selected in [
        ("issue_password_reset_link", [owner.pk]),
        ("reset_two_factor", [owner.pk, petugas.pk]),
    ]:
        response = client.post(
            "/admin/accounts/user/",
            {"action": action, "_selected_action": selected},
            follow=True,
        )
        assert "Akun superuser hanya dapat dikelola oleh superuser." in response.content.decode()
    assert not ActivityLog.objects.filter(object_id=str(owner.pk)).exists()
    owner.refresh_from_db()
    assert owner.username == "pemilik"


def test_a_superuser_makes_a_superuser(client, admin_user):
    owner = UserFactory(username="pemilik", is_staff=True, is_superuser=True)
    client.force_login(owner)
    url = f"/admin/accounts/user/{admin_user.pk}/change/"
    assert client.post(url, change_data(client, admin_user, is_superuser="on")).status_code == 302
    admin_user.refresh_from_db()
    assert admin_user.is_superuser


def test_the_services_refuse_what_the_pages_refuse(admin_user, petugas):
    owner = UserFactory(username="pemilik", is_superuser=True)
    with pytest.raises(PermissionDenied):
        user_set_roles(user=admin_user, roles=[], by=admin_user)
    with pytest.raises(PermissionDenied):
        two_factor_reset(user=owner, by=admin_user)
    with pytest.raises(PermissionDenied):
        password_reset_link_issue(user=owner, by=admin_user)
    with pytest.raises(PermissionDenied):
        user_set_roles(user=admin_user, roles=["admin"], by=petugas)
    user_set_roles(user=petugas, roles=["pimpinan"], by=admin_user)
    assert petugas.roles == {"pimpinan"}


def test_a_change_saved_meanwhile_is_not_undone_by_a_page_opened_before_it(
    client, admin_user, petugas
):
    # One administrator deactivates a leaver and takes the role away; another, on a page opened
    # before, fixes the last name: the whole form went back and the leaver was active again.
    colleague = UserFactory(username="admin2", is_staff=True, roles=["admin"])
    client.force_login(admin_user)
    url = f"/admin/accounts/user/{petugas.pk}/change/"
    stale = change_data(client, petugas, last_name="Diperbaiki")
    client.force_login(colleague)
    off = change_data(client, petugas, is_active=False, roles=[])
    assert client.post(url, off).status_code == 302

    client.force_login(admin_user)
    response = client.post(url, stale)

    assert response.status_code == 200
    page = " ".join(html.unescape(response.content.decode()).split())
    assert (
        "Pengguna ini diubah orang lain sejak Anda membukanya: Aktif: Ya → Tidak; "
        "Peran: Petugas → —." in page
    )
    assert 'value="Diperbaiki"' in page  # what was typed is kept
    petugas.refresh_from_db()
    assert not petugas.is_active and petugas.roles == set() and petugas.last_name != "Diperbaiki"
    # Sent again from the page that said so, it saves knowingly.
    again = {**stale, "opened": response.context["adminform"].form["opened"].value()}
    assert client.post(url, again).status_code == 302
    petugas.refresh_from_db()
    assert petugas.last_name == "Diperbaiki" and petugas.is_active


def test_renaming_the_users_agency_meanwhile_is_no_change_of_the_user(
    client, admin_user, petugas, agency
):
    # The page compared the agency by its name: renamed in another tab, the user's own save
    # was refused as "changed meanwhile" though nothing of the user had changed.
    User.objects.filter(pk=petugas.pk).update(agency=agency)
    client.force_login(admin_user)
    url = f"/admin/accounts/user/{petugas.pk}/change/"
    stale = change_data(client, petugas, last_name="Diperbaiki")
    type(agency).objects.filter(pk=agency.pk).update(name="Nama Baru", acronym="BARU")

    assert client.post(url, stale).status_code == 302
    petugas.refresh_from_db()
    assert petugas.last_name == "Diperbaiki" and petugas.agency == agency


def test_an_administrator_scoped_to_a_kecamatan_gives_no_wider_reach(
    client, admin_user, petugas, petugas_unscoped, kecamatan, other_kecamatan
):
    # Locked out of their own scope, a kecamatan-scoped administrator could still make an
    # unscoped account (or one of another kecamatan), or widen a colleague's.
    admin_user.kecamatan = kecamatan
    admin_user.save()
    client.force_login(admin_user)
    listed = client.get("/admin/accounts/user/").content.decode()
    assert petugas.username in listed and petugas_unscoped.username not in listed
    assert client.get(f"/admin/accounts/user/{petugas_unscoped.pk}/change/").status_code == 302

    new = NEW_USER
    for kecamatan_given in ("", other_kecamatan.pk):
        refused = client.post("/admin/accounts/user/add/", {**new, "kecamatan": kecamatan_given})
        assert refused.status_code == 200
        assert refused.context["adminform"].form.errors["kecamatan"]
    assert (
        client.post("/admin/accounts/user/add/", {**new, "kecamatan": kecamatan.pk}).status_code
        == 302
    )
    assert User.objects.get(username="baru").kecamatan == kecamatan

    url = f"/admin/accounts/user/{petugas.pk}/change/"
    refused = client.post(url, change_data(client, petugas, kecamatan=""))
    assert refused.status_code == 200
    petugas.refresh_from_db()
    assert petugas.kecamatan == kecamatan
