"""Who may do what with the evaluation (django-rules). Views and templates ask for these named
permissions; no role name appears outside this module."""

import rules

from accounts.choices import Role


@rules.predicate
def is_secretariat(user):
    return user.is_authenticated and user.has_role(Role.SEKRETARIAT)


@rules.predicate
def is_leadership(user):
    return user.is_authenticated and user.has_role(Role.PIMPINAN)


@rules.predicate
def is_draft(user, evaluation):
    # Without an object (e.g. a menu link) the question is whether the user may at all.
    return evaluation is None or not evaluation.is_final


can_read = is_secretariat | is_leadership
rules.add_perm("evaluations.view_evaluation", can_read)
# The same question as a plain rule, for the menu: `{% test_rule %}` asks django-rules alone,
# while `user.has_perm` would fall through to the model backend's permission queries on every
# page of users who may not read the evaluation.
rules.add_rule("evaluations.view_evaluation", can_read)
rules.add_perm("evaluations.score_evaluation", is_secretariat & is_draft)
rules.add_perm("evaluations.finalise_evaluation", is_secretariat & is_draft)
# The province's result arrives months after the period; it is recorded on final ones too.
rules.add_perm("evaluations.record_province_result", is_secretariat)
rules.add_perm("evaluations.change_framework", is_secretariat)
