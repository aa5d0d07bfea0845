"""The documents' charts are shown in the browser preview, under a CSP without
'unsafe-inline': no style attribute, fonts as presentation attributes."""

from reports.charts import Series, bar_chart, line_chart


def test_charts_carry_no_style_attribute():
    bar = bar_chart("Laporan per kecamatan", [("Diwek", 3), ("Perak", 1)])
    line = line_chart("Tren", ["B04", "B08", "B12"], [Series("Capaian", [10, 20, 30])])
    for svg in (bar, line):
        assert "style=" not in svg
        assert "font-family=" in svg
