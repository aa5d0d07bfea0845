"""Who may do what with the Integrated Action Plan (RAT)."""

import rules

from accounts.rules import is_admin, is_agency_member, is_leader, is_secretariat


@rules.predicate
def is_responsible_operator(user, activity) -> bool:
    """The user works for the agency responsible for the activity (supporting is not enough),
    whatever their role."""
    agency_id = getattr(user, "agency_id", None)
    return activity is not None and bool(agency_id) and agency_id == activity.responsible_agency_id


@rules.predicate
def is_realisation_operator(user, realisation) -> bool:
    return realisation is not None and is_responsible_operator(user, realisation.activity)


# The secretariat, leadership and admins read the whole plan, its revisions included; anyone else
# working for an agency reads only the activities their agency is responsible for.
reads_whole_plan = is_secretariat | is_leader | is_admin

rules.add_perm("action_plans.read_whole_plan", reads_whole_plan)
rules.add_perm("action_plans.view_own_activities", is_agency_member)
rules.add_perm("action_plans.change_plan", is_secretariat)
# Reported by the responsible agency, through whoever works for it: a secretariat member of
# Bakesbangpol reports Bakesbangpol's activities like any agency's operator. The secretariat does
# not enter other agencies' reports (it reviews and returns them).
rules.add_perm("action_plans.report_realisation", is_agency_member & is_responsible_operator)
rules.add_perm("action_plans.return_realisation", is_secretariat)
# Missing data dukung may be attached to a realisation without reopening it.
rules.add_perm(
    "action_plans.add_realisation_evidence",
    is_secretariat | (is_agency_member & is_realisation_operator),
)
