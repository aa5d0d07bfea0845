from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.badges import register_badge_tones
from core.log import register_actions, register_data, register_visibility
from core.pickers import register_picker
from incidents.choices import Resolution, RiskLevel, Status


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Laporan konflik")

    def ready(self):
        from accounts.rules import sees_every_report
        from incidents import signals  # noqa: F401  (connects the receivers)
        from incidents.models import Incident
        from incidents.pickers import IncidentPicker

        # Entries about reports: for those who see every report (cleared and not scoped to a
        # kecamatan); the others read a report's events on its own page.
        register_visibility(Incident, sees_every_report)
        register_picker("laporan", IncidentPicker())
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
        register_actions(
            {
                "incidents.export": _("Laporan diekspor"),
                "incidents.report.create": _("Laporan dibuat"),
                "incidents.report.quick": _("Laporan cepat dikirim"),
                "incidents.report.submit": _("Laporan diajukan"),
                "incidents.report.verify": _("Laporan diverifikasi"),
                "incidents.report.reject": _("Laporan ditolak"),
                "incidents.report.handle": _("Laporan ditandai ditangani"),
                "incidents.report.resolve": _("Laporan dinyatakan selesai"),
                "incidents.report.close": _("Laporan ditutup"),
                "incidents.risk_raised": _("Potensi dinilai berisiko tinggi"),
                "incidents.identities.view": _("Identitas pihak dan tokoh dalam laporan dilihat"),
                "incidents.party.subject_report": _("Laporan subjek data pihak dibuka"),
                "incidents.party.anonymise": _("Nama pihak dianonimkan"),
                "incidents.party.text_redact": _("Nama disamarkan dalam teks laporan"),
            }
        )
        register_data(
            {"from_status": _("status sebelumnya"), "to_status": _("status baru")},
            choices=Status.choices,
        )
        register_data({"resolution": _("penyelesaian")}, choices=Resolution.choices)
        register_data({"risk_level": _("tingkat risiko")}, choices=RiskLevel.choices)
        register_data(
            {"incidents": _("laporan (ID)"), "parties": _("pihak (ID)"), "party": _("pihak (ID)")}
        )
