"""Choices shared by several apps."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """The three handling stages of UU 7/2012."""

    PENCEGAHAN = "pencegahan", _("Pencegahan")
    PENGHENTIAN = "penghentian", _("Penghentian")
    PEMULIHAN = "pemulihan", _("Pemulihan pascakonflik")
