"""An administrator types a date in the administration day first (issue 11 notes): the decree
date of the year's team, typed as on paper, saved and shown back the same way."""

from datetime import date

from playwright.sync_api import expect

from directory.models import TeamDecree


def test_admin_enters_a_decree_date_day_first_and_a_wrong_one_is_explained(
    sign_in, page, admin_user
):
    sign_in(page, admin_user.username)
    page.goto("/admin/directory/teamdecree/add/")
    page.get_by_label("Tahun:").fill("2026")
    page.get_by_label("Nomor SK:").fill("188/12/415.10.1.3/2026")
    decree_date = page.get_by_label("Tanggal SK:")
    expect(decree_date).to_have_attribute("placeholder", "HH/BB/TTTT")
    # No English calendar and "Today" shortcut next to the box.
    expect(page.locator(".datetimeshortcuts")).to_have_count(0)

    decree_date.fill("31/02/2026")
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.locator(".field-decree_date .errorlist")).to_contain_text(
        "Tanggal tidak valid; gunakan format HH/BB/TTTT."
    )
    expect(page.get_by_label("Tanggal SK:")).to_have_value("31/02/2026")

    page.get_by_label("Tanggal SK:").fill("02/01/2026")
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.locator("ul.messagelist")).to_contain_text("berhasil")
    assert TeamDecree.objects.get(year=2026).decree_date == date(2026, 1, 2)
    # The list shows it as a date in words, the change form as typed.
    expect(page.locator("#result_list tbody tr", has_text="2026")).to_contain_text("2 Januari 2026")
    page.locator("#result_list tbody tr", has_text="2026").get_by_role("link").first.click()
    expect(page.get_by_label("Tanggal SK:")).to_have_value("02/01/2026")
