"""Figures of the reports that other apps (dashboard, evaluations, reports) read."""

from django.db.models import Count, Q, Sum

from accounts.rules import may_see_restricted
from incidents.choices import Confidentiality, RiskLevel, Status
from incidents.models import Incident, IncidentTally

OPEN_STATUSES = (Status.DIAJUKAN, Status.DIVERIFIKASI, Status.DITANGANI)
HANDLING_STATUSES = (Status.DIVERIFIKASI, Status.DITANGANI)
HIGH_RISK = (RiskLevel.TINGGI, RiskLevel.SANGAT_TINGGI)


def incident_summary(user) -> dict:
    """Counts for the dashboard's report cards, over what the user may see.

    Reports anyone may see (in the user's scope) are added up from IncidentTally, a few hundred
    rows kept current by a trigger; the user's own reports that only their author may see (their
    drafts, their restricted reports without clearance) are counted from the reports themselves,
    through an index on the author. Together they are exactly `Incident.objects.visible_to(user)`.
    """
    open_risky = Q(status__in=OPEN_STATUSES, risk_level__in=HIGH_RISK)
    shared = IncidentTally.objects.visible_to(user).aggregate(
        submitted=Sum("count", filter=Q(status=Status.DIAJUKAN), default=0),
        handling=Sum("count", filter=Q(status__in=HANDLING_STATUSES), default=0),
        high_risk=Sum("count", filter=open_risky, default=0),
    )
    own = Incident.objects.visible_to(user).filter(reported_by=user)
    if may_see_restricted(user):
        own = own.filter(status=Status.DRAFT)
    else:
        own = own.filter(Q(status=Status.DRAFT) | Q(confidentiality=Confidentiality.TERBATAS))
    own = own.aggregate(
        submitted=Count("pk", filter=Q(status=Status.DIAJUKAN)),
        handling=Count("pk", filter=Q(status__in=HANDLING_STATUSES)),
        high_risk=Count("pk", filter=open_risky),
        my_drafts=Count("pk", filter=Q(status=Status.DRAFT)),
    )
    return {
        "submitted": shared["submitted"] + own["submitted"],
        "handling": shared["handling"] + own["handling"],
        "high_risk": shared["high_risk"] + own["high_risk"],
        "my_drafts": own["my_drafts"],
    }
