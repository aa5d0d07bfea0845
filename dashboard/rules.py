"""Which panels of the dashboard a user sees: one per role they hold."""

import rules

from accounts.rules import is_admin, is_leader, is_petugas, is_secretariat

rules.add_perm("dashboard.view_field_panel", is_petugas)
rules.add_perm("dashboard.view_secretariat_panel", is_secretariat)
rules.add_perm("dashboard.view_leadership_panel", is_leader)
rules.add_perm("dashboard.view_admin_panel", is_admin)
