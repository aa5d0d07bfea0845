from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationsConfig(AppConfig):
    name = "evaluations"
    verbose_name = _("Evaluasi empat pilar")

    def ready(self):
        from core.log import register_actions, register_data

        register_actions(
            {
                "evaluations.score": _("Indikator manual dinilai"),
                "evaluations.finalise": _("Evaluasi difinalkan"),
                "evaluations.refresh": _("Nilai evaluasi dihitung ulang"),
                "evaluations.province_result": _("Hasil provinsi dicatat"),
                "evaluations.framework.change": _("Bobot kerangka evaluasi diubah"),
            }
        )
        register_data(
            {
                "indicator": _("indikator"),
                "score": _("nilai"),
                "files": _("berkas bukti"),
                "total": _("nilai total"),
                "rank": _("peringkat provinsi"),
                "scope": _("cakupan"),
                "pillars": _("bobot pilar"),
                "indicators": _("bobot indikator"),
            }
        )
