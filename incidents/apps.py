from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.log import register_actions


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Laporan konflik")

    def ready(self):
        register_actions(
            {
                "incidents.export": _("Laporan diekspor"),
                "incidents.identities.view": _("Identitas pihak dan tokoh dalam laporan dilihat"),
            }
        )
