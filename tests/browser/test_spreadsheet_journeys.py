"""A clerk's journeys with spreadsheets: the Indonesian-Excel CSV of the report list, the contact
import from the downloaded template with a bad row, and giving a user a role."""

import csv
import io

import openpyxl
from playwright.sync_api import expect

from accounts.models import User
from directory.models import Contact
from tests.factories import IncidentFactory


def test_report_list_downloads_a_semicolon_csv_for_indonesian_excel(
    sign_in, phone_page, sekretariat, petugas_unscoped, kecamatan
):
    wanted = IncidentFactory(
        kecamatan=kecamatan, reported_by=petugas_unscoped, latitude=-7.55, longitude=112.23
    )
    page = phone_page
    sign_in(page, sekretariat.username)
    page.goto("/laporan/")

    with page.expect_download() as download:
        page.get_by_test_id("export-csv-semicolon").click()

    assert download.value.suggested_filename.startswith("laporan-pks-")
    text = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Nomor laporan"] == wanted.reference
    assert record["Lintang"] == "-7,550000"


def test_admin_fills_the_contact_template_and_fixes_a_bad_row(
    sign_in, page, admin_user, desa, tmp_path
):
    sign_in(page, admin_user.username)
    page.goto("/admin/directory/contact/import/")
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh templat Excel").click()
    assert download.value.suggested_filename == "templat-impor-tokoh.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert "Pilihan" in book.sheetnames
    row = dict(zip(header, [cell.value for cell in sheet[2]], strict=True))
    row.update({"Nama": "Kyai Uji", "Wilayah": "35.17.08.2001", "Jenis tokoh": "dukun"})
    sheet.delete_rows(2)
    sheet.append([row[h] for h in header])
    bad = tmp_path / "tokoh.xlsx"
    book.save(bad)

    page.locator("input[type=file]").set_input_files(str(bad))
    page.get_by_label("Format").select_option("0")
    page.get_by_role("button", name="Kirim").click()
    errors = page.get_by_test_id("import-errors")
    expect(errors).to_contain_text("Baris 2:")
    expect(errors).to_contain_text("kolom “Jenis tokoh”: “dukun” bukan pilihan yang dikenal")
    assert not Contact.objects.exists()

    row["Jenis tokoh"] = "Tokoh agama"
    sheet.delete_rows(2)
    sheet.append([row[h] for h in header])
    good = tmp_path / "tokoh-benar.xlsx"
    book.save(good)
    page.locator("input[type=file]").set_input_files(str(good))
    page.get_by_label("Format").select_option("0")
    page.get_by_role("button", name="Kirim").click()
    expect(page.get_by_text("35.17.08.2001 Ceweng")).to_be_visible()  # the preview names it
    page.get_by_role("button", name="Konfirmasi impor").click()
    expect(page.get_by_text("Impor selesai")).to_be_visible()
    assert Contact.objects.get().kind == "agama"


def test_admin_gives_a_user_a_role_with_one_picker(sign_in, page, admin_user, petugas):
    sign_in(page, admin_user.username)
    page.goto(f"/admin/accounts/user/{petugas.pk}/change/")
    page.get_by_label("Sekretariat").check()
    page.get_by_label("Petugas", exact=True).uncheck()
    page.get_by_role("button", name="Simpan", exact=True).click()

    expect(page.locator("#result_list")).to_contain_text("Sekretariat")
    assert User.objects.get(pk=petugas.pk).roles == {"sekretariat"}
