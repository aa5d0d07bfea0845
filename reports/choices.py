"""Choice lists of the reports app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportKind(models.TextChoices):
    PERIOD = "period", _("Laporan periode")
    ANNUAL = "annual", _("Laporan tahunan")
    RAT = "rat", _("Naskah RAT")


# File names of downloaded documents, in Indonesian whatever the interface language.
KIND_FILE_STEMS = {
    ReportKind.PERIOD: "laporan-periode",
    ReportKind.ANNUAL: "laporan-tahunan",
    ReportKind.RAT: "naskah-rat",
}


def document_filename(*, kind: str, year: int, period_code: str = "", suffix: str = "") -> str:
    """`laporan-periode-2024-B08-v2.pdf`, `draf-laporan-tahunan-2024.pdf`."""
    period = f"-{period_code}" if period_code else ""
    return f"{KIND_FILE_STEMS[kind]}-{year}{period}{suffix}.pdf"
