"""First journeys: sign-in per role, lockout after wrong passwords, a contact in the admin."""

import pytest
from playwright.sync_api import expect

from accounts.choices import Role
from directory.models import Contact
from tests.helpers import login

ROLE_PANELS = {
    Role.PETUGAS: "Petugas lapangan",
    Role.SEKRETARIAT: "Sekretariat",
    Role.PIMPINAN: "Pimpinan",
    Role.ADMIN: "Administrator",
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_logs_in_and_sees_its_dashboard(phone_page, personas, role):
    page = phone_page
    login(page, personas[role].username)

    expect(page.get_by_role("heading", name="Dasbor")).to_be_visible()
    expect(page.get_by_test_id(f"panel-{role}")).to_contain_text(ROLE_PANELS[role])
    # Only the panel of the role held, not the others.
    for other in Role:
        if other != role:
            expect(page.get_by_test_id(f"panel-{other}")).to_have_count(0)
    expect(page.get_by_test_id("role-badge")).to_have_text(str(Role(role).label))


def test_scoped_officer_sees_only_their_kecamatan(page, petugas, desa, other_kecamatan):
    login(page, petugas.username)
    expect(page.get_by_test_id("whoami")).to_contain_text("Cakupan: Kecamatan Diwek")
    # The hotspot table lists only the officer's own kecamatan.
    page.get_by_role("link", name="Titik rawan").first.click()
    expect(page.get_by_test_id("hotspot-row")).to_have_count(1)
    expect(page.get_by_test_id("hotspot-row")).to_contain_text("Diwek")


def test_wrong_password_shows_indonesian_error(page, petugas):
    login(page, petugas.username, "salah-sandi")
    expect(page.get_by_test_id("login-error")).to_contain_text("Nama pengguna atau sandi salah")


def test_repeated_wrong_passwords_lock_the_account(page, petugas, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        login(page, petugas.username, "salah-sandi")

    expect(page.get_by_test_id("lockout-message")).to_contain_text("Akun dikunci sementara")
    expect(page.get_by_test_id("lockout-message")).to_contain_text("coba lagi dalam 15 menit")

    # Even the right password is refused during the cool-off.
    login(page, petugas.username)
    expect(page.get_by_test_id("lockout-message")).to_be_visible()
    expect(page.get_by_role("heading", name="Dasbor")).to_have_count(0)


def test_logout_ends_the_session(page, pimpinan):
    login(page, pimpinan.username)
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Keluar").click()
    page.goto("/")
    expect(page).to_have_url("/akun/masuk/?next=/")


def test_language_switcher_turns_the_page_english(page, sekretariat):
    login(page, sekretariat.username)
    page.get_by_label("Bahasa").select_option("en")
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    page.get_by_label("Language").select_option("id")
    expect(page.get_by_role("heading", name="Dasbor")).to_be_visible()


def test_admin_creates_contact_with_local_number_shown_as_e164(
    sign_in, page, admin_user, kecamatan
):
    sign_in(page, admin_user.username)
    page.goto("/admin/directory/contact/add/")
    page.get_by_label("Nama:").fill("Kyai Contoh Uji")
    page.get_by_label("Jenis tokoh:").select_option("agama")
    page.get_by_label("Nomor telepon:").fill("0812-3456-7890")
    page.get_by_role("button", name="Simpan", exact=True).click()

    expect(page.locator("ul.messagelist")).to_contain_text("berhasil")
    row = page.locator("#result_list tbody tr", has_text="Kyai Contoh Uji")
    expect(row).to_contain_text("+6281234567890")
    assert str(Contact.objects.get(name="Kyai Contoh Uji").phone) == "+6281234567890"


def test_admin_sees_bad_phone_number_next_to_the_field(sign_in, page, admin_user):
    sign_in(page, admin_user.username)
    page.goto("/admin/directory/contact/add/")
    page.get_by_label("Nama:").fill("Tokoh Nomor Salah")
    page.get_by_label("Jenis tokoh:").select_option("pemuda")
    page.get_by_label("Nomor telepon:").fill("12345")
    page.get_by_role("button", name="Simpan", exact=True).click()

    expect(page.locator(".field-phone .errorlist")).to_be_visible()
    expect(page.get_by_label("Nama:")).to_have_value("Tokoh Nomor Salah")
    assert not Contact.objects.filter(name="Tokoh Nomor Salah").exists()
