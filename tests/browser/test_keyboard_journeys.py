"""Keyboard-only journeys: skipping the navigation, scrolling a wide table, switching language
(all wired by static/js/portal.js, no inline script)."""

from playwright.sync_api import expect

from tests.factories import IncidentFactory
from tests.helpers import login


def test_keyboard_user_skips_the_menu_and_scrolls_the_report_list(phone_page, petugas, kecamatan):
    IncidentFactory(kecamatan=kecamatan, reported_by=petugas, title="Ketegangan antarwarga")
    page = phone_page
    login(page, petugas.username)
    page.goto("/laporan/")

    # The first Tab lands on the skip link, which is then visible; Enter moves to the content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Langsung ke isi")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#content")).to_be_focused()

    # The wide table is a named region that takes focus, so arrow keys scroll it.
    region = page.get_by_role("region", name="Daftar laporan")
    for _ in range(15):
        page.keyboard.press("Tab")
        if region.evaluate("element => element === document.activeElement"):
            break
    expect(region).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert region.evaluate("element => element.scrollLeft") > 0
