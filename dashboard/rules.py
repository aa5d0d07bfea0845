"""Who sees which part of the dashboard, the hotspots, the map and the notifications.

Views and templates ask `user.has_perm("dashboard.<name>")`; only this module knows which roles
hold each permission (django-rules)."""

import rules

from accounts.choices import Role


@rules.predicate
def is_petugas(user):
    return user.is_authenticated and user.has_role(Role.PETUGAS)


@rules.predicate
def is_sekretariat(user):
    return user.is_authenticated and user.has_role(Role.SEKRETARIAT)


@rules.predicate
def is_pimpinan(user):
    return user.is_authenticated and user.has_role(Role.PIMPINAN)


@rules.predicate
def is_admin(user):
    return user.is_authenticated and user.has_role(Role.ADMIN)


@rules.predicate
def has_agency(user):
    return user.is_authenticated and user.agency_id is not None


has_any_role = is_petugas | is_sekretariat | is_pimpinan | is_admin

# The leadership's situation panel: open reports by risk, events year on year, state of
# conflict, the plan's achievement and late agencies, dialogues held.
rules.add_perm("dashboard.view_situation", is_pimpinan)
# The secretariat's work queue: verification, first handling steps, period deadline, overdue.
rules.add_perm("dashboard.view_work_queue", is_sekretariat)
# The field officer's panel: the Lapor button, own reports, rejected ones.
rules.add_perm("dashboard.view_own_reports", is_petugas)
# An agency operator's panel: activities due this period, realisations returned.
rules.add_perm("dashboard.view_agency_tasks", is_petugas & has_agency)
# Hotspots and map show only what the user may see (visible_to); every role may open them.
rules.add_perm("dashboard.view_hotspots", has_any_role)
rules.add_perm("dashboard.view_map", has_any_role)
# Notifications are personal: every signed-in user reads their own.
rules.add_perm("dashboard.view_notifications", rules.is_authenticated)
# The plan's figures (achievement, absorption, overdue): those who run or lead the plan.
rules.add_perm("dashboard.view_plan_figures", is_sekretariat | is_pimpinan | is_admin)
# Directory counts and the administration shortcut.
rules.add_perm("dashboard.view_admin_panel", is_admin)
