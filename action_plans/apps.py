from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionPlansConfig(AppConfig):
    name = "action_plans"
    verbose_name = _("Rencana Aksi Terpadu")

    def ready(self):
        from core.log import register_actions

        register_actions(
            {
                "action_plans.plan.establish": _("Rencana aksi ditetapkan"),
                "action_plans.plan.close": _("Rencana aksi ditutup"),
            }
        )
