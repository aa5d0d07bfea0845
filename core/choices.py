"""Choices shared by several apps, and their labels translated once per process and language."""

from functools import cache

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    """The three handling stages of UU 7/2012."""

    PENCEGAHAN = "pencegahan", _("Pencegahan")
    PENGHENTIAN = "penghentian", _("Penghentian")
    PEMULIHAN = "pemulihan", _("Pemulihan pascakonflik")


@cache
def _choice_labels(model, field: str, language: str | None) -> dict:
    model_field = model._meta.get_field(field)
    model_field = getattr(model_field, "output_field", model_field)  # a generated column's
    return {value: str(label) for value, label in model_field.flatchoices}


def choice_label(obj, field: str) -> str:
    """What `obj.get_<field>_display()` shows, from labels translated once per process and
    language: Django's looks the label up through the field's lazy choices and translates it
    again on every call, which adds up over the rows of a list or the options of a picker."""
    value = getattr(obj, field)
    labels = _choice_labels(type(obj), field, get_language())
    if value in labels:
        return labels[value]
    return getattr(obj, f"get_{field}_display")()
