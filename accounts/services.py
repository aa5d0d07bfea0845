"""Writes on user accounts: roles, password reset requests (throttled) and reset links issued
by an admin."""

import enum
from datetime import timedelta

import pghistory
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.choices import Role
from accounts.models import User
from core.models import ActivityLog
from core.services import log_action, require_perm
from core.utils import lock_for_transaction

RESET_REQUEST = "accounts.password_reset.request"
RESET_DONE = "accounts.password_reset.done"
RESET_LINK_ISSUED = "accounts.password_reset.link_issued"

# Reset emails per hour: to one address (nobody's inbox is flooded), and from one client
# address (nobody tries many addresses).
RESETS_PER_ADDRESS = 3
RESETS_PER_CLIENT = 10
WINDOW = timedelta(hours=1)
# A second request for one address within this time is the same request sent twice.
REPEAT_WINDOW = timedelta(minutes=1)


def email_digest(email: str) -> str:
    # The log keeps a keyed digest, not whatever address was typed (it may belong to nobody
    # here): a plain SHA-256 could be tested against any known address by whoever reads the
    # log; this one only with the site's secret key.
    return salted_hmac(
        "accounts.password_reset.email", email.strip().lower(), algorithm="sha256"
    ).hexdigest()


class ResetRequest(enum.Enum):
    SEND = "send"  # recorded: send the email
    JUST_SENT = "just_sent"  # the same address a moment ago (a double tap): nothing to send
    TOO_MANY = "too_many"  # this address or this client asked too often within the hour


@transaction.atomic
def password_reset_request(*, email: str, ip: str | None) -> ResetRequest:
    """Record a request for a reset email, unless this address asked within the last minute
    (the form sent twice: one email is enough, and the hour's limit is not used up) or this
    address or this client already asked too often within the hour. Kept in the database, so
    the limit holds across app servers; requests for one address or from one client count and
    record in turn, so many sent at once cannot all pass the count before any is recorded."""
    digest = email_digest(email)
    lock_for_transaction(
        f"password-reset:email:{digest}", *([f"password-reset:ip:{ip}"] if ip else [])
    )
    now = timezone.now()
    recent = ActivityLog.objects.filter(action=RESET_REQUEST, at__gte=now - WINDOW)
    if recent.filter(data__email=digest, at__gte=now - REPEAT_WINDOW).exists():
        return ResetRequest.JUST_SENT
    if recent.filter(data__email=digest).count() >= RESETS_PER_ADDRESS:
        return ResetRequest.TOO_MANY
    if ip and recent.filter(data__ip=ip).count() >= RESETS_PER_CLIENT:
        return ResetRequest.TOO_MANY
    log_action(actor=None, action=RESET_REQUEST, email=digest, ip=ip)
    return ResetRequest.SEND


def password_reset_path(user) -> str:
    """The path of a link that sets `user`'s password; it stops working once used (the token
    depends on the password and the last sign-in) or after PASSWORD_RESET_TIMEOUT."""
    return reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def password_reset_link_issue(*, user, by) -> str:
    """An administrator hands `user` a reset link in person (no email needed)."""
    require_perm(by, "accounts.manage_account", user)
    log_action(actor=by, action=RESET_LINK_ISSUED, obj=user)
    return password_reset_path(user)


def password_reset_done(*, user, ip: str | None) -> None:
    log_action(actor=user, action=RESET_DONE, obj=user, ip=ip)


@transaction.atomic
def user_set_roles(*, user: User, roles: list[str], by: User) -> None:
    """Give `user` exactly these roles (Groups named after `Role`); other groups stay as they
    are. A change is logged with what was added and removed."""
    require_perm(by, "accounts.change_account_access", user)
    wanted = set(roles) & set(Role.values)
    current = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
    added, removed = sorted(wanted - current), sorted(current - wanted)
    if not (added or removed):
        return
    # The membership triggers record each added and removed role with the acting user.
    with pghistory.context(user=by.pk):
        user.groups.remove(*Group.objects.filter(name__in=removed))
        user.groups.add(*Group.objects.filter(name__in=added))
    user.__dict__.pop("roles", None)  # the cached role set is stale now
    log_action(actor=by, action="accounts.user.roles", obj=user, added=added, removed=removed)
