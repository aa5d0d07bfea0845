"""The early-warning score on fixtures whose answer is worked out by hand."""

from datetime import timedelta

import pytest

from dashboard.hotspots import band, hotspots, score
from tests.factories import IncidentFactory


@pytest.fixture
def signals(frozen, kecamatan, other_kecamatan, petugas_unscoped, sekretariat):
    def report(where, days_ago, **fields):
        return IncidentFactory(
            kecamatan=where,
            reported_by=fields.pop("by", petugas_unscoped),
            occurred_at=frozen - timedelta(days=days_ago),
            **fields,
        )

    # Diwek
    report(kecamatan, 5, likelihood=3, impact=3)  # open potential, tinggi: 3 risk points
    report(kecamatan, 20, kind="kejadian", status="ditangani", likelihood=None, impact=None)
    report(kecamatan, 45, status="selesai", likelihood=1, impact=1)
    report(kecamatan, 3, status="draft")  # not counted: nobody's news yet
    report(kecamatan, 3, status="ditolak", rejection_reason="Duplikat")  # not counted
    # Wonosalam: one old open potential, sangat tinggi (4 points), restricted.
    report(
        other_kecamatan,
        100,
        status="diverifikasi",
        likelihood=4,
        impact=4,
        confidentiality="terbatas",
        by=sekretariat,
    )


def test_score_is_the_weighted_sum_shown_on_the_page(signals, pimpinan, frozen):
    ranked = hotspots(pimpinan, frozen.date())
    diwek, wonosalam = ranked
    assert diwek.kecamatan.name == "Diwek"
    assert diwek.parts == {
        "recent_30": 2,
        "rise_30": 1,  # 2 in the last 30 days against 1 in the 30 before
        "rise_90": 3,  # 3 in the last 90 days against none before
        "open_risk": 3,
        "escalation": 1,
        "unresolved": 2,
    }
    # 2x2 + 3x1 + 1x3 + 1x3 + 4x1 + 1x2
    assert diwek.score == 19
    assert diwek.alert
    assert wonosalam.parts["open_risk"] == 4
    assert wonosalam.parts["rise_90"] == 0  # fewer than before is no rise
    assert wonosalam.score == 5
    assert not wonosalam.alert
    # 12-month trend: May (2 reports), June (1) are the last two points.
    assert diwek.trend[-2:] == [2, 1]
    assert sum(diwek.trend) == 3
    assert "<svg" in str(diwek.chart)


def test_weights_are_settings(signals, pimpinan, frozen, settings):
    settings.HOTSPOT_WEIGHTS = {**settings.HOTSPOT_WEIGHTS, "escalation": 10.0}
    diwek = hotspots(pimpinan, frozen.date(), with_trend=False)[0]
    assert diwek.score == 25


def test_restricted_reports_do_not_count_for_who_may_not_see_them(
    signals, petugas_unscoped, frozen
):
    ranked = {h.kecamatan.name: h for h in hotspots(petugas_unscoped, frozen.date())}
    assert ranked["Wonosalam"].score == 0


def test_scoped_officer_gets_only_their_kecamatan(signals, petugas, frozen):
    assert [h.kecamatan.name for h in hotspots(petugas, frozen.date())] == ["Diwek"]


def test_score_of_nothing_is_zero():
    assert score({}, {"recent_30": 2.0}) == 0


def test_hotspot_page_explains_the_rule_and_keeps_its_query_count(
    client, signals, pimpinan, frozen, django_assert_num_queries, kecamatan
):
    client.force_login(pimpinan)
    with django_assert_num_queries(7):
        page = client.get("/titik-rawan/").content.decode()
    assert "Cara menghitung skor" in page
    assert "4 × kejadian konflik" in page
    for _extra in range(5):
        IncidentFactory(kecamatan=kecamatan, reported_by=pimpinan, occurred_at=frozen)
    with django_assert_num_queries(7):
        client.get("/titik-rawan/")


def test_map_bands_follow_the_alert_score(settings):
    settings.HOTSPOT_ALERT_SCORE = 9.0
    assert [band(v) for v in (0, 1, 3.5, 6.5, 8.9, 9, 40)] == [0, 1, 2, 3, 3, 4, 4]
