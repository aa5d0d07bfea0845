"""Writes of the dashboard app: creating notifications and sending them by email."""

import logging
import smtplib
from datetime import timedelta

from axes.models import AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.imports import purge_kept_imports
from core.services import submission_purge
from dashboard.models import Notification, NotificationKind, NotificationPreference
from dashboard.rules import AUDIENCES

logger = logging.getLogger(__name__)


def audience(perm: str, **filters) -> list:
    """The active users holding `perm` (a `dashboard.receive_*` permission), narrowed by
    `filters` (e.g. agency=...): candidates by Group in one query, then the permission decides."""
    candidates = (
        get_user_model()
        .objects.filter(is_active=True, groups__name__in=AUDIENCES[perm], **filters)
        .distinct()
    )
    return [user for user in candidates if user.has_perm(perm)]


def notify(*, recipients, kind: str, key: str, message: str, url: str = "") -> list[Notification]:
    """Create the notification for each recipient who has not had this event (`key`) yet, and
    return the new ones. Re-running with the same key creates nothing (the unique constraint
    also guards two runs at the same moment)."""
    recipients = {user.pk: user for user in recipients if user.is_active}
    if not recipients:
        return []
    already = set(
        Notification.objects.filter(key=key, recipient_id__in=recipients).values_list(
            "recipient_id", flat=True
        )
    )
    new = [
        Notification(recipient=user, kind=kind, key=key, message=message[:300], url=url)
        for pk, user in recipients.items()
        if pk not in already
    ]
    if not new:
        return []
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    # Read back with their ids (rows a concurrent run inserted first are not ours to send).
    return list(
        Notification.objects.filter(
            key=key, recipient_id__in=[n.recipient_id for n in new], emailed_at__isnull=True
        ).select_related("recipient")
    )


def deliver(notifications) -> int:
    """Email the notifications whose recipient has an address and has not turned email off.
    Returns how many emails were sent."""
    # An account closed since the notification was made (an owed email retried a day later)
    # gets nothing more.
    wanted = [
        n
        for n in notifications
        if n.recipient.is_active and n.recipient.email and n.emailed_at is None
    ]
    if not wanted:
        return 0
    opted_out = set(
        NotificationPreference.objects.filter(
            user_id__in=[n.recipient_id for n in wanted], email=False
        ).values_list("user_id", flat=True)
    )
    sent = []
    # Emails are written in the portal's language, whatever page triggered them.
    with translation.override(settings.LANGUAGE_CODE):
        for notification in wanted:
            if notification.recipient_id in opted_out:
                continue
            link = settings.PORTAL_BASE_URL.rstrip("/") + notification.url
            try:
                _send(notification, link)
            except (OSError, smtplib.SMTPException) as error:
                # The mail server is down or refuses: the action stays done, the bell still
                # rings, and the daily reminder run sends it again (emailed_at stays empty).
                logger.warning("Notification %s not emailed: %r", notification.pk, error)
                continue
            sent.append(notification.pk)
    Notification.objects.filter(pk__in=sent).update(emailed_at=timezone.now())
    return len(sent)


def _send(notification, link):
    send_mail(
        subject=_("[Portal PKS] %(message)s") % {"message": notification.message[:120]},
        message=_(
            "%(message)s\n\nBuka di portal: %(link)s\n\n"
            "Email ini dikirim otomatis oleh Portal Tim Terpadu PKS. Email notifikasi "
            "dapat dimatikan di halaman Notifikasi."
        )
        % {"message": notification.message, "link": link},
        from_email=None,
        recipient_list=[notification.recipient.email],
    )


def notify_and_email(**kwargs) -> list[Notification]:
    """`notify`, then email the new notifications once the surrounding transaction commits (a
    rolled-back action sends nothing)."""
    new = notify(**kwargs)
    if new:
        # robust: whatever the email does, the committed action answers as done.
        transaction.on_commit(lambda: deliver(new), robust=True)
    return new


def unsent_recently(days: int = 3) -> list[Notification]:
    """Notifications of the last `days` days whose email did not go out (the mail server was
    down): the daily reminder run tries them again."""
    return list(
        Notification.objects.filter(
            emailed_at=None, created_at__gte=timezone.now() - timedelta(days=days)
        ).select_related("recipient")
    )


def notifications_mark_read(*, user, pk: int | None = None) -> int:
    """Mark one of the user's notifications (or all of them) as read."""
    unread = Notification.objects.visible_to(user).unread()
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read_at=timezone.now())


def preference_set(*, user, email: bool) -> NotificationPreference:
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email": email}
    )
    return preference


# A reminder's key is what keeps it from being sent twice (`notify`), and a period stays due
# (its reminders may be made again) until the plan after next: kept at least this long.
REMINDER_KEYS_KEEP_DAYS = 400


def _old_notifications(now):
    old = now - timedelta(days=settings.NOTIFICATION_KEEP_DAYS)
    reminders_old = now - timedelta(
        days=max(settings.NOTIFICATION_KEEP_DAYS, REMINDER_KEYS_KEEP_DAYS)
    )
    reminders = [NotificationKind.REALISATION_DUE, NotificationKind.READINESS]
    return Notification.objects.filter(
        Q(created_at__lt=old) & ~Q(kind__in=reminders) | Q(created_at__lt=reminders_old)
    )


def old_data_purge() -> dict[str, int]:
    """What is kept only for a while, deleted once older (UU 27/2022: personal data no longer
    than needed), for a daily timer. Returns how many rows of each kind went:
    - `form_tokens`: double-submission tokens (FORM_SUBMISSION_KEEP_DAYS);
    - `sessions`: expired sessions (a typed rejection reason may wait in one);
    - `sign_ins`: the sign-in log's usernames, addresses and browsers (SIGN_IN_LOG_KEEP_DAYS);
    - `notifications`: notifications, which carry report titles (NOTIFICATION_KEEP_DAYS);
    - `imports`: spreadsheets kept for an import's confirmation that never came (a day).
    The activity log is kept: it is the record of who did what."""
    now = timezone.now()
    sign_in_cutoff = now - timedelta(days=settings.SIGN_IN_LOG_KEEP_DAYS)
    return {
        "form_tokens": submission_purge(older_than_days=settings.FORM_SUBMISSION_KEEP_DAYS),
        "sessions": Session.objects.filter(expire_date__lt=now).delete()[0],
        "sign_ins": AccessLog.objects.filter(attempt_time__lt=sign_in_cutoff).delete()[0]
        + AccessFailureLog.objects.filter(attempt_time__lt=sign_in_cutoff).delete()[0],
        "notifications": _old_notifications(now).delete()[0],
        "imports": purge_kept_imports(older_than_hours=24),
    }
