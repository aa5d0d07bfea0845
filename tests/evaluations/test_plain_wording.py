"""What the evaluation and hotspot pages say about their rules is written for the reader: the
values the server is set to, not the names of its settings ("EVALUATION_DIALOGUE_TARGET"), and
which weights were used in words ("bobot kerangka sejak 2012" named the year the portal's
initial weights begin, long before the portal existed)."""

import re
from html import unescape

import pytest

from evaluations import services
from evaluations.selectors import framework_for

pytestmark = pytest.mark.django_db

SETTING_NAME = re.compile(r"\b(EVALUATION|HOTSPOT)_[A-Z_]+")


def text(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def test_indicator_rules_name_the_values_set_on_the_server(client, world, sekretariat, settings):
    settings.EVALUATION_DIALOGUE_TARGET = 3
    settings.EVALUATION_RESPONSE_DAYS = [2, 10]
    client.force_login(sekretariat)
    page = text(client, "/evaluasi/2024/B04/")
    assert not SETTING_NAME.search(page), SETTING_NAME.search(page).group()
    assert "target (3 kali per periode, ditetapkan oleh administrator server)" in page
    assert (
        "Median 2 hari atau kurang = 100, 10 hari atau lebih = 0, di antaranya turun merata "
        "(batas ditetapkan oleh administrator server)." in page
    )
    drill = text(client, "/evaluasi/2024/B04/rincian/komunikasi.dialog_mediasi_rakor/")
    assert "3 kali per periode" in drill and not SETTING_NAME.search(drill)


def test_the_weights_used_are_said_in_words(client, world, sekretariat):
    client.force_login(sekretariat)
    page = text(client, "/evaluasi/2024/B04/")
    assert "· bobot awal portal" in page and "2012" not in page
    weights = text(client, "/evaluasi/2024/bobot/")
    assert "Bobot awal portal: dipakai untuk setiap tahun sampai bobotnya diubah" in weights
    assert "2012" not in weights

    # The same weights saved for 2024 make a version from 2024 on.
    pillars = framework_for(2024).pillars.all()
    services.framework_weights_update(
        year=2024,
        pillar_weights={p.code: p.weight for p in pillars},
        indicator_weights={},
        by=sekretariat,
    )
    assert "· bobot yang berlaku mulai 2024" in text(client, "/evaluasi/2024/B04/")
    assert "Bobot ini berlaku mulai tahun 2024." in text(client, "/evaluasi/2025/bobot/")


def test_the_hotspot_rule_names_no_setting(client, sekretariat, settings):
    settings.HOTSPOT_ALERT_SCORE = 7.5
    client.force_login(sekretariat)
    page = text(client, "/titik-rawan/")
    assert not SETTING_NAME.search(page)
    assert "skor 7,5 atau lebih ditandai Waspada" in page
    assert "ditetapkan oleh administrator server" in page
