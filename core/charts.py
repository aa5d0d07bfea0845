"""The portal's one chart helper: small server-rendered SVG, the same markup on a web page and in
a PDF (WeasyPrint draws it as vector).

Two kinds, one calling convention (`title` first, then the data, then keyword options):
- `line_chart(title, labels, series)`: lines over shared category labels (months, periods); with
  `compact=True` a sparkline for a table cell (no axis labels, no legend);
- `bar_chart(title, items)`: labelled horizontal bars, one per (label, value or None); long
  Indonesian labels (kecamatan, conflict sources) read better across than under a column. With
  `**SCREEN`, sized for a page column instead of a printed page.

Colours and fonts are SVG presentation attributes, never a `style` attribute, so a strict
Content-Security-Policy accepts the markup and a page looks like the document. Every label is
escaped here; sizes are user units with a viewBox, so charts scale to their container (a phone's
width included), their text with them: a chart drawn for a printed page has small text in a
page's column, which `SCREEN` is drawn for. `title` is the chart's accessible name.
"""

from dataclasses import dataclass
from html import escape

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe

FONT = "DejaVu Sans, sans-serif"
PALETTE = ["#2f5d8a", "#b0413e", "#3b7d3b", "#8a6d2f", "#6f42c1", "#20c997"]
AXIS_COLOUR = "#555"
TRACK_COLOUR = "#e9ecef"


@dataclass(frozen=True)
class Series:
    """One line of a line chart: its legend label and a value (or None) per category."""

    label: str
    values: list


def _number(value) -> str:
    """A value as the active language writes it (`1.250`, `62,5` in Indonesian); a dash for None."""
    if value is None:
        return "–"
    if float(value).is_integer():
        return number_format(int(value), force_grouping=True)
    return number_format(round(float(value), 1), decimal_pos=1, force_grouping=True)


def _nice_max(value: float) -> float:
    """A round upper bound for the axis (1, 2, 5 times a power of ten)."""
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def _text(x, y, text, *, size=10, anchor="start", colour=None) -> str:
    fill = f' fill="{colour}"' if colour else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" font-family="{FONT}" '
        f'text-anchor="{anchor}"{fill}>{escape(str(text))}</text>'
    )


def _svg(width, height, title, body, *, fixed=False, kind="") -> SafeString:
    """The chart element; `fixed` keeps the pixel size (sparklines), else it fills its box."""
    size = f'width="{width}" height="{height}"' if fixed else 'width="100%"'
    classes = f"chart {kind}" if kind else "chart"
    label = escape(str(title))
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" {size} '
        f'role="img" aria-label="{label}" class="{classes}">'
        f"<title>{label}</title>{''.join(body)}</svg>"
    )


def line_chart(
    title: str,
    labels: list[str],
    series: list[Series],
    *,
    width: int = 640,
    height: int = 220,
    compact: bool = False,
) -> SafeString:
    """Lines over shared category labels, a dot per value with its label and value as a
    tooltip. `compact` draws a sparkline: the line, its dots and a base line only."""
    if compact:
        left, right, top_pad, bottom = 4, 4, 4, 4
    else:
        left, right, top_pad, bottom = 40, 10, 10, 40
    values = [float(v) for s in series for v in s.values if v is not None]
    top = (max(values, default=0) or 1) if compact else _nice_max(max(values, default=0))
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    step = plot_w / max(len(labels) - 1, 1)
    base = top_pad + plot_h
    body = [
        f'<line class="chart-axis" x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" '
        f'stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    ]
    if not compact:
        body.append(_text(left - 4, top_pad + 8, _number(top), anchor="end"))
        body.append(_text(left - 4, base, "0", anchor="end"))
        for index, label in enumerate(labels):
            body.append(
                _text(left + index * step, height - bottom + 16, str(label)[:12], anchor="middle")
            )
    for number, line in enumerate(series):
        colour = PALETTE[number % len(PALETTE)]
        points = [
            (left + i * step, base - plot_h * float(v) / top, labels[i], v)
            for i, v in enumerate(line.values)
            if v is not None
        ]
        if points:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _label, _v in points)
            body.append(
                f'<polyline class="chart-line" points="{path}" fill="none" stroke="{colour}" '
                f'stroke-width="{1.5 if compact else 2}"/>'
            )
        for x, y, label, value in points:
            body.append(
                f'<circle class="chart-dot" cx="{x:.1f}" cy="{y:.1f}" r="{2 if compact else 3}" '
                f'fill="{colour}"><title>{escape(str(label))}: {_number(value)}</title></circle>'
            )
        if not compact:
            body.append(
                _text(left + 8 + number * 150, height - 6, f"■ {line.label}", colour=colour)
            )
    return _svg(width, height, title, body, fixed=compact, kind="chart-compact" if compact else "")


