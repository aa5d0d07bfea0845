"""Writes on user accounts."""

from django.contrib.auth.models import Group
from django.db import transaction

from accounts.choices import Role
from accounts.models import User
from core.services import log_action


@transaction.atomic
def user_set_roles(*, user: User, roles: list[str], by: User) -> None:
    """Give `user` exactly these roles (Groups named after `Role`); other groups stay as they
    are. A change is logged with what was added and removed."""
    wanted = set(roles) & set(Role.values)
    current = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
    added, removed = sorted(wanted - current), sorted(current - wanted)
    if not (added or removed):
        return
    user.groups.remove(*Group.objects.filter(name__in=removed))
    user.groups.add(*Group.objects.filter(name__in=added))
    user.__dict__.pop("roles", None)  # the cached role set is stale now
    log_action(actor=by, action="accounts.user.roles", obj=user, added=added, removed=removed)
