from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Dasbor")

    def ready(self):
        # Permissions (django-rules) and the notification hooks on the apps below.
        from dashboard import rules, signals  # noqa: F401
