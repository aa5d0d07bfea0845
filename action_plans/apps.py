from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from core.badges import register_badge_tones


class ActionPlansConfig(AppConfig):
    name = "action_plans"
    verbose_name = _("Rencana Aksi Terpadu")

    def ready(self):
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
