"""The one SVG chart helper (core/charts.py): valid markup, labels escaped, nothing inline that a
strict CSP refuses, and the same image on a web page and in a PDF."""

import xml.etree.ElementTree as ET

from core.charts import Series, bar_chart, line_chart, stacked_bar

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


def test_stacked_shares_add_up_to_the_width():
    root = ET.fromstring(str(stacked_bar("Kelas", [("a", 1), ("b", 3)], width=400)))
    bars = [r for r in root.findall(f"{SVG}rect") if r.get("class") == "chart-bar"]
    assert [float(r.get("width")) for r in bars] == [100.0, 300.0]


def test_labels_and_titles_are_escaped():
    svg = str(bar_chart("A & B", [('<script>alert("x")</script>', 1)]))
    assert "<script>" not in svg
    assert "A &amp; B" in svg
    ET.fromstring(svg)


def test_empty_and_all_zero_series_draw_without_error():
    ET.fromstring(str(line_chart("Kosong", [], [])))
    ET.fromstring(str(line_chart("Nol", ["a", "b"], [Series("L", [0, 0])])))
    ET.fromstring(str(bar_chart("Kosong", [])))
    ET.fromstring(str(stacked_bar("Kosong", [])))


def test_colours_are_attributes_not_styles():
    for svg in (
        line_chart("T", ["a"], [Series("L", [1])]),
        bar_chart("T", [("a", 1)]),
        stacked_bar("T", [("a", 1)]),
    ):
        assert "style=" not in str(svg) and 'fill="#' in str(svg)
