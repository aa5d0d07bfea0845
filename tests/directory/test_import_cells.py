"""Cells as clerks type them into the contact and agency files: regions by name, dates and
numbers as Excel stores them, "tidak" for inactive; and every cell that cannot be read becomes a
message naming its row and column, never an error page."""

import re
from datetime import date, datetime

import pytest

from directory.models import Agency, Contact
from tests.directory.test_spreadsheets import (
    CSV,
    LABELLED_HEADER,
    XLSX,
    confirm,
    contact_row,
    csv_file,
    import_file,
    xlsx,
)
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


def problems(response):
    return [
        " ".join(item.split())
        for item in re.findall(r"<li>(.*?)</li>", response.content.decode(), re.S)
        if "Baris" in item
    ]


def test_excel_dates_numbers_region_names_and_inactive_contacts_import(client, admin_user, desa):
    client.force_login(admin_user)
    upload = xlsx(
        [
            LABELLED_HEADER,
            contact_row(
                "Tokoh Desa",
                **{
                    "Wilayah": "ceweng",  # a name unique in the regency, any case
                    "Nomor telepon": 81234567890.0,  # typed as a number: Excel drops the 0
                    "Tanggal dasar pemrosesan": datetime(2025, 12, 19, 0, 0),
                    "Aktif": "tidak",
                },
            ),
            contact_row("Tokoh Tanpa Nomor", **{"Nomor telepon": None, "Wilayah": None}),
        ]
    )

    response = import_file(client, "contact", upload, XLSX)
    assert "confirm_form" in response.context, problems(response)
    confirm(client, "contact", response)

    contact = Contact.objects.get(name="Tokoh Desa")
    assert contact.region == desa
    assert contact.phone == "+6281234567890"
    assert contact.legal_basis_date == date(2025, 12, 19)
    assert contact.active is False
    unlisted = Contact.objects.get(name="Tokoh Tanpa Nomor")
    assert (unlisted.phone, unlisted.region, unlisted.active) == ("", None, True)


def test_unreadable_region_names_and_ids_are_named_by_row_and_column(client, admin_user, desa):
    RegionFactory(code="35.17.09.2001", name="Ceweng", level="desa", parent=desa.parent)
    client.force_login(admin_user)
    upload = xlsx(
        [
            LABELLED_HEADER,
            contact_row("Nama Kembar", **{"Wilayah": "Ceweng"}),
            contact_row("Nama Asing", **{"Wilayah": "Atlantis"}),
            contact_row("Nomor Salah", **{"ID": "satu"}),
        ]
    )

    response = import_file(client, "contact", upload, XLSX)

    assert "confirm_form" not in response.context
    # (the id is read first, to find the contact to update, so its row is listed first)
    assert problems(response) == [
        "Baris 4: Kolom “ID”: “satu” bukan nomor; kosongkan untuk data baru.",
        "Baris 2: kolom “Wilayah”: Ada beberapa wilayah bernama “Ceweng”; tulis kodenya.",
        "Baris 3: kolom “Wilayah”: Wilayah “Atlantis” tidak ditemukan.",
    ]
    assert not Contact.objects.exists()


def test_an_agency_without_a_kind_is_refused_under_its_column(client, admin_user):
    client.force_login(admin_user)
    upload = csv_file("Nama instansi,Singkatan,Jenis instansi,Wilayah,Aktif\nDinas Baru,DB,,,\n")

    response = import_file(client, "agency", upload, CSV)

    assert problems(response) == ["Baris 2: kolom “Jenis instansi”: Bidang ini tidak boleh kosong."]
    assert not Agency.objects.filter(name="Dinas Baru").exists()


def test_a_file_with_no_rows_at_all_imports_nothing(client, admin_user):
    client.force_login(admin_user)
    response = import_file(client, "agency", csv_file(""), CSV)
    assert response.status_code == 200
    assert "Traceback" not in response.content.decode()
    assert not Agency.objects.exists()
