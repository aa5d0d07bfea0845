"""The report list on a phone (issue 12): cards, checkbox filters that keep the dashboard's
links working, the active-filter count, titles of its own, sort labels in Indonesian."""

import re

import pytest

from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(kecamatan, petugas_unscoped, petugas):
    high = IncidentFactory(
        kecamatan=kecamatan, reported_by=petugas_unscoped, likelihood=4, impact=4, title="Tinggi"
    )
    mine = IncidentFactory(
        kecamatan=kecamatan, reported_by=petugas, likelihood=1, impact=1, title="Punya petugas"
    )
    return high, mine


def test_each_report_is_a_card_with_status_risk_kind_and_date(client, sekretariat, two):
    high, _mine = two
    client.force_login(sekretariat)
    html = client.get("/laporan/").content.decode()
    cards = html[
        html.index('data-testid="incident-cards"') : html.index(
            "</ul>", html.index('data-testid="incident-cards"')
        )
    ]
    assert high.reference in cards
    assert "Tinggi" in cards
    assert "Sangat tinggi" in cards  # risk badge
    assert "Diajukan" in cards  # status badge
    assert "Potensi konflik" in cards
    assert high.occurred_at.astimezone().strftime("%d/%m/%Y") in cards
    # The table stays for wider screens.
    assert 'class="table-responsive d-none d-md-block"' in html


def test_status_and_risk_are_checkboxes_and_the_dashboard_links_still_filter(
    client, sekretariat, two
):
    high, _mine = two
    client.force_login(sekretariat)
    response = client.get("/laporan/?status=diajukan&status=ditangani&risk_level=sangat_tinggi")
    html = response.content.decode()
    assert [i.reference for i in response.context["incidents"]] == [high.reference]
    assert re.search(r'<input type="checkbox"[^>]*name="status"[^>]*value="diajukan" checked', html)
    assert re.search(
        r'<input type="checkbox"[^>]*name="status"[^>]*value="ditangani" checked', html
    )
    assert not re.search(r'name="status"[^>]*value="selesai" checked', html)
    assert "<legend" in html and "Tingkat risiko" in html
    assert '<select name="status"' not in html


def test_the_phone_toggle_counts_the_active_filters(client, sekretariat, two):
    client.force_login(sekretariat)
    html = client.get("/laporan/?status=diajukan&status=ditangani&kind=potensi&sort=title").content
    toggle = html.decode().split('data-testid="filters-toggle"')[1].split("</button>")[0]
    assert "2 aktif" in toggle  # status and kind; sorting is no filter
    plain = client.get("/laporan/").content.decode()
    assert "aktif" not in plain.split('data-testid="filters-toggle"')[1].split("</button>")[0]


def test_the_verification_queue_and_my_reports_have_their_own_titles(
    client, sekretariat, petugas, two
):
    client.force_login(sekretariat)
    assert client.get("/laporan/?status=diajukan").context["page_title"] == "Antrean verifikasi"
    assert client.get("/laporan/?status=ditolak").context["page_title"] == "Laporan konflik"
    assert client.get("/laporan/").context["page_title"] == "Laporan konflik"
    client.force_login(petugas)
    response = client.get("/laporan/?mine=true")
    assert response.context["page_title"] == "Laporan saya"
    assert [i.title for i in response.context["incidents"]] == ["Punya petugas"]


def test_sort_options_are_spelled_out_in_indonesian(client, sekretariat, two):
    client.force_login(sekretariat)
    response = client.get("/laporan/?sort=-risk_level")
    html = response.content.decode()
    assert "Tingkat risiko, tertinggi dulu" in html
    assert "Waktu kejadian, terbaru dulu" in html
    assert "descending" not in html
    assert [i.title for i in response.context["incidents"]] == ["Tinggi", "Punya petugas"]
    ascending = client.get("/laporan/?sort=risk_level").context["incidents"]
    assert [i.title for i in ascending] == ["Punya petugas", "Tinggi"]


def test_filtered_list_query_count_is_pinned(
    client, sekretariat, kecamatan, petugas_unscoped, django_assert_num_queries
):
    for _ in range(30):
        IncidentFactory(kecamatan=kecamatan, reported_by=petugas_unscoped)
    client.force_login(sekretariat)
    # session, user, roles, the total from the tally and the user's own author-only reports,
    # kecamatan and agency options (no desa before a kecamatan is chosen), page rows, the
    # session's expiry moved on
    with django_assert_num_queries(9):
        response = client.get("/laporan/?status=diajukan&risk_level=sedang&per_page=25")
    assert len(response.context["incidents"]) == 25


def _cards_and_table(html):
    cards_at = html.index('data-testid="incident-cards"')
    table_at = html.index('data-testid="incident-table"')
    return html[cards_at : html.index("</ul>", cards_at)], html[
        table_at : html.index("</table>", table_at)
    ]


def test_card_and_table_row_escape_what_was_typed_and_mark_restricted_and_incomplete(
    client, sekretariat, kecamatan, desa
):
    """The rows are drawn in Python (incidents/listing.py), not by the template engine: what a
    reporter typed must still arrive as text, in the card and in the table row alike."""
    desa.name = 'Ceweng & "Kidul"'
    desa.save()
    IncidentFactory(
        kecamatan=kecamatan,
        desa=desa,
        title="<script>alert(1)</script> Warga & santri",
        confidentiality="terbatas",
        needs_completion=True,
    )
    client.force_login(sekretariat)
    for language, restricted, incomplete in (
        ("id", "Terbatas", "Perlu dilengkapi"),
        ("en", "Restricted", "To be completed"),
    ):
        client.cookies["django_language"] = language
        html = client.get("/laporan/").content.decode()
        assert "<script>alert(1)" not in html
        for part in _cards_and_table(html):
            assert "&lt;script&gt;alert(1)&lt;/script&gt; Warga &amp; santri" in part
            assert "Ceweng &amp; &quot;Kidul&quot;" in part
            assert (
                f'<i class="bi bi-lock-fill text-danger" title="{restricted}" aria-hidden="true">'
                f'</i><span class="visually-hidden">{restricted}</span>' in part
            )
            assert f'<span class="badge text-bg-warning">{incomplete}</span>' in part


def test_a_plain_report_has_no_lock_and_no_completion_badge_and_no_match_says_so(
    client, sekretariat, two
):
    client.force_login(sekretariat)
    html = client.get("/laporan/").content.decode()
    for part in _cards_and_table(html):
        assert "Tinggi" in part
        assert "lock-fill" not in part
        assert "Perlu dilengkapi" not in part
    empty = client.get("/laporan/?q=tidakadayangcocok").content.decode()
    for part in _cards_and_table(empty):
        assert "Tidak ada laporan yang cocok." in part
        assert "Tinggi" not in part
