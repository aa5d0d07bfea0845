"""Project-wide pages: the dashboard that every role lands on."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import TemplateView

from directory.models import Agency, Contact, Region


class DashboardView(LoginRequiredMixin, TemplateView):
    """Landing page after login. Later apps add their own cards to `cards`."""

    template_name = "dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        regions = Region.objects.visible_to(user)
        context["summary"] = {
            "kecamatan": regions.kecamatan().count(),
            "desa": regions.desa().count(),
            "agencies": Agency.objects.visible_to(user).filter(active=True).count(),
            "contacts": Contact.objects.visible_to(user).filter(active=True).count(),
        }
        context["incident_summary"] = incident_summary(user)
        context["plan_summary"] = plan_summary(user)
        return context


def plan_summary(user) -> dict | None:
    """This year's action plan as the user sees it: achievement, absorption, overdue reports."""
    from django.utils import timezone

    from action_plans.models import ActionPlan, Activity
    from action_plans.selectors import matrix_rows, overview

    plan = ActionPlan.objects.visible_to(user).filter(year=timezone.localdate().year).first()
    if plan is None:
        return None
    rows = matrix_rows(plan, Activity.objects.visible_to(user).filter(plan=plan))
    figures = overview(plan, rows)
    return {
        "plan": plan,
        "activities": len(rows),
        "achievement": figures["total"].achievement,
        "absorption": figures["total"].absorption,
        "overdue": sum(len(row.overdue_periods) for row in rows),
    }


def incident_summary(user) -> dict:
    """Counts for the dashboard's report cards, in one query over what the user may see."""
    from django.db.models import Count, Q

    from incidents.choices import RiskLevel, Status
    from incidents.models import Incident

    open_statuses = [Status.DIAJUKAN, Status.DIVERIFIKASI, Status.DITANGANI]
    return Incident.objects.visible_to(user).aggregate(
        submitted=Count("pk", filter=Q(status=Status.DIAJUKAN)),
        handling=Count("pk", filter=Q(status__in=[Status.DIVERIFIKASI, Status.DITANGANI])),
        high_risk=Count(
            "pk",
            filter=Q(
                status__in=open_statuses,
                risk_level__in=[RiskLevel.TINGGI, RiskLevel.SANGAT_TINGGI],
            ),
        ),
        my_drafts=Count("pk", filter=Q(status=Status.DRAFT, reported_by=user)),
    )


def serve_evidence(evidence):
    """Stream a stored evidence file; the caller has already checked the user may see it."""
    from django.http import FileResponse, Http404

    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=not evidence.shows_inline,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
