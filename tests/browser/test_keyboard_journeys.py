"""Keyboard-only journeys: skipping the navigation and scrolling a wide table on a phone."""

from playwright.sync_api import expect

from tests.factories import ActionPlanFactory, ActivityFactory


def test_keyboard_user_skips_the_menu_and_scrolls_the_rat_matrix(sign_in, phone_page, sekretariat):
    plan = ActionPlanFactory(year=2024)
    ActivityFactory(plan=plan, code="1.1", title="Rapat koordinasi deteksi dini konflik")
    page = phone_page
    sign_in(page, sekretariat.username)
    page.goto(f"/rat/{plan.year}/")

    # The first Tab lands on the skip link, which is then visible; Enter moves to the content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Langsung ke isi")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#content")).to_be_focused()

    # The matrix is wider than the phone: a named region that takes focus, so arrows scroll it.
    region = page.get_by_role("region", name="Matriks RAT 2024")
    assert region.evaluate("element => element.scrollWidth > element.clientWidth")
    for _ in range(30):
        page.keyboard.press("Tab")
        if region.evaluate("element => element === document.activeElement"):
            break
    expect(region).to_be_focused()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    # The browser may scroll smoothly: wait for the region to have moved (fails after 5 s).
    page.wait_for_function("el => el.scrollLeft > 0", arg=region.element_handle(), timeout=5000)
