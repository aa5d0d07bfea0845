"""Excel and CSV import/export of agencies and contacts in the admin: all rows or none."""

import html
import importlib
import io
import os
import re
import stat
import time
import zlib

import openpyxl
import pytest
from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.test import Client
from django.urls import reverse

from accounts.models import User
from core.imports import purge_kept_imports
from directory import resources
from directory.models import Agency, Contact
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db

XLSX, CSV = "0", "1"  # positions of the formats offered on the admin pages


def xlsx(rows, *merged):
    """A workbook of `rows`, with the cell ranges `merged` ("C2:C4") merged."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    for cells in merged:
        book.active.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "data.xlsx"
    return buffer


def csv_file(text, name="data.csv"):
    buffer = io.BytesIO(text.encode("utf-8"))
    buffer.name = name
    return buffer


def import_file(client, model, upload, fmt):
    url = f"/admin/directory/{model}/import/"
    response = client.post(url, {"import_file": upload, "format": fmt, "resource": "0"})
    assert response.status_code == 200
    return response


def confirm(client, model, response):
    form = response.context["confirm_form"]
    return client.post(f"/admin/directory/{model}/process_import/", form.initial, follow=True)


CONTACT_HEADER = [
    "id",
    "name",
    "kind",
    "organisation",
    "community",
    "region",
    "phone",
    "legal_basis",
    "legal_basis_date",
    "active",
]


def test_contacts_from_excel_are_imported_with_normalised_numbers(client, admin_user, desa):
    client.force_login(admin_user)
    upload = xlsx(
        [
            CONTACT_HEADER,
            [
                None,
                "Ustadz Uji",
                "agama",
                "MWC NU",
                "Islam",
                "35.17.08.2001",
                "0812 3456 7890",
                "tugas_publik",
                "2025-01-02",
                "ya",
            ],
            [
                None,
                "Ibu Uji",
                "Tokoh perempuan",
                "PKK",
                "",
                "35.17.08",
                "+62 813-1111-2222",
                "persetujuan",
                "2025-02-03",
                "ya",
            ],
        ]
    )

    response = import_file(client, "contact", upload, XLSX)
    assert "confirm_form" in response.context, response.content.decode()[:2000]
    confirm(client, "contact", response)

    assert Contact.objects.count() == 2
    ustadz = Contact.objects.get(name="Ustadz Uji")
    assert str(ustadz.phone) == "+6281234567890"
    assert ustadz.region == desa
    assert Contact.objects.get(name="Ibu Uji").kind == "perempuan"


def test_excel_with_bad_rows_is_rejected_whole_listing_each_bad_line(client, admin_user, desa):
    client.force_login(admin_user)
    upload = xlsx(
        [
            CONTACT_HEADER,
            [
                None,
                "Tokoh Baik",
                "agama",
                "",
                "",
                "35.17.08",
                "081234567890",
                "tugas_publik",
                None,
                "ya",
            ],
            [None, "Nomor Salah", "agama", "", "", "35.17.08", "12345", "tugas_publik", None, "ya"],
            [None, "Tokoh Baik Dua", "pemuda", "", "", "", "", "tugas_publik", None, "ya"],
            [None, "Wilayah Salah", "adat", "", "", "99.99.99", "", "tugas_publik", None, "ya"],
            [None, "Jenis Salah", "dukun", "", "", "", "", "tugas_publik", None, "ya"],
            [None, "", "agama", "", "", "", "", "tugas_publik", None, "ya"],
        ]
    )

    response = import_file(client, "contact", upload, XLSX)
    page = response.content.decode()

    assert "confirm_form" not in response.context
    assert "Berkas ditolak: tidak ada data yang diimpor" in page
    # Spreadsheet lines: the header is line 1, so the bad rows sit on lines 3, 5, 6 and 7.
    for line in (3, 5, 6, 7):
        assert f"Baris {line}:" in page
    for line in (2, 4):
        assert f"Baris {line}:" not in page
    assert "Kode wilayah “99.99.99” tidak ditemukan." in page
    assert "“dukun” bukan pilihan yang dikenal" in page
    assert Contact.objects.count() == 0


def test_agency_csv_import_creates_and_updates_by_name(client, admin_user, kecamatan):
    client.force_login(admin_user)
    Agency.objects.create(name="Dinas Sosial", acronym="Dinsos lama", kind="pemda")
    upload = csv_file(
        "name,acronym,kind,region,active\n"
        "Dinas Sosial,Dinsos,pemda,,ya\n"
        "Kecamatan Diwek,,Kecamatan,35.17.08,ya\n"
    )

    response = import_file(client, "agency", upload, CSV)
    confirm(client, "agency", response)

    assert Agency.objects.get(name="Dinas Sosial").acronym == "Dinsos"
    assert Agency.objects.get(name="Kecamatan Diwek").region == kecamatan


def test_agency_csv_with_one_bad_row_imports_nothing(client, admin_user):
    client.force_login(admin_user)
    upload = csv_file(
        "name,acronym,kind,region,active\nDinas Baru,DB,pemda,,ya\nDinas Aneh,DA,pemda,,mungkin\n"
    )

    page = import_file(client, "agency", upload, CSV).content.decode()

    assert "Baris 3:" in page
    assert "Isi dengan “ya” atau “tidak”." in page
    assert not Agency.objects.filter(name="Dinas Baru").exists()


def test_a_file_that_is_not_excel_gets_a_message_not_an_error_page(client, admin_user):
    client.force_login(admin_user)
    fake = io.BytesIO(b"<html>bukan excel</html>")
    fake.name = "kontak.xlsx"

    response = import_file(client, "contact", fake, XLSX)

    assert response.context["form"].errors
    assert Contact.objects.count() == 0


def export_contacts(client, fmt=XLSX):
    fields = {f"contactresource_{name}": "on" for name in CONTACT_HEADER}
    return client.post(
        "/admin/directory/contact/export/", {"format": fmt, "resource": "0", **fields}
    )


def test_contacts_export_to_excel_with_e164_numbers(client, admin_user, desa):
    client.force_login(admin_user)
    Contact.objects.create(name="Tokoh Ekspor", kind="agama", phone="081234567890", region=desa)

    response = export_contacts(client)

    assert response.status_code == 200
    assert 'filename="tokoh-' in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    header = list(rows[0])
    record = dict(zip(header, rows[1], strict=True))
    assert record["Nama"] == "Tokoh Ekspor"
    # A string cell, as typed: no apostrophe to see or to copy into WhatsApp.
    assert record["Nomor telepon"] == "+6281234567890"
    assert record["Wilayah"] == "35.17.08.2001 Ceweng"
    # Which contacts went out, and to whom, is in the person's data-subject report.
    exported = Contact.objects.get(name="Tokoh Ekspor")
    report = client.get(reverse("admin:directory_contact_subject_report", args=[exported.pk]))
    assert "Data tokoh diekspor" in report.content.decode()
    assert record["Tanggal dasar pemrosesan"] in ("", None)  # empty, not "None"


def test_exported_contacts_import_back_unchanged(client, admin_user, desa):
    from datetime import date

    client.force_login(admin_user)
    Contact.objects.create(
        name="Tokoh Bolak-balik",
        kind="pemuda",
        phone="081234567890",
        region=desa,
        legal_basis_date=date(2025, 12, 19),
    )
    exported = export_contacts(client).content
    sheet = openpyxl.load_workbook(io.BytesIO(exported)).active
    record = dict(zip(*list(sheet.values), strict=True))
    assert record["Tanggal dasar pemrosesan"] == "19/12/2025"

    upload = io.BytesIO(exported)
    upload.name = "tokoh.xlsx"
    response = import_file(client, "contact", upload, XLSX)
    assert "confirm_form" in response.context, response.content.decode()[:2000]
    confirm(client, "contact", response)
    contact = Contact.objects.get()
    assert (contact.region, contact.legal_basis_date) == (desa, date(2025, 12, 19))


LABELLED_HEADER = [
    "ID", "Nama", "Jenis tokoh", "Organisasi/lembaga", "Agama/komunitas", "Wilayah",
    "Nomor telepon", "Dasar pemrosesan data", "Tanggal dasar pemrosesan", "Aktif",
]  # fmt: skip


def contact_row(name, **changes):
    # A number of one's own: a second row with the same number is the same person.
    number = f"08123{zlib.crc32(name.encode()) % 10**7:07d}"
    values = dict(
        zip(
            LABELLED_HEADER,
            [
                None,
                name,
                "agama",
                "",
                "",
                "35.17.08",
                number,
                "tugas_publik",
                "19/12/2025",
                "ya",
            ],
            strict=True,
        )
    )
    values.update(changes)
    return [values[label] for label in LABELLED_HEADER]


def test_import_with_one_bad_row_per_mistake_names_each_column_in_indonesian(
    client, admin_user, desa
):
    client.force_login(admin_user)
    upload = xlsx(
        [
            LABELLED_HEADER,
            contact_row("Tokoh Baik"),
            contact_row("Tanggal Salah", **{"Tanggal dasar pemrosesan": "31/02/2025"}),
            contact_row("Jenis Salah", **{"Jenis tokoh": "dukun"}),
            contact_row("Wilayah Salah", **{"Wilayah": "99.99.99"}),
            contact_row("Nomor Salah", **{"Nomor telepon": "12345"}),
            contact_row("", **{"Nama": ""}),
            contact_row("Aktif Salah", **{"Aktif": "mungkin"}),
            contact_row("Dasar Salah", **{"Dasar pemrosesan data": "suka-suka"}),
        ]
    )

    response = import_file(client, "contact", upload, XLSX)
    problems = [
        " ".join(li.split())
        for li in re.findall(r"<li>(.*?)</li>", response.content.decode(), re.S)
        if "Baris" in li
    ]

    assert "confirm_form" not in response.context
    assert problems[0] == (
        "Baris 3: kolom “Tanggal dasar pemrosesan”: “31/02/2025” bukan tanggal; "
        "tulis seperti 19/12/2025."
    )
    assert problems[1].startswith("Baris 4: kolom “Jenis tokoh”: “dukun” bukan pilihan")
    assert problems[2] == "Baris 5: kolom “Wilayah”: Kode wilayah “99.99.99” tidak ditemukan."
    assert problems[3].startswith("Baris 6: kolom “Nomor telepon”: ")
    assert problems[4] == "Baris 7: kolom “Nama”: Bidang ini tidak boleh kosong."
    assert problems[5] == "Baris 8: kolom “Aktif”: Isi dengan “ya” atau “tidak”."
    assert problems[6].startswith("Baris 9: kolom “Dasar pemrosesan data”: “suka-suka” bukan")
    assert len(problems) == 7
    page = response.content.decode()
    assert "could not" not in page and "Value" not in page
    assert Contact.objects.count() == 0


def test_agencies_without_their_key_column_are_refused_naming_it_in_indonesian(
    client, admin_user, desa
):
    # Agencies are matched by "Nama instansi": a file headed "Nama" was refused with the import
    # library's English message, whose Indonesian translation could never apply.
    client.force_login(admin_user)
    upload = xlsx([["Nama", "Singkatan"], ["Dinas Uji", "DU"]])

    response = import_file(client, "agency", upload, XLSX)

    page = " ".join(response.content.decode().split())
    assert "confirm_form" not in response.context
    assert (
        "Kolom “Nama instansi” tidak ada di baris judul berkas: kolom itu wajib, untuk "
        "mencocokkan baris dengan data yang sudah ada."
    ) in page.replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert "import_id_fields" not in page
    assert not Agency.objects.filter(name="Dinas Uji").exists()


def row_problems(response) -> list[str]:
    page = response.content.decode().replace("&ldquo;", "“").replace("&rdquo;", "”")
    return [
        " ".join(li.split()) for li in re.findall(r"<li>(.*?)</li>", page, re.S) if "Baris" in li
    ]


def test_contact_ids_must_name_a_contact_that_exists_and_was_not_anonymised(
    client, admin_user, desa
):
    # An unknown ID was stored as the new contact's number (one the database hands out later
    # again), and an old export brought back an anonymised person's name and phone.
    kept, erased = ContactFactory(region=desa), ContactFactory(region=desa)
    client.force_login(admin_user)
    client.post(f"/admin/directory/contact/{erased.pk}/anonimkan/", {"confirm": "1"})
    erased.refresh_from_db()
    assert erased.name == f"Anonim #{erased.pk}"
    unknown = max(kept.pk, erased.pk) + 1000
    upload = xlsx(
        [
            LABELLED_HEADER,
            contact_row("Diperbarui", ID=kept.pk),
            contact_row("Tidak Ada", ID=unknown),
            contact_row("Nama Lama Dipulihkan", ID=erased.pk),
            contact_row("Bukan Nomor", ID="abc"),
        ]
    )

    response = import_file(client, "contact", upload, XLSX)

    assert "confirm_form" not in response.context
    # Rows whose ID is no number are listed first, as every row the library could not read.
    assert row_problems(response) == [
        "Baris 5: Kolom “ID”: “abc” bukan nomor; kosongkan untuk data baru.",
        f"Baris 3: kolom “ID”: Tokoh dengan ID {unknown} tidak ada; kosongkan ID untuk data baru.",
        f"Baris 4: kolom “ID”: Data pribadi tokoh ID {erased.pk} sudah dihapus atas permintaan "
        "yang bersangkutan (dianonimkan) dan tidak dapat dipulihkan lewat impor.",
    ]
    erased.refresh_from_db()
    assert erased.name == f"Anonim #{erased.pk}" and erased.phone == ""
    assert not Contact.objects.filter(pk=unknown).exists()
    assert Contact.objects.get(pk=kept.pk).name == kept.name


def test_the_filled_template_is_read_whichever_sheet_was_showing(client, admin_user, desa):
    # Saved while "Pilihan" was showing, the file had that sheet read instead of the data.
    client.force_login(admin_user)
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/admin/directory/contact/import/templat.xlsx").content)
    )
    book.worksheets[0].append(contact_row("Tokoh Lembar Pertama"))
    book.active = len(book.worksheets) - 1
    assert book.active.title == "Pilihan"
    upload = io.BytesIO()
    book.save(upload)
    upload.seek(0)
    upload.name = "templat.xlsx"

    response = import_file(client, "contact", upload, XLSX)

    assert "confirm_form" in response.context, response.content.decode()[-3000:]
    assert "Tokoh Lembar Pertama" in response.content.decode()


@pytest.mark.parametrize("fmt", [XLSX, CSV])
def test_a_file_longer_than_the_bound_is_refused_before_any_row_is_checked(
    client, admin_user, desa, monkeypatch, fmt
):
    monkeypatch.setattr(resources, "IMPORT_MAX_ROWS", 3)
    rows = [LABELLED_HEADER] + [contact_row(f"Tokoh {n}") for n in range(4)]
    if fmt == XLSX:
        upload = xlsx(rows)
    else:
        upload = csv_file("\n".join(",".join(str(v) for v in row) for row in rows))
    client.force_login(admin_user)

    response = import_file(client, "contact", upload, fmt)

    page = response.content.decode()
    assert "Berkas memuat lebih dari 3 baris data. Bagi menjadi beberapa berkas." in page
    assert "confirm_form" not in response.context and "result" not in response.context
    assert Contact.objects.count() == 0


def test_new_contacts_import_without_an_id_column(client, admin_user, desa):
    # The ID column is for updating contacts exported earlier: a file of new ones leaves it out.
    client.force_login(admin_user)
    header = [h for h in LABELLED_HEADER if h != "ID"]
    upload = xlsx([header, contact_row("Tokoh Baru")[1:]])

    response = import_file(client, "contact", upload, XLSX)

    assert "confirm_form" in response.context, row_problems(response)
    confirm(client, "contact", response)
    assert Contact.objects.get().name == "Tokoh Baru"


def test_the_same_list_imported_again_adds_nobody_twice(client, admin_user, desa):
    # Next month's list: last month's rows again, one added. Every row was added a second time.
    client.force_login(admin_user)
    first = [LABELLED_HEADER, contact_row("Kyai Abdul Basith"), contact_row("Romo Yohanes")]
    confirm(client, "contact", import_file(client, "contact", xlsx(first), XLSX))
    basith = Contact.objects.get(name="Kyai Abdul Basith")

    markus = contact_row("Pendeta Markus")
    number = markus[LABELLED_HEADER.index("Nomor telepon")]
    again = [*first, markus, contact_row("pendeta  markus", **{"Nomor telepon": number})]
    response = import_file(client, "contact", xlsx(again), XLSX)

    assert "confirm_form" not in response.context
    problems = row_problems(response)
    assert problems == [
        f"Baris 2: kolom “ID”: Tokoh ini sudah ada di direktori (ID {basith.pk}, Kyai Abdul "
        f"Basith). Isi kolom ID dengan {basith.pk} untuk memperbarui datanya, atau hapus baris "
        "ini.",
        problems[1],
        # Within the file: named as such, not by an ID that exists only in the preview.
        "Baris 5: kolom “ID”: Baris ini sama dengan baris sebelumnya di berkas ini (nama dan "
        "nomor sama).",
    ]
    assert problems[1].startswith("Baris 3: kolom “ID”: Tokoh ini sudah ada di direktori")
    assert Contact.objects.count() == 2


def test_namesakes_and_people_sharing_an_office_number_are_different_people(
    client, admin_user, desa
):
    client.force_login(admin_user)
    ContactFactory(region=desa, name="Siti Aminah", phone="081233334444")
    rows = [
        LABELLED_HEADER,
        contact_row("Siti Aminah", **{"Nomor telepon": "081255556666"}),  # another Siti
        contact_row("Ustadz Hasan", **{"Nomor telepon": "081233334444"}),  # the pesantren's
    ]
    confirm(client, "contact", import_file(client, "contact", xlsx(rows), XLSX))
    assert Contact.objects.filter(name="Siti Aminah").count() == 2
    assert Contact.objects.filter(name="Ustadz Hasan").exists()


def test_a_list_without_numbers_imported_again_adds_nobody_twice(client, admin_user, desa):
    client.force_login(admin_user)
    rows = [LABELLED_HEADER, contact_row("Romo Yohanes", **{"Nomor telepon": ""})]
    confirm(client, "contact", import_file(client, "contact", xlsx(rows), XLSX))
    again = import_file(client, "contact", xlsx(rows), XLSX)
    assert "confirm_form" not in again.context
    assert row_problems(again)[0].startswith("Baris 2: kolom “ID”: Tokoh ini sudah ada")
    assert Contact.objects.count() == 1


def test_an_agency_name_with_spaces_around_it_is_the_same_agency(client, admin_user):
    client.force_login(admin_user)
    Agency.objects.create(name="Dinas Sosial", acronym="Dinsos lama", kind="pemda")
    upload = csv_file("name,acronym,kind,region,active\n Dinas Sosial ,Dinsos,pemda,,ya\n")

    confirm(client, "agency", import_file(client, "agency", upload, CSV))

    assert Agency.objects.get().acronym == "Dinsos"


def test_an_export_with_an_anonymised_contact_imports_back_unchanged(client, admin_user, desa):
    erased = ContactFactory(region=desa, phone="081234567890")
    ContactFactory(region=desa)
    client.force_login(admin_user)
    client.post(f"/admin/directory/contact/{erased.pk}/anonimkan/", {"confirm": "1"})
    fields = {f"contactresource_{name}": "on" for name in CONTACT_HEADER}
    exported = client.post(
        "/admin/directory/contact/export/", {"format": CSV, "resource": "0", **fields}
    )
    upload = io.BytesIO(exported.content)
    upload.name = "tokoh.csv"

    response = import_file(client, "contact", upload, CSV)

    assert "confirm_form" in response.context, row_problems(response)
    erased.refresh_from_db()
    assert erased.name == f"Anonim #{erased.pk}" and erased.phone == ""


def test_import_accepts_dd_mm_yyyy_and_shows_region_names_in_the_preview(client, admin_user, desa):
    from datetime import date

    client.force_login(admin_user)
    upload = xlsx([LABELLED_HEADER, contact_row("Tokoh Tanggal", **{"Wilayah": "35.17.08.2001"})])

    response = import_file(client, "contact", upload, XLSX)

    assert "confirm_form" in response.context, response.content.decode()[:3000]
    assert "35.17.08.2001 Ceweng" in response.content.decode()  # the preview names the desa
    confirm(client, "contact", response)
    contact = Contact.objects.get()
    assert contact.legal_basis_date == date(2025, 12, 19)
    assert contact.region == desa


@pytest.mark.parametrize("model", ["contact", "agency"])
def test_import_template_lists_headers_and_allowed_values(client, admin_user, desa, model):
    client.force_login(admin_user)
    page = client.get(f"/admin/directory/{model}/import/").content.decode()
    assert f"/admin/directory/{model}/import/templat.xlsx" in page

    response = client.get(f"/admin/directory/{model}/import/templat.xlsx")

    assert response.status_code == 200
    assert 'filename="templat-impor-' in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    header = next(book.worksheets[0].values)
    assert "Wilayah" in header and "Aktif" in header
    allowed = list(book["Pilihan"].values)
    cells = {value for row in allowed for value in row if value}
    assert "Wilayah" in allowed[0]
    assert {"35.17.08", "Diwek", "35.17.08.2001", "Ceweng"} <= cells
    assert ("agama" if model == "contact" else "pemda") in cells  # the kinds offered


def test_import_template_is_for_importers_only(client, petugas, sekretariat):
    for user in (petugas, sekretariat):
        # Even with admin access (staff): the import is the administrators'.
        User.objects.filter(pk=user.pk).update(is_staff=True)
        client.force_login(user)
        response = client.get("/admin/directory/contact/import/templat.xlsx")
        assert response.status_code == 403


def test_template_filled_in_imports(client, admin_user, desa):
    client.force_login(admin_user)
    content = client.get("/admin/directory/contact/import/templat.xlsx").content
    upload = io.BytesIO(content)
    upload.name = "templat.xlsx"
    response = import_file(client, "contact", upload, XLSX)
    assert "confirm_form" in response.context, response.content.decode()[:3000]
    confirm(client, "contact", response)
    contact = Contact.objects.get()
    assert contact.kind == "agama"
    # Its history says how it came, in Indonesian ("new through import_export" before).
    history = client.get(f"/admin/directory/contact/{contact.pk}/history/").content.decode()
    assert "Ditambahkan lewat impor berkas." in history and "import_export" not in history


def test_officer_without_admin_rights_cannot_import(client, petugas):
    client.force_login(petugas)
    response = client.get("/admin/directory/contact/import/")
    assert response.status_code == 302  # not staff: sent to the admin login


def test_team_decree_admin_lists_searches_and_filters(client, admin_user, agency):
    from datetime import date

    from directory.models import TeamDecree
    from tests.factories import AgencyFactory

    decree = TeamDecree.objects.create(
        year=2025, number="188/45/415.10.1.3/2025", decree_date=date(2025, 1, 6)
    )
    decree.members.create(
        position="sekretaris", agency=agency, person_name="Kepala Badan", sub_team="pencegahan"
    )
    older = TeamDecree.objects.create(year=2024, number="188/12/2024", decree_date=date(2024, 1, 8))
    older.members.create(
        position="ketua", agency=AgencyFactory(name="Pemerintah Kabupaten"), person_name="Bupati"
    )
    client.force_login(admin_user)

    def years(query):
        response = client.get(f"/admin/directory/teamdecree/{query}")
        assert response.status_code == 200
        return [d.year for d in response.context["cl"].result_list]

    assert years("") == [2025, 2024]
    assert years("?q=Kepala+Badan") == [2025]
    assert years(f"?members__agency__id__exact={agency.pk}") == [2025]
    assert years("?members__sub_team=pencegahan") == [2025]


def test_an_import_confirmed_twice_imports_its_rows_once(client, admin_user, desa):
    """A double tap or a second tab on "Konfirmasi impor": the second finds the upload taken
    and says so on the import page, instead of failing on a file already removed."""
    client.force_login(admin_user)
    row = [None, "Ustadz Sekali", "agama", "", "", "35.17.08", "", "tugas_publik", None, "ya"]
    response = import_file(client, "contact", xlsx([CONTACT_HEADER, row]), XLSX)
    first = confirm(client, "contact", response)
    second = confirm(client, "contact", response)
    assert first.status_code == second.status_code == 200
    assert second.redirect_chain[-1][0].endswith("/admin/directory/contact/import/")
    assert "Impor ini sudah dikonfirmasi" in second.content.decode()
    assert Contact.objects.filter(name="Ustadz Sekali").count() == 1


@pytest.mark.parametrize("name", ["..", "", "/etc/passwd", "tmp", "tmp12345678/../x"])
def test_a_confirmation_naming_no_kept_upload_imports_nothing(client, admin_user, name):
    client.force_login(admin_user)
    data = {"import_file_name": name, "original_file_name": "a.xlsx", "format": "0"}
    response = client.post("/admin/directory/contact/process_import/", data, follow=True)
    assert response.status_code == 200
    assert Contact.objects.count() == 0


@pytest.mark.parametrize("changes", [{"format": "x"}, {"format": "99"}, {"resource": "9"}])
def test_a_confirmation_with_changed_hidden_fields_imports_nothing(
    client, admin_user, desa, changes
):
    client.force_login(admin_user)
    row = [None, "Ustadz Ubah", "agama", "", "", "35.17.08", "", "tugas_publik", None, "ya"]
    preview = import_file(client, "contact", xlsx([CONTACT_HEADER, row]), XLSX)
    data = {**preview.context["confirm_form"].initial, **changes}
    response = client.post("/admin/directory/contact/process_import/", data, follow=True)
    assert response.status_code == 200
    assert "tidak ada yang diimpor" in response.content.decode()
    assert not Contact.objects.exists()
    # The untouched confirmation still imports the upload.
    confirm(client, "contact", preview)
    assert Contact.objects.filter(name="Ustadz Ubah").count() == 1


def test_only_the_uploader_sessions_preview_can_be_confirmed(client, admin_user, desa):
    client.force_login(admin_user)
    row = [None, "Ustadz Lain", "agama", "", "", "35.17.08", "", "tugas_publik", None, "ya"]
    preview = import_file(client, "contact", xlsx([CONTACT_HEADER, row]), XLSX)
    other = Client()
    other.force_login(admin_user)  # another session of the same account
    response = other.post(
        "/admin/directory/contact/process_import/",
        preview.context["confirm_form"].initial,
        follow=True,
    )
    assert "tidak ada yang diimpor" in response.content.decode()
    assert not Contact.objects.exists()


def test_a_row_that_turned_bad_since_the_preview_saves_nothing_and_says_so(
    client, admin_user, desa
):
    # The confirmation skipped the row and saved the others, saying "Impor selesai".
    kept = ContactFactory(region=desa, name="Tokoh Lama")
    client.force_login(admin_user)
    upload = xlsx(
        [LABELLED_HEADER, contact_row("Tokoh Baru"), contact_row("Nama Diperbarui", ID=kept.pk)]
    )
    preview = import_file(client, "contact", upload, XLSX)
    assert "confirm_form" in preview.context
    # Meanwhile, the person asks to be erased.
    client.post(f"/admin/directory/contact/{kept.pk}/anonimkan/", {"confirm": "1"}, follow=True)

    response = confirm(client, "contact", preview)

    page = " ".join(html.unescape(response.content.decode()).split())
    assert "Impor dibatalkan, tidak ada yang disimpan: data berubah sejak pratinjau." in page
    assert f"Baris 3: ID: Data pribadi tokoh ID {kept.pk} sudah dihapus" in page
    assert response.redirect_chain[-1][0] == "/admin/directory/contact/import/"
    assert not Contact.objects.filter(name="Tokoh Baru").exists()
    kept.refresh_from_db()
    assert kept.name == f"Anonim #{kept.pk}"
    assert not LogEntry.objects.filter(object_repr__in=["Tokoh Baru", "Nama Diperbarui"]).exists()


def test_a_nul_character_or_a_superscript_id_is_named_in_indonesian(client, admin_user, desa):
    # The preview showed the driver's "PostgreSQL text fields cannot contain NUL (0x00) bytes"
    # and Python's "invalid literal for int() with base 10: '²'".
    rows = [
        LABELLED_HEADER,
        contact_row("Kyai\x00Basith"),
        contact_row("Tokoh Dua", ID="²"),
    ]
    text = "\n".join(",".join("" if v is None else str(v) for v in row) for row in rows)
    client.force_login(admin_user)

    response = import_file(client, "contact", csv_file(text), CSV)

    assert "confirm_form" not in response.context
    assert row_problems(response) == [
        "Baris 2: Kolom “Nama” memuat karakter NUL yang tidak dapat disimpan; ketik ulang isinya.",
        "Baris 3: Kolom “ID”: “²” bukan nomor; kosongkan untuk data baru.",
    ]
    assert not Contact.objects.exists()


def test_an_upload_is_kept_privately_and_only_while_a_confirmation_may_come(
    client, admin_user, desa, settings, tmp_path
):
    # A whole contact list (names, numbers, religion) stayed in the shared temporary folder
    # after every preview with bad rows, and after every preview nobody confirmed.
    settings.IMPORT_KEPT_DIR = str(tmp_path / "kept")
    client.force_login(admin_user)
    bad = xlsx([LABELLED_HEADER, contact_row("Tokoh Baik"), contact_row("X", **{"Aktif": "?"})])
    import_file(client, "contact", bad, XLSX)
    assert os.listdir(settings.IMPORT_KEPT_DIR) == []

    good = import_file(client, "contact", xlsx([LABELLED_HEADER, contact_row("Tokoh")]), XLSX)
    [kept] = os.listdir(settings.IMPORT_KEPT_DIR)
    assert stat.S_IMODE(os.stat(settings.IMPORT_KEPT_DIR).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(os.path.join(settings.IMPORT_KEPT_DIR, kept)).st_mode) == 0o600
    # Not confirmed within a day: the daily purge removes it.
    assert purge_kept_imports(older_than_hours=24) == 0
    day_ago = time.time() - 25 * 3600
    os.utime(os.path.join(settings.IMPORT_KEPT_DIR, kept), (day_ago, day_ago))
    assert purge_kept_imports(older_than_hours=24) == 1
    assert os.listdir(settings.IMPORT_KEPT_DIR) == []
    # Its confirmation then imports nothing, and says so.
    page = confirm(client, "contact", good).content.decode()
    assert "sudah dikonfirmasi atau berkasnya tidak ada lagi" in page
    assert not Contact.objects.exists()

    # Confirmed in time: imported, and the kept file is gone.
    good = import_file(client, "contact", xlsx([LABELLED_HEADER, contact_row("Tokoh")]), XLSX)
    confirm(client, "contact", good)
    assert Contact.objects.get().name == "Tokoh"
    assert os.listdir(settings.IMPORT_KEPT_DIR) == []


def test_an_empty_active_cell_leaves_a_deactivated_contact_inactive(client, admin_user, desa):
    # Deactivated after withdrawing consent; a later file updating the contact by ID left the
    # "Aktif" column empty, and the contact came back active.
    client.force_login(admin_user)
    withdrawn = ContactFactory(region=desa, name="Romo Yohanes", active=False)
    row = contact_row("Romo Yohanes", ID=withdrawn.pk, Aktif="", **{"Organisasi/lembaga": "Paroki"})
    confirm(client, "contact", import_file(client, "contact", xlsx([LABELLED_HEADER, row]), XLSX))
    withdrawn.refresh_from_db()
    assert withdrawn.organisation == "Paroki" and not withdrawn.active
    # A 0 typed in Excel (a number, not text) is "tidak".
    ContactFactory(region=desa, name="Ustadz Hasan", active=True)
    hasan = Contact.objects.get(name="Ustadz Hasan")
    row = contact_row("Ustadz Hasan", ID=hasan.pk, Aktif=0)
    confirm(client, "contact", import_file(client, "contact", xlsx([LABELLED_HEADER, row]), XLSX))
    hasan.refresh_from_db()
    assert not hasan.active
    # A new contact without the cell is active.
    new = contact_row("Pendeta Markus", Aktif="")
    confirm(client, "contact", import_file(client, "contact", xlsx([LABELLED_HEADER, new]), XLSX))
    assert Contact.objects.get(name="Pendeta Markus").active


def test_agency_names_stored_with_spaces_are_trimmed_so_the_import_finds_them(admin_user):
    stored = Agency.objects.create(name="Dinas Sosial ", kind="pemda")
    both = Agency.objects.create(name=" Polres Jombang", kind="pemda")
    Agency.objects.create(name="Polres Jombang", kind="pemda")  # left for a person to merge
    migration = importlib.import_module(
        "directory.migrations.0005_agency_names_without_surrounding_spaces"
    )
    migration.strip(apps, None)
    stored.refresh_from_db()
    both.refresh_from_db()
    assert (stored.name, both.name) == ("Dinas Sosial", " Polres Jombang")
