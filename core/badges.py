"""Colours of the status and risk badges.

Each app registers the tones of its own choice fields in AppConfig.ready() with
`register_badge_tones`, so one template tag (`{% badge obj "status" %}`) draws every badge the
same way and no template repeats an if/elif ladder of colours."""

DEFAULT_TONE = "text-bg-light border"

_TONES: dict[tuple[str, str], dict[str, str]] = {}


def register_badge_tones(model_label: str, field: str, tones: dict[str, str]) -> None:
    """`register_badge_tones("incidents.incident", "status", {"ditolak": "text-bg-danger"})`."""
    _TONES[(model_label.lower(), field)] = dict(tones)


def badge_tone(obj, field: str) -> str:
    tones = _TONES.get((obj._meta.label_lower, field), {})
    return tones.get(str(getattr(obj, field)), DEFAULT_TONE)
