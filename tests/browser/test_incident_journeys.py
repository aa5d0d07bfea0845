"""The incident journeys of the intake-to-closure workflow, in a real browser."""

import csv
import io
import re

import openpyxl
import pytest
from playwright.sync_api import expect

from directory.models import Contact
from directory.pickers import agency_label
from incidents.models import Incident
from tests.factories import IncidentFactory


@pytest.fixture
def tokoh(kecamatan):
    return Contact.objects.create(
        name="Kyai Ahmad Contoh", kind="agama", region=kecamatan, phone="081234567890"
    )


def report_potential_conflict_on_a_phone(page, photo):
    page.goto("/laporan/baru/")
    page.get_by_text("Potensi konflik", exact=True).click()
    page.get_by_label("Judul").fill("Ketegangan pemuda jelang Pilkades Ceweng")
    page.get_by_label("Kronologi").fill(
        "Dua kubu pendukung calon kepala desa saling mengancam di media sosial."
    )
    page.get_by_label("Sumber informasi").select_option("bhabinkamtibmas")
    # The desa list is loaded for the kecamatan (the officer's own, preselected).
    with page.expect_response(lambda r: "/laporan/pilihan-desa/" in r.url):
        page.get_by_label("Kecamatan").dispatch_event("change")
    desa_options = page.get_by_label("Desa/kelurahan").locator("option", has_text="Ceweng")
    expect(desa_options).to_have_count(1)
    page.get_by_label("Desa/kelurahan").select_option(label="Desa Ceweng")
    page.get_by_label("Sumber konflik").select_option("poleksosbud")
    page.get_by_label("Aspek").select_option("politik")
    page.get_by_label("Bentuk").select_option("intimidasi")
    page.get_by_label("Kemungkinan").select_option("3")
    page.get_by_label("Besaran dampak").select_option("3")
    page.get_by_label("Nama pihak").fill("Pendukung calon A")
    page.get_by_label("Jenis pihak").select_option("warga")
    page.get_by_role("button", name="Tambah pihak").click()
    page.locator("#id_parties-1-name").fill("Pendukung calon B")
    page.locator("#id_parties-1-party_type").select_option("warga")
    page.get_by_label("Bukti (foto/dokumen)").set_input_files(str(photo))
    page.get_by_role("button", name="Simpan dan ajukan").click()


def test_officer_reports_and_secretariat_handles_to_closure(
    sign_in, browser, live_server, phone_page, petugas, sekretariat, desa, agency, tokoh, photo
):
    page = phone_page
    sign_in(page, petugas.username)
    report_potential_conflict_on_a_phone(page, photo)

    expect(page.locator(".alert-success")).to_contain_text("diajukan untuk diverifikasi")
    expect(page.get_by_test_id("status")).to_have_text("Diajukan")
    expect(page.get_by_test_id("risk")).to_have_text("Tinggi")  # 3 x 3 = 9
    expect(page.get_by_test_id("evidence-list").locator("img")).to_have_count(1)
    expect(page.get_by_test_id("parties")).to_contain_text("Pendukung calon B")
    reference = page.get_by_test_id("reference").inner_text()
    assert re.fullmatch(r"PKS-\d{4}-0001", reference)
    # The officer may not verify their own report.
    expect(page.get_by_role("button", name="Verifikasi")).to_have_count(0)

    # The secretariat takes over, in a desktop window.
    context = browser.new_context(base_url=live_server.url, locale="id-ID")
    desk = context.new_page()
    sign_in(desk, sekretariat.username)
    desk.goto("/laporan/")
    desk.get_by_role("link", name=reference).click()
    desk.get_by_role("button", name="Verifikasi").click()
    expect(desk.get_by_test_id("status")).to_have_text("Diverifikasi")

    desk.get_by_role("link", name="Tambah tindak lanjut").click()
    desk.get_by_label("Tahap").select_option("pencegahan")
    desk.get_by_label("Jenis tindakan").select_option("dialog")
    desk.get_by_label("Uraian").fill("Dialog kedua kubu difasilitasi camat dan FKUB.")
    desk.get_by_label("Instansi terlibat").select_option(label=agency_label(agency))
    desk.get_by_label("Tokoh terlibat").select_option(label=tokoh.name)
    desk.get_by_label("Hasil").fill("Kedua kubu sepakat menahan diri.")
    desk.get_by_role("button", name="Simpan tindak lanjut").click()
    step = desk.get_by_test_id("step")
    expect(step).to_contain_text("Dialog kedua kubu")
    expect(step).to_contain_text(str(agency))
    expect(step).to_contain_text("Kyai Ahmad Contoh")

    desk.get_by_role("button", name="Tandai ditangani").click()
    expect(desk.get_by_test_id("status")).to_have_text("Ditangani")
    desk.get_by_label("Cara penyelesaian").select_option("damai")
    desk.get_by_role("button", name="Nyatakan selesai").click()
    expect(desk.get_by_test_id("status")).to_have_text("Selesai")
    # Closing is final: the page asks for a confirmation first.
    desk.get_by_label("Saya yakin: laporan yang ditutup tidak dapat diubah lagi.").check()
    desk.get_by_role("button", name="Tutup laporan").click()
    expect(desk.get_by_test_id("status")).to_have_text("Ditutup")

    timeline = desk.get_by_test_id("timeline")
    for status in ("Draf", "Diajukan", "Diverifikasi", "Ditangani", "Selesai", "Ditutup"):
        expect(timeline).to_contain_text(status)
    expect(desk.get_by_test_id("history")).to_contain_text("Budi Sekretariat")
    context.close()

    incident = Incident.objects.get(reference=reference)
    assert incident.status == "ditutup" and incident.resolution == "damai"
    assert incident.evidence.get().content_type == "image/jpeg"


