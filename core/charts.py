"""Small charts as inline SVG, rendered on the server: pages need no JavaScript chart library and
the PDFs (WeasyPrint) can embed the same markup. The SVG scales to its container's width; the
class `chart` caps it in portal.css (no inline style, for a strict Content-Security-Policy)."""

from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#0d6efd", "#198754", "#fd7e14", "#dc3545", "#6f42c1", "#20c997"]
ROW_HEIGHT = 26
LABEL_WIDTH = 210
BAR_WIDTH = 300
VALUE_WIDTH = 60


def _number(value) -> str:
    if value is None:
        return "—"
    return f"{Decimal(value):.1f}".replace(".", ",").removesuffix(",0")


def bar_chart(items, *, maximum=100, title: str = "", colour: str = PALETTE[0]) -> SafeString:
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
