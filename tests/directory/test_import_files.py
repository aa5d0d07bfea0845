"""Agency and contact files as clerks make them: emptied and formatted rows, their own headers,
`;` CSVs, Windows encodings, files too large; and empty cells that keep what is stored."""

import csv
import io

import openpyxl
import pytest
from openpyxl.styles import Border, Side

from directory import resources
from directory.models import Agency, Contact
from tests.directory.test_formula_safe_exports import export
from tests.directory.test_spreadsheets import (
    CSV,
    LABELLED_HEADER,
    XLSX,
    confirm,
    contact_row,
    csv_file,
    import_file,
    row_problems,
    xlsx,
)

pytestmark = pytest.mark.django_db


def unquoted(response) -> str:
    page = " ".join(response.content.decode().split())
    return page.replace("&ldquo;", "“").replace("&rdquo;", "”").replace("&#x27;", "'")


def as_csv(rows, delimiter=",") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue()


def test_an_emptied_example_row_and_formatted_empty_rows_are_not_data(client, admin_user, desa):
    # The clerk cleared the template's example row (select, Delete), typed below it, and the
    # sheet has borders down to row 6,000: "Nama tidak boleh kosong", or "more than 5,000 rows".
    client.force_login(admin_user)
    template = client.get("/admin/directory/contact/import/templat.xlsx").content
    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet = book.worksheets[0]
    for cell in sheet[2]:
        cell.value = None
    sheet.append(contact_row("Kiai Pertama"))
    sheet.append([None] * len(LABELLED_HEADER))
    sheet.append(contact_row("Kiai Kedua", Wilayah="99.99.99"))
    sheet.append(contact_row("Kiai Ketiga"))
    for row in range(7, 6_001):
        sheet.cell(row=row, column=2).border = Border(bottom=Side(style="thin"))
    upload = io.BytesIO()
    book.save(upload)
    upload.seek(0)
    upload.name = "tokoh.xlsx"

    response = import_file(client, "contact", upload, XLSX)

    # A bad row is named by its line in the sheet, empty rows counted.
    assert row_problems(response) == [
        "Baris 5: kolom “Wilayah”: Kode wilayah “99.99.99” tidak ditemukan."
    ]
    sheet.cell(row=5, column=6).value = "35.17.08"
    upload = io.BytesIO()
    book.save(upload)
    upload.seek(0)
    upload.name = "tokoh.xlsx"
    response = import_file(client, "contact", upload, XLSX)
    assert "confirm_form" in response.context, row_problems(response)
    confirm(client, "contact", response)
    assert sorted(Contact.objects.values_list("name", flat=True)) == [
        "Kiai Kedua",
        "Kiai Ketiga",
        "Kiai Pertama",
    ]


def test_csv_lines_of_empty_cells_are_not_data(client, admin_user, desa):
    client.force_login(admin_user)
    rows = [
        LABELLED_HEADER,
        [""] * len(LABELLED_HEADER),
        contact_row("Ustadzah Siti"),
        [" "] * 3,
        contact_row("Gus Fikri", Aktif="mungkin"),
    ]
    text = as_csv(rows) + "\r\n,,,,,,,,,\r\n,,,,,,,,,\r\n"

    response = import_file(client, "contact", csv_file(text), CSV)

    assert row_problems(response) == ["Baris 5: kolom “Aktif”: Isi dengan “ya” atau “tidak”."]
    text = text.replace("mungkin", "ya")
    response = import_file(client, "contact", csv_file(text), CSV)
    assert "confirm_form" in response.context, row_problems(response)
    confirm(client, "contact", response)
    assert sorted(Contact.objects.values_list("name", flat=True)) == ["Gus Fikri", "Ustadzah Siti"]


def test_only_filled_rows_count_against_the_row_limit(client, admin_user, desa, monkeypatch):
    monkeypatch.setattr(resources, "IMPORT_MAX_ROWS", 2)
    client.force_login(admin_user)
    rows = [LABELLED_HEADER, contact_row("Satu"), *[[None] * 10] * 5, contact_row("Dua")]

    response = import_file(client, "contact", xlsx(rows), XLSX)

    assert "confirm_form" in response.context, unquoted(response)[-2000:]


@pytest.mark.parametrize("header", ["No. HP", "Organisasi", "Kecamatan"])
def test_an_unknown_header_is_refused_naming_it_and_the_expected_ones(
    client, admin_user, desa, header
):
    # "No. HP" was dropped without a word: every contact came in without a number.
    client.force_login(admin_user)
    upload = xlsx([["Nama", "Jenis tokoh", header], ["Pak Darmo", "adat", "081234567890"]])

    response = import_file(client, "contact", upload, XLSX)

    page = unquoted(response)
    assert "confirm_form" not in response.context
    assert (
        f"Kolom “{header}” tidak dikenali: ganti judulnya dengan judul kolom templat "
        "(ID, Nama, Jenis tokoh, Organisasi/lembaga, Agama/komunitas, Wilayah, Nomor telepon, "
        "Dasar pemrosesan data, Tanggal dasar pemrosesan, Aktif) atau hapus kolom itu."
    ) in page
    assert not Contact.objects.exists()


