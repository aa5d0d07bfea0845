"""Notifications raised by events of the apps below. The dashboard sits at the top of the layers,
so it listens to the one activity log (core.ActivityLog) rather than being called from below."""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from action_plans.models import Realisation
from core.models import ActivityLog
from dashboard.models import Notification, NotificationKind
from dashboard.services import audience, notify_and_email
from incidents.choices import Confidentiality, Kind, Status
from incidents.models import Incident
from incidents.selectors import HIGH_RISK
from incidents.services import PARTY_TEXT_REDACT, RISK_RAISED


def describe(incident) -> str:
    """How a notification names a report: reference and title when internal; a restricted report
    only by its reference, never its title or place (notifications travel by email)."""
    if incident.confidentiality == Confidentiality.TERBATAS:
        return _("%(reference)s (laporan terbatas)") % {"reference": incident.reference}
    return _("%(reference)s — %(title)s") % {
        "reference": incident.reference,
        "title": incident.title,
    }


@receiver(post_save, sender=ActivityLog, dispatch_uid="dashboard.notify_from_log")
def notify_from_log(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    if instance.action.startswith("incidents.report."):
        notify_transition(instance)
    elif instance.action == RISK_RAISED:
        notify_risk_raised(instance)
    elif instance.action == "action_plans.realisation.return":
        notify_realisation_returned(instance)
    elif instance.action == PARTY_TEXT_REDACT:
        redescribe_notifications(instance)


def redescribe_notifications(entry):
    """A name redacted from a report's text (incidents.services.party_text_redact) goes from the
    notifications that name the report by its title, which end with `describe(incident)`: they
    are kept for months and shown on the bell's page. (An email already sent is out of reach.)"""
    incident = Incident.objects.filter(pk=entry.object_id).first()
    if incident is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        described = describe(incident)
        named = _("%(reference)s — %(title)s") % {"reference": incident.reference, "title": ""}
    changed = []
    for notification in Notification.objects.filter(
        url=reverse("incidents:detail", args=[incident.pk]), message__contains=named
    ):
        before = notification.message.rpartition(named)[0]
        notification.message = (before + described)[: Notification.message.field.max_length]
        changed.append(notification)
    Notification.objects.bulk_update(changed, ["message"])


def alert_high_risk(incident, entry, message):
    # Only to those who may see the report: an account scoped to another kecamatan is not told
    # its title (by email too).
    notify_and_email(
        recipients=[
            user
            for user in audience("dashboard.receive_high_risk_alerts")
            if user.pk != entry.actor_id
            and Incident.objects.visible_to(user).filter(pk=incident.pk).exists()
        ],
        kind=NotificationKind.HIGH_RISK,
        # Once per report: submitted again after a rejection, or assessed high again.
        key=f"incident:{incident.pk}:risiko-tinggi",
        message=message
        % {"risk": incident.get_risk_level_display().lower(), "report": describe(incident)},
        url=reverse("incidents:detail", args=[incident.pk]),
    )


def notify_risk_raised(entry):
    """An open potential conflict assessed high risk after it was submitted (a quick report
    completed, a risk re-assessed)."""
    incident = Incident.objects.filter(pk=entry.object_id).first()
    if incident is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        alert_high_risk(incident, entry, _("Potensi konflik dinilai berisiko %(risk)s: %(report)s"))


def notify_transition(entry):
    """A report moved in its workflow (an `incidents.report.*` log entry)."""
    to_status = entry.data.get("to_status")
    incident = Incident.objects.filter(pk=entry.object_id).select_related("reported_by").first()
    if incident is None or not to_status:
        return
    url = reverse("incidents:detail", args=[incident.pk])
    # Stored text is in the portal's language, whoever triggered it.
    with translation.override(settings.LANGUAGE_CODE):
        if (
            to_status == Status.DIAJUKAN
            and incident.kind == Kind.POTENSI
            and incident.risk_level in HIGH_RISK
        ):
            alert_high_risk(
                incident,
                entry,
                _("Potensi konflik berisiko %(risk)s diajukan: %(report)s"),
            )
        elif to_status in (Status.DIVERIFIKASI, Status.DITOLAK):
            verified = to_status == Status.DIVERIFIKASI
            message = (
                _("Laporan Anda diverifikasi: %(report)s")
                if verified
                else _("Laporan Anda ditolak, lihat alasannya di portal: %(report)s")
            )
            notify_and_email(
                recipients=[incident.reported_by],
                kind=NotificationKind.VERIFIED if verified else NotificationKind.REJECTED,
                key=f"transition:{entry.pk}",
                message=message % {"report": describe(incident)},
                url=url,
            )


def notify_realisation_returned(entry):
    """The secretariat returned a realisation for correction."""
    realisation = (
        Realisation.objects.filter(pk=entry.object_id)
        .select_related("activity", "period", "submitted_by")
        .first()
    )
    if realisation is None or realisation.submitted_by is None:
        return
    activity, period = realisation.activity, realisation.period
    with translation.override(settings.LANGUAGE_CODE):
        notify_and_email(
            recipients=[realisation.submitted_by],
            kind=NotificationKind.REALISATION_RETURNED,
            key=f"realisation-event:{entry.pk}",
            message=_("Realisasi kegiatan %(code)s periode %(period)s dikembalikan untuk perbaikan")
            % {"code": activity.code, "period": period.code},
            url=reverse("action_plans:realisation", args=[activity.pk, period.code]),
        )
