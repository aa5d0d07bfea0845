"""Who may do what with the Integrated Action Plan (RAT)."""

import rules

from accounts.rules import is_admin, is_agency_operator, is_leader, is_secretariat


@rules.predicate
def is_responsible_operator(user, activity) -> bool:
    """The user works for the agency responsible for the activity (supporting is not enough)."""
    agency_id = getattr(user, "agency_id", None)
    return activity is not None and bool(agency_id) and agency_id == activity.responsible_agency_id


# The secretariat, leadership and admins read the whole plan, its revisions included; an agency
# operator reads only the activities their agency is responsible for.
reads_whole_plan = is_secretariat | is_leader | is_admin

rules.add_perm("action_plans.read_whole_plan", reads_whole_plan)
rules.add_perm("action_plans.view_own_activities", is_agency_operator)
rules.add_perm("action_plans.change_plan", is_secretariat)
rules.add_perm("action_plans.report_realisation", is_agency_operator & is_responsible_operator)
rules.add_perm("action_plans.return_realisation", is_secretariat)
