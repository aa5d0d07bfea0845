"""Charts of the official documents as SVG: the same markup is shown in the browser preview
and rendered by WeasyPrint, so a figure on screen and on paper is one image.

Pure Python, no JavaScript: every label is escaped, sizes are in user units with a viewBox so the
chart scales to its container (phone width included).
"""

from dataclasses import dataclass
from html import escape

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe

# A presentation attribute rather than style="…": the browser preview runs under a CSP without
# 'unsafe-inline', which blocks style attributes (WeasyPrint reads either).
FONT = "font-family=\"'DejaVu Sans', sans-serif\""
BAR_COLOUR = "#2f5d8a"
LINE_COLOUR = "#b0413e"
AXIS_COLOUR = "#555"


@dataclass(frozen=True)
class Series:
    label: str
    values: list


def _number(value) -> str:
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


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" class="chart">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def bar_chart(title: str, items: list[tuple[str, float]], *, width: int = 640) -> SafeString:
    """Horizontal bars, one per (label, value), labelled with the value: long Indonesian labels
    (kecamatan, conflict sources) read better across than under a column."""
    row, label_width, gap = 22, 250, 6
    height = max(len(items), 1) * row + 10
    top = _nice_max(max((float(v or 0) for _, v in items), default=0))
    plot = width - label_width - 60
    body = []
    for index, (label, value) in enumerate(items):
        y = 5 + index * row
        length = plot * float(value or 0) / top
        raw = str(label)
        text = escape(raw)
        short = escape(raw if len(raw) <= 38 else raw[:37] + "…")
        body.append(
            f'<text x="{label_width - gap}" y="{y + 15}" text-anchor="end" font-size="10" '
            f"{FONT}>{short}</text>"
            f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{row - 8}" '
            f'fill="{BAR_COLOUR}"><title>{text}: {_number(value)}</title></rect>'
            f'<text x="{label_width + length + 4:.1f}" y="{y + 15}" font-size="11" '
            f"{FONT}>{_number(value)}</text>"
        )
    body.append(
        f'<line x1="{label_width}" y1="2" x2="{label_width}" y2="{height - 4}" '
        f'stroke="{AXIS_COLOUR}" stroke-width="1"/>'
    )
    return _svg(width, height, title, body)


def line_chart(
    title: str, labels: list[str], series: list[Series], *, width: int = 640, height: int = 220
) -> SafeString:
    """One or more lines over shared category labels (months, periods), with value dots."""
    left, right, top_pad, bottom = 40, 10, 10, 40
    values = [float(v) for s in series for v in s.values if v is not None]
    top = _nice_max(max(values, default=0))
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    step = plot_w / max(len(labels) - 1, 1)
    colours = [LINE_COLOUR, BAR_COLOUR, "#3b7d3b", "#8a6d2f"]
    body = [
        f'<line x1="{left}" y1="{top_pad + plot_h}" x2="{width - right}" y2="{top_pad + plot_h}" '
        f'stroke="{AXIS_COLOUR}"/>',
        f'<text x="{left - 4}" y="{top_pad + 8}" text-anchor="end" font-size="10" '
        f"{FONT}>{_number(top)}</text>",
        f'<text x="{left - 4}" y="{top_pad + plot_h}" text-anchor="end" font-size="10" '
        f"{FONT}>0</text>",
    ]
    for index, label in enumerate(labels):
        x = left + index * step
        body.append(
            f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle" font-size="10" '
            f"{FONT}>{escape(str(label)[:12])}</text>"
        )
    for number, line in enumerate(series):
        colour = colours[number % len(colours)]
        points = [
            (left + i * step, top_pad + plot_h - plot_h * float(v) / top)
            for i, v in enumerate(line.values)
            if v is not None
        ]
        if points:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
            )
        for (x, y), value in zip(points, [v for v in line.values if v is not None], strict=True):
            body.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}">'
                f"<title>{escape(line.label)}: {_number(value)}</title></circle>"
            )
        body.append(
            f'<text x="{left + 8 + number * 150}" y="{height - 6}" font-size="10" '
            f'fill="{colour}" {FONT}>■ {escape(line.label)}</text>'
        )
    return _svg(width, height, title, body)
