"""User administration: a reset link is not issued for a disabled account, a superuser's role
column says so, and the history shows a disabled account and a removed scope readably."""

import pghistory
import pytest
from django.urls import reverse

from core.models import ActivityLog
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_no_reset_link_for_a_disabled_account(client, admin_user, petugas):
    petugas.is_active = False
    petugas.save()
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "issue_password_reset_link", "_selected_action": [petugas.pk]},
        follow=True,
    )

    assert "Akun ini tidak aktif: aktifkan dulu." in response.text
    assert 'data-testid="reset-link"' not in response.text
    assert not ActivityLog.objects.filter(action__contains="reset").exists()


def test_a_superuser_is_listed_with_all_access(client, admin_user):
    UserFactory(username="pemilik", is_superuser=True, is_staff=True)
    client.force_login(admin_user)

    page = client.get(reverse("admin:accounts_user_changelist")).content.decode()

    assert "superuser (semua akses)" in page


def test_the_history_shows_a_disabled_account_and_a_removed_scope(client, admin_user, petugas):
    with pghistory.context(user=admin_user.pk):
        petugas.is_active = False
        petugas.kecamatan = None
        petugas.save()
    client.force_login(admin_user)

    page = client.get(f"/admin/accounts/user/{petugas.pk}/history/").content.decode()

    assert "ya → tidak" in page  # active: yes → no
    assert "Diwek → –" in page  # the kecamatan scope removed
