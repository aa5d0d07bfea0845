"""A report typed on a phone survives a lost connection (issue 13 item 9): the form keeps the
typing in the browser until the server confirms, and offers to send it again."""

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from playwright.sync_api import expect

from incidents.models import Incident
from tests.factories import DEFAULT_PASSWORD, IncidentFactory

TITLE = "Ketegangan warga soal batas sawah"
CHRONOLOGY = "Dua dusun berselisih soal patok batas sawah setelah panen."
WIB = ZoneInfo("Asia/Jakarta")


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


def sends_fail(route):
    """For page.route(): the signal drops as the form is sent; pages still load."""
    if route.request.method == "POST":
        route.abort("internetdisconnected")
    else:
        route.continue_()


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
    page.route("**/laporan/baru/", sends_fail)
    page.get_by_role("button", name="Simpan dan ajukan").click()
    expect(page.get_by_test_id("draft-failed")).to_be_visible()
    expect(page.get_by_label("Judul")).to_have_value(TITLE)
    assert not Incident.objects.exists()
    assert draft_keys(page)

    # Back online: one tap sends it; the server's confirmation clears the stored copy.
    page.unroute("**/laporan/baru/", sends_fail)
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


def test_a_quick_report_sent_after_the_session_ended_is_kept_through_the_login(
    sign_in, phone_page, petugas, desa
):
    # Typed in the field for longer than the idle timeout: the send meets the login page.
    page = phone_page
    sign_in(page, petugas.username)
    page.goto("/laporan/lapor-cepat/")
    page.get_by_text("Kejadian konflik", exact=True).click()
    page.get_by_label("Judul").fill(TITLE)
    page.get_by_label("Apa yang terjadi").fill(CHRONOLOGY)
    page.get_by_label("Sumber informasi").select_option("babinsa")
    # The draft keeps the typing, not the page's one-time submission token.
    stored = page.evaluate("JSON.stringify(Object.entries(localStorage))")
    assert TITLE in stored and "submission_token" not in stored
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)  # the CSRF cookie stays
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page).to_have_url(re.compile(r"/akun/masuk/\?next=/laporan/lapor-cepat/"))
    assert not Incident.objects.exists()

    page.get_by_label("Nama pengguna").fill(petugas.username)
    page.get_by_label("Sandi").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Masuk").click()

    expect(page.get_by_test_id("draft-restored")).to_be_visible()
    expect(page.get_by_label("Judul")).to_have_value(TITLE)
    expect(page.get_by_label("Apa yang terjadi")).to_have_value(CHRONOLOGY)
    expect(page.get_by_test_id("occurred-restored")).to_be_hidden()  # the same day
    page.get_by_label("Desa/kelurahan").select_option(label=f"{desa.name} ({desa.parent.name})")
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.get_by_test_id("status")).to_have_text("Diajukan")
    assert Incident.objects.get().chronology == CHRONOLOGY
    assert draft_keys(page) == []


def test_a_quick_report_typed_in_an_outage_keeps_its_day_when_sent_next_morning(
    sign_in, phone_page, petugas, desa, time_machine
):
    """Typed on the evening of 30 April (the last day of period B04) with no signal, sent the
    next morning from a new page, which offers that morning's date: the restored draft keeps
    the day the officer had, so the event stays on 30 April."""
    page = phone_page
    time_machine.move_to(datetime(2025, 4, 30, 21, 15, tzinfo=WIB), tick=True)
    sign_in(page, petugas.username)
    page.goto("/laporan/lapor-cepat/")
    when = page.get_by_label("Kapan terjadi")
    expect(when).to_have_value("30/04/2025")
    expect(page.get_by_test_id("occurred-restored")).to_be_hidden()
    page.get_by_text("Kejadian konflik", exact=True).click()
    page.get_by_label("Judul").fill(TITLE)
    page.get_by_label("Apa yang terjadi").fill(CHRONOLOGY)
    page.get_by_label("Desa/kelurahan").select_option(label=f"{desa.name} ({desa.parent.name})")
    page.get_by_label("Sumber informasi").select_option("babinsa")
    page.route("**/laporan/lapor-cepat/", sends_fail)
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.get_by_test_id("draft-failed")).to_be_visible()
    assert not Incident.objects.exists()

    # The next morning, the signal back: the idle session has ended, the officer signs in
    # again and opens "Lapor cepat" anew.
    page.unroute("**/laporan/lapor-cepat/", sends_fail)
    time_machine.move_to(datetime(2025, 5, 1, 7, 30, tzinfo=WIB), tick=True)
    sign_in(page, petugas.username)
    page.goto("/laporan/lapor-cepat/")
    expect(page.get_by_test_id("draft-restored")).to_be_visible()
    expect(page.get_by_label("Judul")).to_have_value(TITLE)
    expect(when).to_have_value("30/04/2025")
    # Not today's date: pointed out under the field, so an old draft cannot backdate unseen.
    expect(page.get_by_test_id("occurred-restored")).to_be_visible()
    page.get_by_role("button", name="Kirim laporan").click()
    expect(page.get_by_test_id("status")).to_have_text("Diajukan")
    expect(page.get_by_test_id("occurred-at")).to_contain_text("30 April 2025")
    incident = Incident.objects.get()
    assert timezone.localtime(incident.occurred_at).date() == date(2025, 4, 30)
    assert draft_keys(page) == []


