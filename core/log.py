"""Indonesian labels of the activity log's action codes and of the data its entries carry.

Each app declares the codes it writes in its AppConfig.ready() with `register_actions`, so the
log reads "Laporan diekspor" in pages and the admin instead of `incidents.export`, and names
the keys of its entries' data with `register_data` (optionally with the choices whose labels
replace stored codes), so the data reads "Status baru: Diverifikasi" instead of raw JSON."""

import re
from datetime import date

from django.utils.formats import date_format

ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")

_LABELS: dict[str, str] = {}
_DATA: dict[str, tuple[str, dict]] = {}
_VISIBLE: dict = {}


def register_actions(labels: dict[str, str]) -> None:
    _LABELS.update(labels)


def action_label(code: str) -> str:
    return str(_LABELS.get(code, code))


def action_choices() -> list[tuple[str, str]]:
    return sorted(_LABELS.items(), key=lambda item: str(item[1]))


def register_data(labels: dict[str, str], *, choices=()) -> None:
    """Labels of data keys; `choices` ((value, label) pairs) name the values of those keys."""
    named = dict(choices)
    for key, label in labels.items():
        _DATA[key] = (label, named)


def data_lines(data: dict) -> list[tuple[str, str]]:
    """An entry's data as (label, text) pairs, empty values left out. The database keeps JSON
    keys in its own order, so registered keys come first, in the order they were registered."""
    order = {key: index for index, key in enumerate(_DATA)}
    lines = []
    for key, value in sorted((data or {}).items(), key=lambda item: order.get(item[0], len(order))):
        if value in ("", None, [], {}):
            continue
        label, named = _DATA.get(key, (key, {}))
        if isinstance(value, list):
            text = "; ".join(_item_text(item, named) for item in value)
        elif isinstance(value, dict):
            text = "; ".join(f"{k}: {v}" for k, v in value.items())
        else:
            text = _value_text(value, named, as_date=key.endswith("date"))
        lines.append((str(label), text))
    return lines


def _value_text(value, named: dict, *, as_date: bool = False) -> str:
    # A stored code by its label ("sekretariat" → "Sekretariat"); a date (a key named so, or a
    # changed value) as people read it, not a note that merely looks like one.
    if isinstance(value, str):
        if value in named:
            return str(named[value])
        if as_date and ISO_DATE.fullmatch(value):
            try:
                return date_format(date.fromisoformat(value))
            except ValueError:
                return value
    return str(value)


def _item_text(item, named: dict) -> str:
    # A changed value: {"item": "1.1", "field": "anggaran", "old": "…", "new": "…"}.
    if isinstance(item, dict) and {"field", "old", "new"} <= item.keys():
        prefix = f"{item['item']} · " if item.get("item") else ""
        old, new = (_value_text(item[side] or "—", {}, as_date=True) for side in ("old", "new"))
        return f"{prefix}{item['field']}: {old} → {new}"
    return _value_text(item, named)


def register_visibility(model, reads_all) -> None:
    """`reads_all(user)`: whether the user may see every row of `model` the log is about. The
    log shows entries about `model` only to such users (a restricted report's rejection reason
    is not for an administrator without clearance); see ActivityLogQuerySet.visible_to. Whole
    models rather than row by row: the log is the largest table, and a row-by-row rule is an
    anti-join of it with the model's table on every page."""
    _VISIBLE[model] = reads_all


def visibility_rules():
    return _VISIBLE.items()
