"""The four roles of the portal. Each is a Group of the same name."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PETUGAS = "petugas", _("Petugas")
    SEKRETARIAT = "sekretariat", _("Sekretariat")
    PIMPINAN = "pimpinan", _("Pimpinan")
    ADMIN = "admin", _("Administrator")