def test_an_unknown_agency_header_is_refused_too(client, admin_user):
    client.force_login(admin_user)
    upload = csv_file("Nama instansi,Jenis instansi,Alamat\nDinas Uji,pemda,Jl. Merdeka 1\n")

    page = unquoted(import_file(client, "agency", upload, CSV))

    assert "Kolom “Alamat” tidak dikenali" in page
    assert not Agency.objects.exists()


@pytest.mark.parametrize("numbering", ["No", "No.", "no. urut"])
def test_a_numbering_column_is_accepted(client, admin_user, desa, numbering):
    client.force_login(admin_user)
    upload = xlsx(
        [[numbering, *LABELLED_HEADER], [1, *contact_row("Bu Nyai")], [2, *contact_row("Romo")]]
    )

    response = import_file(client, "contact", upload, XLSX)

    assert "confirm_form" in response.context, unquoted(response)[-2000:]
    confirm(client, "contact", response)
    assert Contact.objects.count() == 2


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_a_semicolon_or_tab_csv_imports_like_a_comma_one(client, admin_user, desa, delimiter):
    # Excel set to Indonesian saves "CSV" with ";" (the comma being its decimal separator).
    client.force_login(admin_user)
    rows = [
        LABELLED_HEADER,
        contact_row("Pendeta Yosua", **{"Organisasi/lembaga": "GKJW, Mojowarno"}),
        contact_row("Ustadz Amin"),
    ]
    comma = import_file(client, "contact", csv_file(as_csv(rows)), CSV)
    assert "confirm_form" in comma.context, unquoted(comma)[-2000:]

    response = import_file(client, "contact", csv_file(as_csv(rows, delimiter)), CSV)

    assert "confirm_form" in response.context, unquoted(response)[-2000:]
    confirm(client, "contact", response)
    pendeta = Contact.objects.get(name="Pendeta Yosua")
    assert pendeta.organisation == "GKJW, Mojowarno"
    assert pendeta.region.code == "35.17.08" and str(pendeta.phone).startswith("+62812")
    assert Contact.objects.count() == 2


def test_an_agency_file_with_empty_active_and_region_cells_keeps_what_is_stored(
    client, admin_user, kecamatan
):
    # Deactivated agencies came back active, and the optional region was cleared.
    client.force_login(admin_user)
    Agency.objects.create(name="Kecamatan Diwek", kind="kecamatan", region=kecamatan, active=False)
    upload = csv_file(
        "Nama instansi,Singkatan,Jenis instansi,Wilayah,Aktif\n"
        "Kecamatan Diwek,Kec. Diwek,kecamatan,,\n"
        "Dinas Baru,DB,pemda,,\n"
    )

    confirm(client, "agency", import_file(client, "agency", upload, CSV))

    diwek = Agency.objects.get(name="Kecamatan Diwek")
    assert (diwek.acronym, diwek.region, diwek.active) == ("Kec. Diwek", kecamatan, False)
    new = Agency.objects.get(name="Dinas Baru")
    assert new.active and new.region is None  # a new row gets the defaults
    # A value typed is still taken.
    upload = csv_file("Nama instansi,Jenis instansi,Aktif\nKecamatan Diwek,kecamatan,ya\n")
    confirm(client, "agency", import_file(client, "agency", upload, CSV))
    assert Agency.objects.get(name="Kecamatan Diwek").active


def test_a_windows_1252_csv_imports_its_curly_apostrophe(client, admin_user, desa):
    # Saved as plain "CSV" on Windows: "Berkas tidak dapat dibaca ('UnicodeDecodeError')".
    client.force_login(admin_user)
    text = as_csv([LABELLED_HEADER, contact_row("KH Ma’ruf", **{"Agama/komunitas": "Islam"})])
    upload = io.BytesIO(text.encode("cp1252"))
    upload.name = "tokoh.csv"

    response = import_file(client, "contact", upload, CSV)

    assert "confirm_form" in response.context, unquoted(response)[-2000:]
    confirm(client, "contact", response)
    assert Contact.objects.get().name == "KH Ma’ruf"


