"""The evaluation page's charts: each achievement class in a colour that means what it says
(they followed the palette's order, so "Tercapai" was red and "Mendekati target" green), named
in words next to its bar, never by colour alone. Rendered sizes are checked in a browser
(tests/browser/test_evaluation_journeys.py)."""

import xml.etree.ElementTree as ET

import pytest

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def chart(page: str, testid: str):
    start = page.index(f'data-testid="{testid}">') + len(f'data-testid="{testid}">')
    return ET.fromstring(page[start : page.index("</svg>", start) + len("</svg>")])


def test_each_achievement_class_has_its_meaningful_colour_and_its_name(client, world, sekretariat):
    client.force_login(sekretariat)
    root = chart(client.get("/evaluasi/2024/B04/").content.decode(), "class-chart")
    bars = {
        bar.find(f"{SVG}title").text.split(":")[0]: bar.get("fill")
        for bar in root.iter(f"{SVG}rect")
        if bar.get("class") == "chart-bar"
    }
    assert bars == {
        "Melampaui target": "#0072B2",  # blue
        "Tercapai": "#009E73",  # green
        "Mendekati target": "#E69F00",  # amber
        "Di bawah target": "#D55E00",  # vermilion
    }
    # The names are written out, each with its count (B04: 1.1 beyond, 1.2 near its target).
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == [
        "Melampaui target", "1", "Tercapai", "0", "Mendekati target", "1", "Di bawah target", "0",
    ]  # fmt: skip
