"""The base of the authorization layer (django-rules).

Every action in the portal is a named permission (`incidents.verify_incident`, …) decided by
predicates in its app's `rules.py` and checked with `user.has_perm(perm, obj)`. Role names appear
only in those files. Roles themselves are the Groups the user belongs to (`User.roles`), so this
bottom layer speaks of them generically; `accounts.rules` names them.
"""

import rules


def holds_role(name: str) -> rules.Predicate:
    """A predicate true for users holding the role (Group) `name`."""

    def check(user) -> bool:
        return name in getattr(user, "roles", ())

    return rules.Predicate(check, name=f"holds_{name}")


@rules.predicate
def holds_any_role(user) -> bool:
    return bool(getattr(user, "roles", ()))


@rules.predicate
def is_regency_wide(user) -> bool:
    """Not scoped to one kecamatan: sees the whole regency (what its roles let it see). Here,
    below the directory, so the directory's own rules can ask it too."""
    return not getattr(user, "kecamatan_id", None)


# Deny by default: a signed-in account without a role sees no data at all (issue 13 item 7).
# Superusers are the portal's technical owners and are members without a Group.
is_task_force_member = rules.is_superuser | holds_any_role

rules.add_perm("core.access_portal", is_task_force_member)
