"""Choice lists of the four-pillar evaluation."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The whole year is evaluated under this code in place of a period code (B04, B08, B12 ...).
YEAR_SCOPE = "tahun"


class IndicatorKind(models.TextChoices):
    COMPUTED = "dihitung", _("Dihitung dari data portal")
    MANUAL = "manual", _("Dinilai sekretariat")


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", _("Draf (belum final)")
    FINAL = "final", _("Final (nilai dibekukan)")


class ActionClass(models.TextChoices):
    """How the province counts actions by achievement (thresholds are settings)."""

    MELAMPAUI = "melampaui", _("Melampaui target")
    TERCAPAI = "tercapai", _("Tercapai")
    MENDEKATI = "mendekati", _("Mendekati target")
    DI_BAWAH = "di_bawah", _("Di bawah target")
