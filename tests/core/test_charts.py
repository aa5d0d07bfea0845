"""The one SVG chart helper (core/charts.py): valid markup, labels escaped, nothing inline that a
strict CSP refuses, and the same image on a web page and in a PDF."""

import xml.etree.ElementTree as ET

from core.charts import SCREEN, Series, bar_chart, line_chart

SVG = "{http://www.w3.org/2000/svg}"


def test_line_chart_is_valid_svg_with_a_point_per_value():
    svg = str(line_chart("Tren", ["Jan", "Feb", "Mar"], [Series("Laporan", [0, 3, 1])]))
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("aria-label") == "Tren"
    assert len(root.findall(f"{SVG}circle")) == 3
    assert "Feb: 3" in svg
    assert "style=" not in svg


def test_compact_line_is_a_sparkline_of_fixed_size_without_text():
    svg = str(line_chart("Tren", ["a", "b"], [Series("L", [1, 2])], width=160, compact=True))
    root = ET.fromstring(svg)
    assert (root.get("width"), root.get("height")) == ("160", "220")
    assert root.findall(f"{SVG}text") == []


def test_several_lines_get_their_own_colour_and_legend():
    svg = str(line_chart("T", ["x", "y"], [Series("Satu", [1, 2]), Series("Dua", [2, None])]))
    root = ET.fromstring(svg)
    strokes = {line.get("stroke") for line in root.findall(f"{SVG}polyline")}
    assert len(strokes) == 2
    assert "■ Satu" in svg and "■ Dua" in svg
    assert len(root.findall(f"{SVG}circle")) == 3  # None draws no point


def test_bars_run_against_a_maximum_and_never_past_it():
    root = ET.fromstring(str(bar_chart("Nilai", [("A", 50), ("B", 150), ("C", None)], maximum=100)))
    bars = [r for r in root.findall(f"{SVG}rect") if r.get("class") == "chart-bar"]
    widths = [float(r.get("width")) for r in bars]
    assert widths[0] * 2 == widths[1]  # 150 is drawn as 100
    assert widths[2] == 0


def test_a_screen_chart_keeps_its_text_readable_in_a_phone_s_and_a_desktop_s_column():
    """Drawn at its own size, a chart only shrinks in a narrower box: its text renders at
    size x box / width. A 640-wide chart stretched to its box had 5-6 px text on a phone."""
    items = [("Kolaborasi lintas sektor", 48.5), ("Evaluasi berkelanjutan", None)]
    root = ET.fromstring(str(bar_chart("Nilai per pilar", items, maximum=100, **SCREEN)))
    width = float(root.get("width"))
    assert root.get("viewBox").split()[2] == root.get("width")  # drawn at its own size
    sizes = [float(t.get("font-size")) for t in root.iter(f"{SVG}text")]
    # A phone of 390 px leaves a card about 330 px wide; a desktop column (516 px) keeps it.
    for box in (330, 516):
        assert min(sizes) * min(box, width) / width >= 12, box
    # Each label whole on its own line, above its bar.
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "Kolaborasi lintas sektor" in labels and "Evaluasi berkelanjutan" in labels


def test_bars_may_each_have_their_own_colour():
    root = ET.fromstring(
        str(bar_chart("Kelas", [("a", 1), ("b", 3)], colours=["#009E73", "#D55E00"], **SCREEN))
    )
    bars = [r for r in root.findall(f"{SVG}rect") if r.get("class") == "chart-bar"]
    assert [r.get("fill") for r in bars] == ["#009E73", "#D55E00"]


def test_labels_and_titles_are_escaped():
    svg = str(bar_chart("A & B", [('<script>alert("x")</script>', 1)]))
    assert "<script>" not in svg
    assert "A &amp; B" in svg
    ET.fromstring(svg)


def test_empty_and_all_zero_series_draw_without_error():
    ET.fromstring(str(line_chart("Kosong", [], [])))
    ET.fromstring(str(line_chart("Nol", ["a", "b"], [Series("L", [0, 0])])))
    ET.fromstring(str(bar_chart("Kosong", [])))
    ET.fromstring(str(bar_chart("Kosong", [], **SCREEN)))


def test_colours_are_attributes_not_styles():
    for svg in (
        line_chart("T", ["a"], [Series("L", [1])]),
        bar_chart("T", [("a", 1)]),
        bar_chart("T", [("a", 1)], **SCREEN),
    ):
        assert "style=" not in str(svg) and 'fill="#' in str(svg)
