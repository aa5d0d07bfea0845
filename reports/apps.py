from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Laporan resmi")

    def ready(self):
        from core.log import register_actions, register_data
        from reports.choices import ReportKind

        register_actions(
            {
                "reports.issue": _("Laporan resmi diterbitkan"),
                "reports.draft": _("Draf laporan resmi diunduh"),
                "reports.download": _("Laporan terbit diunduh"),
                "reports.narrative": _("Narasi laporan tahunan diubah"),
            }
        )
        register_data(
            {"kind": _("jenis laporan")},
            choices=ReportKind.choices,
        )
        register_data(
            {
                "year": _("tahun"),
                "period": _("periode"),
                "region": _("kode wilayah"),
                "version": _("versi"),
                "sha256": _("sidik SHA-256 berkas"),
            }
        )
