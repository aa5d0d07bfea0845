"""Small presentation helpers shared by all templates."""

from datetime import timedelta

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import number_format

register = template.Library()


@register.filter
def minutes(value: timedelta | None) -> int:
    """Whole minutes of a duration, rounded up (a 90-second wait reads as 2 minutes)."""
    if not value:
        return 0
    return -(-int(value.total_seconds()) // 60)


@register.filter
def rupiah(value) -> str:
    """`1250000` -> `Rp 1.250.000` (thousands separator from the active locale)."""
    if value is None or value == "":
        return "—"
    return f"Rp {intcomma(int(value))}"


@register.filter
def percent(value, digits=0) -> str:
    """A fraction as a percentage: `0.456` -> `46%` (`45,6%` with one digit)."""
    if value is None or value == "":
        return "—"
    digits = int(digits)
    return f"{number_format(round(float(value) * 100, digits), decimal_pos=digits)}%"