def test_a_file_that_is_no_csv_is_refused_in_indonesian(client, admin_user, desa):
    client.force_login(admin_user)
    workbook = xlsx([LABELLED_HEADER, contact_row("Tokoh")])
    workbook.name = "tokoh.csv"

    response = import_file(client, "contact", workbook, CSV)

    [error] = response.context["form"].errors["import_file"]
    assert "Error" not in error and error.startswith("Berkas tidak dapat dibaca")
    assert not Contact.objects.exists()


@pytest.mark.parametrize("fmt", [XLSX, CSV])
def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    client, admin_user, desa, monkeypatch, fmt, settings, tmp_path
):
    settings.IMPORT_KEPT_DIR = str(tmp_path)
    monkeypatch.setattr(resources, "IMPORT_MAX_BYTES", 200)
    client.force_login(admin_user)
    rows = [LABELLED_HEADER, *[contact_row(f"Tokoh {n}") for n in range(5)]]
    upload = xlsx(rows) if fmt == XLSX else csv_file(as_csv(rows))

    response = import_file(client, "contact", upload, fmt)

    assert response.context["form"].errors["import_file"] == [
        "Berkas terlalu besar: paling besar 5 MB."
    ]
    assert "result" not in response.context
    assert not Contact.objects.exists()
    assert list(tmp_path.iterdir()) == []  # not even kept for a confirmation


def test_numbers_typed_under_no_header_are_refused_not_dropped(client, admin_user, desa):
    # Excel pads every row to the sheet's used width, the header row too: data in column K
    # with no header was read as nothing.
    client.force_login(admin_user)
    rows = [
        [*LABELLED_HEADER, None],
        [*contact_row("Pak Darmo"), "081234567890"],
    ]

    response = import_file(client, "contact", xlsx(rows), XLSX)

    assert "confirm_form" not in response.context
    assert (
        "Baris 2 berisi data di kolom tanpa judul. Beri judul kolom itu atau hapus isinya."
        in unquoted(response)
    )
    # An empty column without a header (Excel's padding) is fine.
    rows[1][-1] = None
    assert "confirm_form" in import_file(client, "contact", xlsx(rows), XLSX).context


def test_a_cleared_title_row_above_the_header_is_skipped(client, admin_user, desa):
    client.force_login(admin_user)
    rows = [[None] * len(LABELLED_HEADER), LABELLED_HEADER, contact_row("Ibu Nyai Aminah")]

    response = import_file(client, "contact", xlsx(rows), XLSX)

    assert "confirm_form" in response.context, unquoted(response)[-2000:]
    confirm(client, "contact", response)
    assert Contact.objects.get().name == "Ibu Nyai Aminah"


def test_a_csv_with_lines_ending_in_a_carriage_return_alone_imports(client, admin_user, desa):
    # Older Excel for Mac: the whole file was taken for one header line.
    client.force_login(admin_user)
    text = as_csv([LABELLED_HEADER, contact_row("Romo Yohanes")]).replace("\r\n", "\r")

    response = import_file(client, "contact", csv_file(text), CSV)

    assert "confirm_form" in response.context, unquoted(response)[-2000:]


def test_a_csv_the_reader_cannot_split_is_refused_in_indonesian(client, admin_user, desa):
    # A cell over the csv module's field limit (131,072 characters) stopped the reader with an
    # English error.
    client.force_login(admin_user)
    text = as_csv([LABELLED_HEADER, contact_row("Kiai " + "panjang " * 20_000)])

    response = import_file(client, "contact", csv_file(text), CSV)

    assert "confirm_form" not in response.context
    assert response.context["form"].errors["import_file"] == [str(resources.CSV_UNREADABLE)]
    assert not Contact.objects.exists()


def test_thousands_of_unknown_headers_name_a_few(client, admin_user):
    client.force_login(admin_user)
    header = ["Nama", "Jenis tokoh"] + [f"Kolom {n}" for n in range(2_000)] + ["Kolom 1"] * 50
    row = ["Pak Darmo", "adat"] + [""] * 2_050
    response = import_file(client, "contact", csv_file(as_csv([header, row])), CSV)
    page = unquoted(response)
    assert page.count("tidak dikenali: ganti judulnya") == 3
    assert "Dan 1997 kolom lain yang tidak dikenali." in page


def test_the_contact_csv_export_opens_in_excel_as_utf_8(client, admin_user, desa):
    # Without a byte-order mark Excel read it in the ANSI code page: a curly apostrophe came
    # out garbled and, saved again, went back in garbled through the Windows-1252 import.
    Contact.objects.create(name="KH Ma’ruf", kind="agama", region=desa)
    client.force_login(admin_user)
    _record, _types, content = export(client, CSV)
    assert content.startswith("\ufeff".encode())
    assert "KH Ma’ruf" in content.decode("utf-8-sig")
