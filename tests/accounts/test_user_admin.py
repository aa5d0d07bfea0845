"""User administration: a role column and one role picker instead of raw permission rows."""

import pytest
from django.contrib.auth.models import Group

from accounts.models import User
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
    assert 'value="petugas" checked' in page or 'value="petugas"\n' not in page


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


def test_new_user_gets_the_chosen_role(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "baru",
            "usable_password": "true",
            "password1": "Sandi-Kuat-2025!",
            "password2": "Sandi-Kuat-2025!",
            "first_name": "Petugas",
            "last_name": "Baru",
            "roles": ["petugas"],
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.get(username="baru").roles == {"petugas"}


def test_user_list_has_a_role_column_with_pinned_queries(
    client, admin_user, roles, django_assert_num_queries
):
    for index in range(15):
        UserFactory(username=f"petugas{index}", roles=["petugas"])
    UserFactory(username="ganda", roles=["sekretariat", "pimpinan"])
    client.force_login(admin_user)
    # session, user, permissions x2, filter choices (groups, kecamatan), counts x2, rows, the
    # rows' groups in one query, the viewer's roles, the session's expiry moved on
    with django_assert_num_queries(12):
        response = client.get("/admin/accounts/user/")
    page = response.content.decode()
    assert "Peran" in page or "peran" in page
    assert "Sekretariat, Pimpinan" in page
    assert page.count(">Petugas<") >= 15


def test_password_page_warns_in_indonesian(client, admin_user, petugas):
    client.force_login(admin_user)
    page = client.get(f"/admin/accounts/user/{petugas.pk}/password/").content.decode()
    assert "Bila dinonaktifkan, sandi pengguna ini yang sekarang akan hilang." in page
    assert "If disabled" not in page


@pytest.mark.parametrize("persona", ["petugas", "sekretariat", "pimpinan"])
def test_only_administrators_manage_users(client, personas, persona):
    client.force_login(personas[persona])
    for url in ("/admin/accounts/user/", "/admin/accounts/user/add/"):
        assert client.get(url).status_code in (302, 403)