def bar_chart(
    title: str,
    items: list[tuple[str, float | None]],
    *,
    maximum: float | None = None,
    width: int = 640,
    colours: list[str] | None = None,
    text_size: int = 10,
    labels_above: bool = False,
    fixed: bool = False,
) -> SafeString:
    """Horizontal bars, one per (label, value or None), each labelled with its value. Bars are
    drawn against `maximum` (e.g. 100 for scores; bars never run past it) or a round bound of
    the largest value; None shows a dash and no bar. `colours` gives each bar its own colour
    (one per item; the bars are labelled in words, so colour only adds to them).

    `labels_above` puts each label on its own line above its bar, so a narrow chart keeps its
    labels whole; `fixed` draws the chart at its own pixel size (it then only shrinks, in a
    narrower box) instead of stretching it to the box with its text: see SCREEN."""
    if labels_above:
        return _bar_chart_labels_above(
            title, items, maximum=maximum, width=width, colours=colours, size=text_size, fixed=fixed
        )
    row, label_width, gap = 22, 250, 6
    height = max(len(items), 1) * row + 10
    top = maximum or _nice_max(max((float(v or 0) for _label, v in items), default=0))
    plot = width - label_width - 60
    body = []
    for index, (label, value) in enumerate(items):
        y = 5 + index * row
        share = 0 if value is None else min(max(float(value), 0) / top, 1)
        length = plot * share
        raw = str(label)
        short = raw if len(raw) <= 38 else raw[:37] + "…"
        if maximum:
            body.append(
                f'<rect x="{label_width}" y="{y + 3}" width="{plot}" height="{row - 8}" '
                f'fill="{TRACK_COLOUR}"/>'
            )
        body.append(_text(label_width - gap, y + 15, short, size=text_size, anchor="end"))
        body.append(
            f'<rect class="chart-bar" x="{label_width}" y="{y + 3}" width="{length:.1f}" '
            f'height="{row - 8}" fill="{_colour(colours, index)}"><title>{escape(raw)}: '
            f"{_number(value)}</title></rect>"
        )
        body.append(_text(label_width + length + 4, y + 15, _number(value), size=text_size + 1))
    body.append(
        f'<line class="chart-axis" x1="{label_width}" y1="2" x2="{label_width}" '
        f'y2="{height - 4}" stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    return _svg(width, height, title, body, fixed=fixed)


# For a chart in a page column rather than a printed page: drawn 360 px wide with 14 px text
# and each label above its bar. In a narrower box (a phone's card, about 330 px at a 390 px
# screen) it shrinks, its text staying above 12 px; in a wider one it keeps its size. A chart
# stretched to its box from a 640-wide drawing had 5-6 px labels on a phone and 8-9 px on a
# desktop's half-width column.
SCREEN = {"width": 360, "text_size": 14, "labels_above": True, "fixed": True}


def _colour(colours, index) -> str:
    return colours[index] if colours else PALETTE[0]


def _bar_chart_labels_above(title, items, *, maximum, width, colours, size, fixed):
    bar, gap = size, size // 2
    row = size + 4 + bar + gap  # the label's line, then the bar, then the space to the next
    value_room = round(size * 3.5)  # "100,0" after the longest bar
    plot = width - value_room
    top = maximum or _nice_max(max((float(v or 0) for _label, v in items), default=0))
    # What fits on the label's line at about 0.6 em a character; the whole label is the title.
    fits = int(width / (size * 0.6))
    body = []
    for index, (label, value) in enumerate(items):
        y = index * row
        share = 0 if value is None else min(max(float(value), 0) / top, 1)
        length = plot * share
        raw = str(label)
        short = raw if len(raw) <= fits else raw[: fits - 1] + "…"
        bar_y = y + size + 4
        body.append(_text(0, y + size, short, size=size))
        if maximum:
            body.append(
                f'<rect x="0" y="{bar_y}" width="{plot}" height="{bar}" fill="{TRACK_COLOUR}"/>'
            )
        body.append(
            f'<rect class="chart-bar" x="0" y="{bar_y}" width="{length:.1f}" height="{bar}" '
            f'fill="{_colour(colours, index)}"><title>{escape(raw)}: {_number(value)}</title>'
            "</rect>"
        )
        body.append(_text(length + 4, bar_y + bar - 2, _number(value), size=size))
    height = max(len(items), 1) * row
    return _svg(width, height, title, body, fixed=fixed)
