"""The SVG chart helper: valid markup, labels escaped, nothing inline that a strict CSP refuses."""

import xml.etree.ElementTree as ET

from core.charts import bar_chart, line_chart


def test_line_chart_is_valid_svg_with_a_point_per_value():
    svg = str(line_chart([0, 3, 1], ["Jan", "Feb", "Mar"], title="Tren"))
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg") and root.get("aria-label") == "Tren"
    assert len(root.findall("circle")) == 3
    assert "Feb: 3" in svg
    assert "style=" not in svg


def test_labels_and_titles_are_escaped():
    svg = str(bar_chart([1], ['<script>alert("x")</script>'], title="A & B"))
    assert "<script>" not in svg
    assert "A &amp; B" in svg
    ET.fromstring(svg)


def test_empty_and_all_zero_series_draw_without_error():
    assert "<svg" in str(line_chart([], [], title="Kosong"))
    ET.fromstring(str(line_chart([0, 0], ["a", "b"], title="Nol")))
