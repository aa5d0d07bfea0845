"""The four roles as predicates. The only place outside migrations and tests
that names a role: every other module asks `user.has_perm(...)` for a named permission."""

import rules

from accounts.choices import Role
from core.rules import holds_role, is_regency_wide, is_task_force_member

is_petugas = holds_role(Role.PETUGAS)
is_secretariat = holds_role(Role.SEKRETARIAT)
is_leader = holds_role(Role.PIMPINAN)
# Superusers are the portal's technical owners: administrators without the Group.
is_admin = rules.is_superuser | holds_role(Role.ADMIN)


@rules.predicate
def has_agency(user) -> bool:
    return bool(getattr(user, "agency_id", None))


@rules.predicate
def is_cleared_restricted(user) -> bool:
    return bool(getattr(user, "cleared_restricted", False))


# Field officers and the secretariat file reports of conflict.
is_reporter = is_petugas | is_secretariat
# Works for an agency, whatever the role: reports the RAT realisations of the activities that
# agency is responsible for. Most are the agency's field officers (its operators), but the
# secretariat's own agency (Bakesbangpol) is responsible for activities too, reported by its
# secretariat staff, and an office of the leadership may be.
is_agency_member = is_task_force_member & has_agency
# `terbatas` (restricted) records: secretariat, leadership and individually cleared users.
may_see_restricted = is_secretariat | is_leader | is_cleared_restricted
# Every report there is: restricted ones, in every kecamatan.
sees_every_report = may_see_restricted & is_regency_wide


# Two-factor login (TOTP) is required of those who manage accounts, verify reports or read
# restricted ones (leadership, cleared officers); anyone else may turn it on
# (accounts.middleware.TwoFactorRequiredMiddleware).
rules.add_perm("accounts.require_two_factor", is_admin | may_see_restricted)


# --- managing accounts (the admin's user pages) ------------------------------------------------


@rules.predicate
def is_self(user, account) -> bool:
    return account is not None and user.pk == account.pk


@rules.predicate
def is_superuser_account(user, account) -> bool:
    return bool(account is not None and account.is_superuser)


# An administrator manages other accounts; a superuser's only another superuser (an active
# superuser passes every rule, so taking over one would take over everything).
rules.add_perm("accounts.manage_account", is_admin & (rules.is_superuser | ~is_superuser_account))
# What an account may reach (roles, active, staff, restricted clearance): never one's own, so
# nobody grants themselves more, or locks the last administrator out by a slip.
rules.add_perm(
    "accounts.change_account_access",
    is_admin & ~is_self & (rules.is_superuser | ~is_superuser_account),
)
# Superuser status skips every rule above: only a superuser gives it.
rules.add_perm("accounts.grant_superuser", rules.is_superuser)
