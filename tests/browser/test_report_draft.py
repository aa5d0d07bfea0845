"""A report typed on a phone survives a lost connection (issue 13 item 9): the form keeps the
typing in the browser until the server confirms, and offers to send it again."""

from playwright.sync_api import expect

from incidents.models import Incident

TITLE = "Ketegangan warga soal batas sawah"
CHRONOLOGY = "Dua dusun berselisih soal patok batas sawah setelah panen."


def fill_report(page):
    page.goto("/laporan/baru/")
    page.get_by_text("Potensi konflik", exact=True).click()
    page.get_by_label("Judul").fill(TITLE)
    page.get_by_label("Kronologi").fill(CHRONOLOGY)
    page.get_by_label("Sumber informasi").select_option("bhabinkamtibmas")
    page.get_by_label("Sumber konflik").select_option("sda")
    page.get_by_label("Aspek").select_option("ekonomi")
    page.get_by_label("Bentuk").select_option("sengketa_lahan")
    page.get_by_label("Kemungkinan").select_option("2")
    page.get_by_label("Besaran dampak").select_option("2")
    page.get_by_label("Nama pihak").fill("Warga Dusun Kidul")
    page.get_by_label("Jenis pihak").select_option("warga")


def draft_keys(page):
    return page.evaluate("Object.keys(localStorage).filter((k) => k.startsWith('portal-draft:'))")


def test_report_typed_during_an_outage_is_kept_and_sent_again(sign_in, phone_page, petugas, desa):
    page = phone_page
    sign_in(page, petugas.username)
    fill_report(page)

    # The page is reloaded (the phone closed the tab, the browser was restarted): still there.
    page.reload()
    expect(page.get_by_test_id("draft-restored")).to_be_visible()
    expect(page.get_by_label("Judul")).to_have_value(TITLE)
    expect(page.get_by_label("Kronologi")).to_have_value(CHRONOLOGY)
    expect(page.get_by_label("Nama pihak")).to_have_value("Warga Dusun Kidul")

    # The signal drops as "Simpan dan ajukan" is tapped.
    def offline(route):
        if route.request.method == "POST":
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/laporan/baru/", offline)
    page.get_by_role("button", name="Simpan dan ajukan").click()
    expect(page.get_by_test_id("draft-failed")).to_be_visible()
    expect(page.get_by_label("Judul")).to_have_value(TITLE)
    assert not Incident.objects.exists()
    assert draft_keys(page)

    # Back online: one tap sends it; the server's confirmation clears the stored copy.
    page.unroute("**/laporan/baru/", offline)
    page.get_by_role("button", name="Kirim lagi").click()
    expect(page.locator(".alert-success")).to_contain_text("diajukan untuk diverifikasi")
    expect(page.get_by_test_id("status")).to_have_text("Diajukan")
    assert Incident.objects.get().title == TITLE
    assert draft_keys(page) == []

    # A new form starts empty.
    page.goto("/laporan/baru/")
    expect(page.get_by_label("Judul")).to_have_value("")
    expect(page.get_by_test_id("draft-restored")).to_be_hidden()


def test_a_refused_report_keeps_the_draft_until_it_is_accepted(sign_in, phone_page, petugas, desa):
    page = phone_page
    sign_in(page, petugas.username)
    fill_report(page)
    page.get_by_label("Judul").fill("")
    page.get_by_role("button", name="Simpan dan ajukan").click()
    expect(page.locator("[data-field=title] .invalid-feedback")).to_be_visible()
    expect(page.get_by_label("Kronologi")).to_have_value(CHRONOLOGY)
    assert draft_keys(page)
    page.get_by_label("Judul").fill(TITLE)
    page.get_by_role("button", name="Simpan dan ajukan").click()
    expect(page.get_by_test_id("status")).to_have_text("Diajukan")
    assert draft_keys(page) == []
