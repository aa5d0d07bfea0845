"""The dashboard every role lands on: it composes the figures each app offers in selectors.py."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils import timezone
from django.views.generic import TemplateView

from action_plans.selectors import plan_summary
from directory.selectors import directory_summary
from incidents.selectors import incident_summary
from reports.selectors import latest_issued


class DashboardView(LoginRequiredMixin, TemplateView):
    template_name = "dashboard/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["summary"] = directory_summary(user)
        context["incident_summary"] = incident_summary(user)
        context["plan_summary"] = plan_summary(user, timezone.localdate().year)
        context["issued_reports"] = latest_issued(user)
        return context
