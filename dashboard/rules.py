"""Who sees which part of the dashboard, the hotspots, the map and the notifications, and who is
told of what. Views and templates ask `user.has_perm("dashboard.<name>")`; the notification
services ask for the audience of a permission (`AUDIENCES`)."""

import rules

from accounts.choices import Role
from accounts.rules import (
    is_admin,
    is_agency_member,
    is_leader,
    is_petugas,
    is_secretariat,
)
from core.rules import is_task_force_member

# One panel per role held.
# Field officer: the Lapor button, own reports, rejected ones.
rules.add_perm("dashboard.view_field_panel", is_petugas)
# Secretariat: verification queue, first handling steps, period deadline, overdue by agency.
rules.add_perm("dashboard.view_secretariat_panel", is_secretariat)
# Leadership: open reports by risk, events year on year, hotspots, state of conflict, the plan's
# achievement and late agencies, dialogues held.
rules.add_perm("dashboard.view_leadership_panel", is_leader)
# Directory counts and the administration shortcut.
rules.add_perm("dashboard.view_admin_panel", is_admin)
# Anyone working for an agency, whatever the role: its activities due, realisations returned.
rules.add_perm("dashboard.view_agency_tasks", is_agency_member)
# The plan's figures (achievement, absorption, overdue): those who run or lead the plan.
rules.add_perm("dashboard.view_plan_figures", is_secretariat | is_leader | is_admin)
# Hotspots and the map show only what the user may see (visible_to): every member may open them.
rules.add_perm("dashboard.view_hotspots", is_task_force_member)
rules.add_perm("dashboard.view_map", is_task_force_member)
# Notifications are personal: every signed-in user reads their own.
rules.add_perm("dashboard.view_notifications", rules.is_authenticated)

# Who is told of what.
rules.add_perm("dashboard.receive_high_risk_alerts", is_secretariat)
rules.add_perm("dashboard.receive_readiness_gaps", is_secretariat)
rules.add_perm("dashboard.receive_realisation_reminders", is_agency_member)

# The Groups to look for each audience's candidates in the database; the permission above then
# decides for each candidate (so a rule change narrows the audience without touching services).
AUDIENCES = {
    "dashboard.receive_high_risk_alerts": [Role.SEKRETARIAT],
    "dashboard.receive_readiness_gaps": [Role.SEKRETARIAT],
    # Whoever works for the agency, in any role (a secretariat member of Bakesbangpol too).
    "dashboard.receive_realisation_reminders": Role.values,
}
