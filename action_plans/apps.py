from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.badges import register_badge_tones
from core.log import register_actions


class ActionPlansConfig(AppConfig):
    name = "action_plans"
    verbose_name = _("Rencana Aksi Terpadu")

    def ready(self):
        # Imported once the models are loaded (services import them).
        from action_plans.services import supporting_that_leads_drop
        from directory.services import register_agency_merge_rule

        register_agency_merge_rule(
            _("Kegiatan (instansi pendukung yang juga penanggung jawab)"),
            supporting_that_leads_drop,
        )
        register_badge_tones(
            "action_plans.actionplan",
            "status",
            {
                "draft": "text-bg-warning",
                "ditetapkan": "text-bg-success",
                "ditutup": "text-bg-secondary",
            },
        )
        register_badge_tones(
            "action_plans.realisation",
            "status",
            {
                "draft": "text-bg-light border",
                "diserahkan": "text-bg-success",
                "dikembalikan": "text-bg-danger",
            },
        )
        register_actions(
            {
                "action_plans.plan.create": _("Rencana aksi dibuat"),
                "action_plans.plan.establish": _("Rencana aksi ditetapkan"),
                "action_plans.plan.revise": _("Rencana aksi diubah setelah penetapan"),
                "action_plans.plan.close": _("Rencana aksi ditutup"),
                "action_plans.realisation.submit": _("Realisasi diserahkan"),
                "action_plans.realisation.return": _("Realisasi dikembalikan untuk perbaikan"),
                "action_plans.realisation.resubmit": _("Realisasi diserahkan ulang"),
            }
        )
