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
        return context