def test_an_edit_sent_after_the_session_ended_is_kept_and_meets_a_colleague_s_change(
    sign_in, phone_page, petugas, kecamatan
):
    # Completing a report in the field outlasts the idle sign-out; meanwhile a colleague
    # corrected the chronology. The typing comes back after the login, and saving it warns
    # instead of writing the colleague's correction over.
    report = IncidentFactory(kecamatan=kecamatan, reported_by=petugas, status="diajukan")
    page = phone_page
    sign_in(page, petugas.username)
    page.goto(f"/laporan/{report.pk}/ubah/")
    page.get_by_label("Judul").fill(TITLE)
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    Incident.objects.filter(pk=report.pk).update(chronology=CHRONOLOGY, version=F("version") + 1)
    page.get_by_role("button", name="Simpan perubahan").click()
    expect(page).to_have_url(re.compile(rf"/akun/masuk/\?next=/laporan/{report.pk}/ubah/"))

    page.get_by_label("Nama pengguna").fill(petugas.username)
    page.get_by_label("Sandi").fill(DEFAULT_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_test_id("draft-restored")).to_be_visible()
    expect(page.get_by_label("Judul")).to_have_value(TITLE)

    page.get_by_role("button", name="Simpan perubahan").click()
    expect(page.get_by_test_id("stale-edit")).to_be_visible()
    report.refresh_from_db()
    assert report.chronology == CHRONOLOGY and report.title != TITLE
    # Leaving the warning and coming back: the kept typing still meets it, it is not saved as
    # if written after the colleague's change.
    page.goto(f"/laporan/{report.pk}/")
    page.goto(f"/laporan/{report.pk}/ubah/")
    expect(page.get_by_label("Judul")).to_have_value(TITLE)
    page.get_by_role("button", name="Simpan perubahan").click()
    expect(page.get_by_test_id("stale-edit")).to_be_visible()
    report.refresh_from_db()
    assert report.title != TITLE
    page.get_by_role("button", name="Simpan perubahan").click()  # saved knowingly now
    expect(page.get_by_test_id("status")).to_be_visible()
    report.refresh_from_db()
    assert report.title == TITLE
    assert draft_keys(page) == []


def test_cancelling_an_edit_forgets_its_typing(sign_in, phone_page, petugas, kecamatan):
    report = IncidentFactory(kecamatan=kecamatan, reported_by=petugas, status="diajukan")
    page = phone_page
    sign_in(page, petugas.username)
    page.goto(f"/laporan/{report.pk}/ubah/")
    page.get_by_label("Judul").fill(TITLE)
    page.get_by_role("link", name="Batal").click()
    expect(page).to_have_url(re.compile(rf"/laporan/{report.pk}/$"))
    assert draft_keys(page) == []
    page.goto(f"/laporan/{report.pk}/ubah/")
    expect(page.get_by_label("Judul")).to_have_value(report.title)


def test_a_handling_step_typed_during_an_outage_is_kept_and_sent_again(
    sign_in, phone_page, sekretariat, petugas, kecamatan
):
    report = IncidentFactory(kecamatan=kecamatan, reported_by=petugas, status="diverifikasi")
    page = phone_page
    sign_in(page, sekretariat.username)
    page.goto(f"/laporan/{report.pk}/tindak-lanjut/")
    page.get_by_label("Tahap").select_option("pencegahan")
    page.get_by_label("Jenis tindakan").select_option("dialog")
    page.get_by_label("Uraian").fill("Dialog kedua kubu difasilitasi camat dan FKUB.")
    page.get_by_label("Hasil").fill("Kedua kubu sepakat menahan diri.")
    page.reload()  # the tab was closed and opened again
    expect(page.get_by_test_id("draft-restored")).to_be_visible()
    expect(page.get_by_label("Uraian")).to_have_value(
        "Dialog kedua kubu difasilitasi camat dan FKUB."
    )

    page.route("**/tindak-lanjut/", sends_fail)
    page.get_by_role("button", name="Simpan tindak lanjut").click()
    expect(page.get_by_test_id("draft-failed")).to_contain_text("Tindak lanjut belum terkirim")
    assert not report.steps.exists()

    page.unroute("**/tindak-lanjut/", sends_fail)
    page.get_by_role("button", name="Kirim lagi").click()
    expect(page.get_by_test_id("step")).to_contain_text("Dialog kedua kubu")
    assert report.steps.get().outcome == "Kedua kubu sepakat menahan diri."
    assert draft_keys(page) == []


