"""Small presentation helpers shared by all templates."""

import uuid
from datetime import timedelta

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.formats import number_format
from django.utils.html import format_html

from core import choices as labels
from core.badges import badge_html
from core.forms import checkbox_group_html, format_number

register = template.Library()


@register.simple_tag
def submission_token_input():
    """A hidden submission token of its own (core.mixins.SubmitOnceMixin), for a page with several
    forms that each save once: one token shared by them would make the second form, sent after
    the first, answer "already sent"."""
    return format_html('<input type="hidden" name="submission_token" value="{}">', uuid.uuid4())


@register.filter
def minutes(value: timedelta | None) -> int:
    """Whole minutes of a duration, rounded up (a 90-second wait reads as 2 minutes)."""
    if not value:
        return 0
    return -(-int(value.total_seconds()) // 60)


@register.filter
def as_typed(value) -> str:
    """A number as the portal's number boxes show and read it ("1.500", "1,5"), whatever the
    interface language: next to such a box, so the two never disagree."""
    if value is None or value == "":
        return "—"
    return format_number(value)


@register.filter
def rupiah(value) -> str:
    """`1250000` -> `Rp 1.250.000` (thousands separator from the active locale)."""
    if value is None or value == "":
        return "—"
    return f"Rp {intcomma(int(value))}"


@register.filter
def percent(value, digits=0) -> str:
    """A fraction as a percentage: `0.456` -> `46%` (`45,6%` with one digit; `12,5` ->
    `1.250%`, grouped as the locale groups thousands)."""
    if value is None or value == "":
        return "—"
    digits = int(digits)
    shown = number_format(
        round(float(value) * 100, digits), decimal_pos=digits, force_grouping=True
    )
    return f"{shown}%"


@register.filter
def choice_label(obj, field: str) -> str:
    """`{{ incident|choice_label:"kind" }}`: what `get_kind_display()` shows, translated once per
    process and language, not once per row (a list page shows a label or three on each of its
    rows, twice: as cards and as a table)."""
    return labels.choice_label(obj, field)


@register.simple_tag
def badge(obj, field="status", testid=None):
    """A record's choice field (status, risk level) as a coloured badge; nothing when empty.
    `testid` defaults to the field name; pass "" for none."""
    return badge_html(obj, field, testid)


@register.simple_tag
def checkbox_group(field):
    """`{% checkbox_group form.status %}`: a multiple-choice filter as checkboxes in a fieldset
    with a legend (core.forms.checkbox_group_html)."""
    return checkbox_group_html(field)


@register.inclusion_tag("includes/stat_card.html")
def stat_card(label, value, *, url="", testid="", tone="", note="", note_tone="", note_testid=""):
    """A figure on a card (dashboards, overviews): a small label over a large value, optionally a
    link to what it counts and a note below it. `tone` colours the value (e.g. "text-danger")."""
    return {
        "label": label,
        "value": value,
        "url": url,
        "testid": testid,
        "tone": tone,
        "note": note,
        "note_tone": note_tone,
        "note_testid": note_testid,
    }
