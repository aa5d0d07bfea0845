"""Which role gets which part of the dashboard: decided by the permissions in dashboard/rules.py."""

import pytest

from accounts.choices import Role
from tests.factories import AgencyFactory, UserFactory

MATRIX = {
    "dashboard.view_leadership_panel": {Role.PIMPINAN},
    "dashboard.view_secretariat_panel": {Role.SEKRETARIAT},
    "dashboard.view_field_panel": {Role.PETUGAS},
    "dashboard.view_plan_figures": {Role.SEKRETARIAT, Role.PIMPINAN, Role.ADMIN},
    "dashboard.view_admin_panel": {Role.ADMIN},
    "dashboard.view_hotspots": set(Role),
    "dashboard.view_map": set(Role),
    "dashboard.view_notifications": set(Role),
}


@pytest.mark.parametrize("perm", MATRIX)
def test_permission_matrix(personas, perm):
    for role, user in personas.items():
        assert user.has_perm(perm) == (role in MATRIX[perm]), (perm, role)


def test_agency_tasks_need_an_agency(roles):
    officer = UserFactory(username="lapangan", roles=[Role.PETUGAS])
    operator = UserFactory(
        username="operator", agency=AgencyFactory(name="Dinas Sosial"), roles=[Role.PETUGAS]
    )
    assert not officer.has_perm("dashboard.view_agency_tasks")
    assert operator.has_perm("dashboard.view_agency_tasks")


def test_an_account_without_role_gets_only_its_notifications(roles):
    user = UserFactory(username="tanpa-peran")
    assert user.has_perm("dashboard.view_notifications")
    assert not any(user.has_perm(perm) for perm in MATRIX if perm != "dashboard.view_notifications")
