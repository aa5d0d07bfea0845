"""Choice lists of the Integrated Action Plan (RAT, Permendagri 42/2015)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.choices import Stage

__all__ = ["BudgetSource", "PeriodScheme", "Pillar", "PlanStatus", "RealisationStatus", "Stage"]


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    DITETAPKAN = "ditetapkan", _("Ditetapkan")
    DITUTUP = "ditutup", _("Ditutup")


class PeriodScheme(models.TextChoices):
    """How the year is split for reporting: four-monthly (B04/B08/B12) by default."""

    CATURWULAN = "caturwulan", _("Empat bulanan (B04, B08, B12)")
    TRIWULAN = "triwulan", _("Triwulan (TW1–TW4)")


class Pillar(models.TextChoices):
    """The four pillars Jombang credits for its evaluation result."""

    KOLABORASI = "kolaborasi", _("Kolaborasi lintas sektor")
    KOMUNIKASI = "komunikasi", _("Komunikasi efektif")
    INKLUSIVITAS = "inklusivitas", _("Inklusivitas")
    EVALUASI = "evaluasi", _("Evaluasi berkelanjutan")


def ordered_pillars(pillars) -> list[str]:
    """Pillars without repeats, in the framework's order, so equal sets compare equal."""
    chosen = set(pillars)
    return [value for value in Pillar.values if value in chosen]


class BudgetSource(models.TextChoices):
    APBD = "apbd", _("APBD")
    APBN = "apbn", _("APBN")
    LAINNYA = "lainnya", _("Lainnya")


class RealisationStatus(models.TextChoices):
    DRAFT = "draft", _("Draf")
    DISERAHKAN = "diserahkan", _("Diserahkan")
    DIKEMBALIKAN = "dikembalikan", _("Dikembalikan untuk perbaikan")


# (code, name, first month, last month) of each scheme's periods.
PERIOD_LAYOUTS = {
    PeriodScheme.CATURWULAN: [
        ("B04", _("Januari–April"), 1, 4),
        ("B08", _("Mei–Agustus"), 5, 8),
        ("B12", _("September–Desember"), 9, 12),
    ],
    PeriodScheme.TRIWULAN: [
        ("TW1", _("Januari–Maret"), 1, 3),
        ("TW2", _("April–Juni"), 4, 6),
        ("TW3", _("Juli–September"), 7, 9),
        ("TW4", _("Oktober–Desember"), 10, 12),
    ],
}
# Realisation reports are due this many days after a period ends (editable per period).
DEFAULT_DUE_DAYS = 10
