"""Indonesian labels of the activity log's action codes.

Each app declares the codes it writes in its AppConfig.ready() with `register_actions`, so the
log reads "Laporan diekspor" in pages and the admin instead of `incidents.export`."""

_LABELS: dict[str, str] = {}


def register_actions(labels: dict[str, str]) -> None:
    _LABELS.update(labels)


def action_label(code: str) -> str:
    return str(_LABELS.get(code, code))


def action_choices() -> list[tuple[str, str]]:
    return sorted(_LABELS.items(), key=lambda item: str(item[1]))
