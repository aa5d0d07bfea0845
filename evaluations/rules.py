"""Who may do what with the evaluation (django-rules). Views, services and templates ask for
these named permissions; the roles come from accounts.rules."""

import rules

from accounts.rules import is_leader, is_secretariat


@rules.predicate
def is_draft(user, evaluation):
    # Without an object (a menu link, an evaluation not created yet) the question is whether
    # the user may at all.
    return evaluation is None or not evaluation.is_final


# The leadership reads; the secretariat also scores, finalises and records the province's
# result. Field officers, agency operators and administrators see none of it.
rules.add_perm("evaluations.view_evaluation", is_secretariat | is_leader)
rules.add_perm("evaluations.score_evaluation", is_secretariat & is_draft)
rules.add_perm("evaluations.finalise_evaluation", is_secretariat & is_draft)
# The province's result arrives months after the period: recorded on final ones too.
rules.add_perm("evaluations.record_province_result", is_secretariat)
rules.add_perm("evaluations.change_framework", is_secretariat)
# Working the computed indicators out again now (costly at scale: the secretariat only).
rules.add_perm("evaluations.refresh_results", is_secretariat)
