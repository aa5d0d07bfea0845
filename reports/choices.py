"""Choice lists of the reports app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    PERIOD = "period", _("Laporan periode")
    ANNUAL = "annual", _("Laporan tahunan")
    RAT = "rat", _("Naskah RAT")
