"""A large archive as a person meets it on a phone: the list says how many reports there are
(read from the tally, exact beyond the count's cap) or, under filters the tally does not keep,
"more than" instead of counting everything, and pages on by cursor to the last report; the
dashboard's cards (read from the tally) lead to the same reports as the list."""

from playwright.sync_api import expect

from core.pagination import CappedPaginator
from incidents.models import Incident
from tests.factories import IncidentFactory


def test_secretariat_pages_through_a_capped_list_and_follows_a_dashboard_card(
    sign_in, phone_page, sekretariat, kecamatan, monkeypatch
):
    page = phone_page
    IncidentFactory.create_batch(20, kecamatan=kecamatan, reported_by=sekretariat)
    Incident.objects.filter(pk__in=Incident.objects.order_by("pk")[:2]).update(status="ditangani")
    monkeypatch.setattr(CappedPaginator, "cap", 15)
    sign_in(page, sekretariat.username)
    page.goto("/")

    expect(page.get_by_test_id("count-submitted")).to_have_text("18")
    expect(page.get_by_test_id("count-handling")).to_have_text("2")

    page.goto("/laporan/?per_page=10&has_steps=false")
    expect(page.get_by_test_id("result-count")).to_contain_text("Lebih dari 15 laporan")
    page.goto("/laporan/?per_page=10")
    expect(page.get_by_test_id("result-count")).to_have_text("20 laporan")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # On a phone the list is a column of cards, one per report.
    rows = page.get_by_test_id("incident-cards").locator("li.card")
    first_row = rows.first.get_by_role("link").inner_text()
    # Beyond the cap: no page numbers, a cursor to the next, previous and last page.
    page.get_by_role("link", name="Berikutnya").click()
    expect(rows).to_have_count(10)
    expect(rows.first.get_by_role("link")).not_to_have_text(first_row)
    expect(page.get_by_role("link", name="Berikutnya")).to_have_count(0)
    expect(page.get_by_role("link", name="Terakhir")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.get_by_role("link", name="Sebelumnya").click()
    expect(rows.first.get_by_role("link")).to_have_text(first_row)
    expect(page.get_by_role("link", name="Sebelumnya")).to_have_count(0)
    page.get_by_role("link", name="Terakhir").click()
    expect(rows).to_have_count(10)
    expect(page.get_by_role("link", name="Pertama")).to_be_visible()

    page.goto("/laporan/?status=ditangani")
    expect(page.get_by_test_id("result-count")).to_contain_text("2 laporan")
    expect(page.get_by_test_id("incident-cards").locator("li.card")).to_have_count(2)


def test_officer_sees_the_exact_total_of_what_they_may_see_beyond_the_cap(
    sign_in, phone_page, petugas, sekretariat, kecamatan, monkeypatch
):
    """The officer's own restricted reports and drafts are in the total (from their author
    tally); someone else's restricted report is not, neither in the total nor in the cards."""
    page = phone_page
    IncidentFactory.create_batch(8, kecamatan=kecamatan, reported_by=sekretariat)
    IncidentFactory(kecamatan=kecamatan, reported_by=sekretariat, confidentiality="terbatas")
    IncidentFactory.create_batch(
        3, kecamatan=kecamatan, reported_by=petugas, confidentiality="terbatas"
    )
    IncidentFactory(kecamatan=kecamatan, reported_by=petugas, status="draft")
    monkeypatch.setattr(CappedPaginator, "cap", 10)
    sign_in(page, petugas.username)

    page.goto("/laporan/?per_page=10")
    expect(page.get_by_test_id("result-count")).to_have_text("12 laporan")
    rows = page.get_by_test_id("incident-cards").locator("li.card")
    expect(rows).to_have_count(10)
    page.get_by_role("link", name="Berikutnya").click()
    expect(rows).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
