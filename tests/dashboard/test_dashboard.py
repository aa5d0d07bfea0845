"""The dashboard's figures."""

import re

import pytest

from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db


def test_dashboard_cards_link_to_exactly_what_they_count(
    client, sekretariat, petugas_unscoped, kecamatan
):
    for status, likelihood in [
        ("diajukan", 4),
        ("diverifikasi", 3),
        ("ditangani", 1),
        ("selesai", 4),
        ("diajukan", 1),
    ]:
        IncidentFactory(
            kecamatan=kecamatan,
            reported_by=petugas_unscoped,
            status=status,
            likelihood=likelihood,
            impact=3,
        )
    client.force_login(sekretariat)
    dashboard = client.get("/").content.decode()
    cards = re.findall(
        r'href="(/laporan/\?[^"]*)"><div class="card-body">\s*<div[^>]*>[^<]*</div>\s*'
        r'<div[^>]*data-testid="(count-[a-z-]+)">(\d+)</div>',
        dashboard,
    )
    assert len(cards) == 4
    for link, testid, shown in cards:
        listed = client.get(link.replace("&amp;", "&")).context["paginator"].count
        assert listed == int(shown), (testid, link)
