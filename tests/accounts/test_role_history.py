"""Role memberships are history: who got or lost which role, when, and by whom, kept by the
database triggers on the user ↔ group link table and shown in the user's admin history."""

import pytest

from accounts.models import UserGroupEvent
from accounts.services import user_set_roles
from tests.accounts.test_user_admin import change_data

pytestmark = pytest.mark.django_db


def membership_events(user):
    return [
        (event.pgh_label, event.group.name, event.pgh_context.metadata.get("user"))
        for event in UserGroupEvent.objects.filter(user=user)
        .select_related("group", "pgh_context")
        .order_by("pgh_id")
    ]


def test_a_granted_and_a_revoked_role_are_recorded_with_the_actor(admin_user, petugas):
    UserGroupEvent.objects.all().delete()  # the persona's own setup

    user_set_roles(user=petugas, roles=["sekretariat"], by=admin_user)

    assert membership_events(petugas) == [
        ("delete", "petugas", admin_user.pk),
        ("insert", "sekretariat", admin_user.pk),
    ]


def test_a_role_change_in_the_admin_is_recorded_with_the_admin(client, admin_user, petugas):
    UserGroupEvent.objects.all().delete()
    client.force_login(admin_user)

    response = client.post(
        f"/admin/accounts/user/{petugas.pk}/change/",
        change_data(client, petugas, roles=["petugas", "pimpinan"]),
    )

    assert response.status_code == 302
    assert membership_events(petugas) == [("insert", "pimpinan", admin_user.pk)]


def test_the_user_history_page_shows_role_and_reach_changes_in_indonesian(
    client, admin_user, petugas, agency
):
    user_set_roles(user=petugas, roles=["pimpinan"], by=admin_user)
    client.force_login(admin_user)
    client.post(
        f"/admin/accounts/user/{petugas.pk}/change/",
        change_data(client, petugas, roles=["pimpinan"], agency=agency.pk),
    )

    page = client.get(f"/admin/accounts/user/{petugas.pk}/history/").content.decode()

    assert "Riwayat peran dan akses" in page
    assert "Peran diberikan: Pimpinan" in page
    assert "Peran dicabut: Petugas" in page
    assert f"instansi: – → {agency}" in page
    assert page.count("<td>admin</td>") >= 3


def test_the_history_of_a_user_without_changes_says_so(client, admin_user):
    UserGroupEvent.objects.all().delete()
    client.force_login(admin_user)

    page = client.get(f"/admin/accounts/user/{admin_user.pk}/history/").content.decode()

    assert "Akun dibuat" in page
    assert "Peran diberikan" not in page
