"""Colours of the status and risk badges.

Each app registers the tones of its own choice fields in AppConfig.ready() with
`register_badge_tones`, so one template tag (`{% badge obj "status" %}`) draws every badge the
same way and no template repeats an if/elif ladder of colours."""

from html import escape

from django.utils.safestring import SafeData, mark_safe

from core.choices import choice_label

DEFAULT_TONE = "text-bg-light border"

_TONES: dict[tuple[str, str], dict[str, str]] = {}


def register_badge_tones(model_label: str, field: str, tones: dict[str, str]) -> None:
    """`register_badge_tones("incidents.incident", "status", {"ditolak": "text-bg-danger"})`."""
    _TONES[(model_label.lower(), field)] = dict(tones)


def badge_tone(obj, field: str) -> str:
    tones = _TONES.get((obj._meta.label_lower, field), {})
    return tones.get(str(getattr(obj, field)), DEFAULT_TONE)


def badge_html(obj, field: str = "status", testid: str | None = None) -> str:
    """A record's choice field (status, risk level) as a coloured badge; "" when empty.
    `testid` defaults to the field name; pass "" for none. The same HTML as format_html() would
    write, without its lazy-aware escaping wrapper: a list page draws a few hundred badges."""
    value = getattr(obj, field)
    if not value:
        return ""
    label = choice_label(obj, field)
    testid = field if testid is None else testid
    testid_attribute = f' data-testid="{escape(testid)}"' if testid else ""
    return mark_safe(
        f'<span class="badge {escape(badge_tone(obj, field))} '
        f'{escape(field.replace("_", "-"))}-{escape(str(value))}"{testid_attribute}>'
        f"{label if isinstance(label, SafeData) else escape(str(label))}</span>"
    )
