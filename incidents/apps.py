from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.badges import register_badge_tones
from core.log import register_actions


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Laporan konflik")

    def ready(self):
        register_actions({"incidents.export": _("Laporan diekspor")})
        register_badge_tones(
            "incidents.incident",
            "status",
            {
                "draft": "text-bg-light border",
                "diajukan": "text-bg-warning",
                "diverifikasi": "text-bg-primary",
                "ditolak": "text-bg-danger",
                "ditangani": "text-bg-primary",
                "selesai": "text-bg-success",
                "ditutup": "text-bg-success",
            },
        )
        register_badge_tones(
            "incidents.incident",
            "risk_level",
            {
                "rendah": "text-bg-secondary",
                "sedang": "text-bg-info",
                "tinggi": "text-bg-warning",
                "sangat_tinggi": "text-bg-danger",
            },
        )