def test_a_restored_draft_brings_back_the_desa_and_the_kind_s_risk_section(
    sign_in, phone_page, petugas_unscoped, kecamatan, other_kecamatan, desa
):
    # An officer for the whole regency picks the kecamatan, then its desa (loaded for it).
    page = phone_page
    sign_in(page, petugas_unscoped.username)
    fill_report(page)
    page.locator("#id_kecamatan").select_option(label=kecamatan.name)
    expect(page.locator("#id_desa option", has_text=desa.name)).to_have_count(1)
    page.locator("#id_desa").select_option(value=str(desa.pk))

    page.reload()  # the desa list is loaded again for the restored kecamatan

    expect(page.get_by_test_id("draft-restored")).to_be_visible()
    expect(page.locator("#id_kecamatan option:checked")).to_have_text(kecamatan.name)
    expect(page.locator("#id_desa")).to_have_value(str(desa.pk))
    expect(page.get_by_label("Kemungkinan")).to_be_visible()  # a potential's risk section
    page.wait_for_load_state("networkidle")  # the bell's count swapped in: the desa stays
    expect(page.locator("#id_desa")).to_have_value(str(desa.pk))
    page.get_by_role("button", name="Simpan dan ajukan").click()
    expect(page.get_by_test_id("status")).to_have_text("Diajukan")
    assert Incident.objects.get().desa == desa


def test_send_again_sends_what_was_corrected_after_the_failure(sign_in, phone_page, petugas, desa):
    page = phone_page
    sign_in(page, petugas.username)
    fill_report(page)
    page.get_by_label("Judul").fill("Ketegangan wraga")  # a typo

    page.route("**/laporan/baru/", sends_fail)
    page.get_by_role("button", name="Simpan dan ajukan").click()
    expect(page.get_by_test_id("draft-failed")).to_be_visible()
    page.get_by_label("Judul").fill(TITLE)  # corrected while waiting for the signal
    page.unroute("**/laporan/baru/", sends_fail)
    page.get_by_role("button", name="Kirim lagi").click()
    expect(page.get_by_test_id("status")).to_have_text("Diajukan")
    assert Incident.objects.get().title == TITLE


def test_signing_out_forgets_the_drafts_on_the_device(sign_in, phone_page, petugas, desa):
    # A shared office phone: the next person must not find the report text in its storage.
    page = phone_page
    sign_in(page, petugas.username)
    fill_report(page)
    assert draft_keys(page)

    page.get_by_role("button", name="Buka menu").click()
    # The menu slides open; a tap on the account menu while it slides can be lost.
    expect(page.locator("#mainNav")).to_have_class(re.compile(r"\bshow\b"))
    page.get_by_test_id("user-menu").click()
    expect(page.get_by_test_id("user-menu")).to_have_attribute("aria-expanded", "true")
    page.get_by_role("button", name="Keluar").click()
    expect(page).to_have_url(re.compile(r"/akun/masuk/"))
    assert draft_keys(page) == []


def test_another_account_signing_in_forgets_the_previous_account_s_draft(
    sign_in, phone_page, petugas, petugas_unscoped, desa
):
    # The first officer's session ended while typing (kept for them, see above); a colleague
    # then signs in on the same phone.
    page = phone_page
    sign_in(page, petugas.username)
    fill_report(page)
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)

    sign_in(page, petugas_unscoped.username)
    page.goto("/")
    assert draft_keys(page) == []
    page.goto("/laporan/baru/")
    expect(page.get_by_label("Judul")).to_have_value("")


def test_a_send_refused_as_too_large_says_to_shrink_the_attachments(
    sign_in, phone_page, petugas, desa
):
    # The proxy in front of the portal (docs/deploy.md) refuses a body over its limit with its
    # own 413 page; "connection lost, send again" would fail the same way forever.
    page = phone_page
    sign_in(page, petugas.username)
    fill_report(page)

    def too_large(route):
        if route.request.method == "POST":
            route.fulfill(
                status=413, content_type="text/html", body="<h1>413 Request Entity Too Large</h1>"
            )
        else:
            route.continue_()

    page.route("**/laporan/baru/", too_large)
    page.get_by_role("button", name="Simpan dan ajukan").click()
    notice = page.get_by_test_id("draft-failed")
    expect(notice).to_contain_text("Lampirannya terlalu besar untuk dikirim sekaligus")
    expect(notice.locator("[data-draft-unsent]")).to_be_hidden()
    expect(page.get_by_label("Judul")).to_have_value(TITLE)
    assert draft_keys(page)

    # Without the attachments it goes through, and the notice is the plain one again on a drop.
    page.unroute("**/laporan/baru/", too_large)
    page.route("**/laporan/baru/", sends_fail)
    page.get_by_role("button", name="Kirim lagi").click()
    expect(notice.locator("[data-draft-unsent]")).to_be_visible()
    expect(notice.locator("[data-draft-too-large]")).to_be_hidden()
