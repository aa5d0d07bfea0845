"""Small server-rendered SVG charts: no JavaScript, no inline style, printable in PDFs.

Each function returns markup ready for a template (labels are escaped here). Colours come from
CSS classes (`chart-line`, `chart-bar`, ...) so pages and PDFs can style them alike.
"""

from django.utils.html import format_html
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