def test_filtered_list_and_exports_hold_exactly_the_filtered_rows(
    sign_in, page, sekretariat, petugas_unscoped, kecamatan, other_kecamatan
):
    wanted = IncidentFactory(
        kecamatan=kecamatan,
        reported_by=petugas_unscoped,
        title="Penolakan tambang pasir oleh warga",
    )
    IncidentFactory(
        kecamatan=other_kecamatan,
        reported_by=petugas_unscoped,
        title="Penolakan tambang batu di desa lain",
    )
    IncidentFactory(
        kecamatan=kecamatan, reported_by=petugas_unscoped, title="Tawuran pelajar di alun-alun"
    )

    sign_in(page, sekretariat.username)
    page.goto("/laporan/")
    page.get_by_text("Saring dan cari").click()
    # exact: the agency picker's own search box is labelled "Cari instansi: …".
    page.get_by_label("Cari", exact=True).fill("tambang")
    page.get_by_label("Kecamatan").select_option(label=kecamatan.name)
    page.get_by_role("button", name="Terapkan").click()

    table = page.get_by_test_id("incident-table")
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text(wanted.reference)
    assert "q=tambang" in page.url and f"kecamatan={kecamatan.pk}" in page.url

    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert [r[0] for r in rows[1:]] == [wanted.reference]

    with page.expect_download() as download:
        page.get_by_test_id("export-xlsx").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    assert [r[0] for r in list(sheet.values)[1:]] == [wanted.reference]


def test_bad_input_on_the_phone_keeps_what_was_typed(sign_in, phone_page, petugas, desa, tmp_path):
    fake = tmp_path / "foto.jpg"
    fake.write_text("<html><script>alert(1)</script></html>")
    page = phone_page
    sign_in(page, petugas.username)
    page.goto("/laporan/baru/")
    page.get_by_text("Kejadian konflik", exact=True).click()
    page.get_by_label("Judul").fill("Perusakan warung")
    page.get_by_label("Kronologi").fill("Sekelompok orang merusak warung.")
    page.get_by_label("Waktu kejadian").fill("2099-01-01T10:00")
    page.get_by_label("Korban luka").fill("-3")
    page.get_by_label("Bukti (foto/dokumen)").set_input_files(str(fake))
    page.get_by_role("button", name="Simpan sebagai draf").click()

    expect(page.locator("[data-field=occurred_at] .invalid-feedback")).to_contain_text(
        "tidak boleh di masa depan"
    )
    expect(page.locator("[data-field=injured] .invalid-feedback")).to_be_visible()
    expect(page.locator("[data-field=files] .invalid-feedback")).to_contain_text(
        "tidak sesuai dengan jenisnya"
    )
    expect(page.get_by_label("Judul")).to_have_value("Perusakan warung")
    assert not Incident.objects.exists()
