from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Dasbor")

    def ready(self):
        # The notification hooks on the apps below (rules.py is autodiscovered by django-rules).
        from dashboard import signals  # noqa: F401
