from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.log import register_actions, register_data
from incidents.choices import Resolution, Status


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Laporan konflik")

    def ready(self):
        register_actions(
            {
                "incidents.export": _("Laporan diekspor"),
                "incidents.report.create": _("Laporan dibuat"),
                "incidents.report.submit": _("Laporan diajukan"),
                "incidents.report.verify": _("Laporan diverifikasi"),
                "incidents.report.reject": _("Laporan ditolak"),
                "incidents.report.handle": _("Laporan ditandai ditangani"),
                "incidents.report.resolve": _("Laporan dinyatakan selesai"),
                "incidents.report.close": _("Laporan ditutup"),
            }
        )
        register_data(
            {"from_status": _("status sebelumnya"), "to_status": _("status baru")},
            choices=Status.choices,
        )
        register_data({"resolution": _("penyelesaian")}, choices=Resolution.choices)
