"""Small server-rendered SVG charts: no JavaScript, no inline style, printable in PDFs.

Each function returns markup ready for a template (labels are escaped here). Colours come from
CSS classes (`chart-line`, `chart-bar`, ...) so pages and PDFs can style them alike.
"""

from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


def _fmt(number: float) -> str:
    return f"{number:.1f}".rstrip("0").rstrip(".")


def line_chart(
    values: list[float],
    labels: list[str],
    *,
    title: str,
    width: int = 240,
    height: int = 60,
    css_class: str = "chart",
) -> SafeString:
    """A line of `values` (e.g. 12 months) with a dot per point and the point's label and value
    as a tooltip. `title` is the accessible name of the chart."""
    if not values:
        return format_html('<svg class="{}" role="img" aria-label="{}"></svg>', css_class, title)
    pad = 4
    top = max(max(values), 1)
    step = (width - 2 * pad) / max(len(values) - 1, 1)

    def point(index, value):
        x = pad + index * step
        y = height - pad - (value / top) * (height - 2 * pad)
        return _fmt(x), _fmt(y)

    points = [point(i, v) for i, v in enumerate(values)]
    parts = [
        format_html(
            '<svg class="{}" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
            'aria-label="{}" preserveAspectRatio="none">',
            css_class,
            width,
            height,
            width,
            height,
            title,
        ),
        format_html("<title>{}</title>", title),
        format_html(
            '<line class="chart-axis" x1="{}" y1="{}" x2="{}" y2="{}"/>',
            pad,
            height - pad,
            width - pad,
            height - pad,
        ),
        format_html(
            '<polyline class="chart-line" fill="none" points="{}"/>',
            " ".join(f"{x},{y}" for x, y in points),
        ),
    ]
    for (x, y), value, label in zip(points, values, labels, strict=True):
        parts.append(
            format_html(
                '<circle class="chart-dot" cx="{}" cy="{}" r="2"><title>{}: {}</title></circle>',
                x,
                y,
                label,
                _fmt(value),
            )
        )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(part) for part in parts))


def bar_chart(
    values: list[float],
    labels: list[str],
    *,
    title: str,
    width: int = 240,
    height: int = 60,
    css_class: str = "chart",
) -> SafeString:
    """Vertical bars of `values`, each with its label and value as a tooltip."""
    pad = 2
    top = max([*values, 1])
    slot = (width - 2 * pad) / max(len(values), 1)
    parts = [
        format_html(
            '<svg class="{}" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
            'aria-label="{}">',
            css_class,
            width,
            height,
            width,
            height,
            title,
        ),
        format_html("<title>{}</title>", title),
    ]
    for index, (value, label) in enumerate(zip(values, labels, strict=True)):
        bar = (value / top) * (height - 2 * pad)
        parts.append(
            format_html(
                '<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}">'
                "<title>{}: {}</title></rect>",
                _fmt(pad + index * slot + slot * 0.1),
                _fmt(height - pad - bar),
                _fmt(slot * 0.8),
                _fmt(bar),
                label,
                _fmt(value),
            )
        )
    parts.append(mark_safe("</svg>"))
    return mark_safe("".join(str(part) for part in parts))


# --- Labelled horizontal bars and stacked shares (evaluation pages and reports) ---------------

PALETTE = ["#0d6efd", "#198754", "#fd7e14", "#dc3545", "#6f42c1", "#20c997"]
ROW_HEIGHT = 26
LABEL_WIDTH = 210
BAR_WIDTH = 300
VALUE_WIDTH = 60


def _number(value) -> str:
    if value is None:
        return "—"
    return f"{Decimal(value):.1f}".replace(".", ",").removesuffix(",0")


def hbar_chart(items, *, maximum=100, title: str = "", colour: str = PALETTE[0]) -> SafeString:
    """Horizontal bars: `items` is a list of (label, value or None). Values are drawn against
    `maximum` (bars never run past it); None shows a dash and no bar."""
    height = ROW_HEIGHT * max(len(items), 1)
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    rows = []
    for index, (label, value) in enumerate(items):
        y = index * ROW_HEIGHT
        share = 0 if value is None or not maximum else min(float(value) / maximum, 1)
        rows.append(
            format_html(
                '<text x="0" y="{}" font-size="12" dominant-baseline="middle">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="16" fill="#e9ecef"/>'
                '<rect x="{}" y="{}" width="{}" height="16" fill="{}"/>'
                '<text x="{}" y="{}" font-size="12" dominant-baseline="middle">{}</text>',
                y + ROW_HEIGHT / 2,
                str(label)[:34],
                LABEL_WIDTH,
                y + 5,
                BAR_WIDTH,
                LABEL_WIDTH,
                y + 5,
                f"{BAR_WIDTH * share:.1f}",
                colour,
                LABEL_WIDTH + BAR_WIDTH + 6,
                y + ROW_HEIGHT / 2,
                _number(value),
            )
        )
    return format_html(
        '<svg viewBox="0 0 {} {}" width="100%" role="img" aria-label="{}" '
        'xmlns="http://www.w3.org/2000/svg" class="chart">{}</svg>',
        width,
        height,
        title,
        mark_safe("".join(rows)),  # each row escaped by format_html above
    )


def stacked_bar(segments, *, title: str = "") -> SafeString:
    """One bar split into `segments` (label, count), with a legend below; for shares of a whole
    such as action classes."""
    total = sum(count for _label, count in segments) or 1
    width, x = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH, 0.0
    parts = []
    for index, (_label, count) in enumerate(segments):
        part = width * count / total
        parts.append((f"{x:.1f}", f"{part:.1f}", PALETTE[index % len(PALETTE)]))
        x += part
    bar = format_html_join("", '<rect x="{}" y="0" width="{}" height="22" fill="{}"/>', parts)
    legend = format_html_join(
        "",
        '<rect x="{}" y="{}" width="12" height="12" fill="{}"/>'
        '<text x="{}" y="{}" font-size="12" dominant-baseline="middle">{}: {}</text>',
        (
            (
                0,
                32 + index * 20,
                PALETTE[index % len(PALETTE)],
                18,
                38 + index * 20,
                str(label),
                count,
            )
            for index, (label, count) in enumerate(segments)
        ),
    )
    height = 32 + 20 * len(segments)
    return format_html(
        '<svg viewBox="0 0 {} {}" width="100%" role="img" aria-label="{}" '
        'xmlns="http://www.w3.org/2000/svg" class="chart">{}{}</svg>',
        width,
        height,
        title,
        bar,
        legend,
    )
