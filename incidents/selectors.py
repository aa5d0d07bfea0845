"""Figures of the reports that other apps (dashboard, evaluations, reports) read."""

from django.db.models import Count, Q

from core.models import ActivityLog
from incidents.choices import RiskLevel, Status
from incidents.models import Incident

OPEN_STATUSES = (Status.DIAJUKAN, Status.DIVERIFIKASI, Status.DITANGANI)


def incident_summary(user) -> dict:
    """Counts for the dashboard's report cards, in one query over what the user may see."""
    return Incident.objects.visible_to(user).aggregate(
        submitted=Count("pk", filter=Q(status=Status.DIAJUKAN)),
        handling=Count("pk", filter=Q(status__in=[Status.DIVERIFIKASI, Status.DITANGANI])),
        high_risk=Count(
            "pk",
            filter=Q(
                status__in=OPEN_STATUSES,
                risk_level__in=[RiskLevel.TINGGI, RiskLevel.SANGAT_TINGGI],
            ),
        ),
        my_drafts=Count("pk", filter=Q(status=Status.DRAFT, reported_by=user)),
    )


def incident_timeline(incident: Incident) -> list[ActivityLog]:
    """The report's workflow steps from the activity log, oldest first, each with the label of
    the status it led to (`status_label`)."""
    entries = list(
        ActivityLog.objects.for_object(incident)
        .filter(action__startswith="incidents.report.")
        .select_related("actor")
        .order_by("at", "pk")
    )
    labels = dict(Status.choices)
    for entry in entries:
        entry.status_label = labels.get(entry.data.get("to_status"), entry.action_label)
    return entries
