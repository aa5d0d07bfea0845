"""A clerk's list with a "Wilayah" cell merged over the rows of its people or offices: each row
gets the region, as the clerk sees it in Excel (it was read in the first row only)."""

import openpyxl
import pytest

from core import imports
from directory.models import Agency, Contact
from tests.directory.test_spreadsheets import (
    LABELLED_HEADER,
    XLSX,
    confirm,
    contact_row,
    import_file,
    xlsx,
)

pytestmark = pytest.mark.django_db


def test_contacts_under_a_merged_region_cell_all_get_the_region(client, admin_user, desa):
    client.force_login(admin_user)
    rows = [
        LABELLED_HEADER,
        contact_row("Ustadz Satu", Wilayah="35.17.08.2001 Ceweng"),
        contact_row("Ustadz Dua", Wilayah=None),
        contact_row("Ustadz Tiga", Wilayah=None),
        [None] * len(LABELLED_HEADER),  # the merge drawn on past the list: no row
    ]
    region = LABELLED_HEADER.index("Wilayah") + 1
    column = openpyxl.utils.get_column_letter(region)

    response = import_file(client, "contact", xlsx(rows, f"{column}2:{column}5"), XLSX)
    assert "confirm_form" in response.context, response.content.decode()[-3000:]
    confirm(client, "contact", response)

    assert sorted(Contact.objects.values_list("name", "region")) == [
        ("Ustadz Dua", desa.pk),
        ("Ustadz Satu", desa.pk),
        ("Ustadz Tiga", desa.pk),
    ]


def test_agencies_under_a_merged_region_cell_all_get_the_region(client, admin_user, kecamatan):
    client.force_login(admin_user)
    rows = [
        ["Nama instansi", "Jenis instansi", "Wilayah"],
        ["Puskesmas Diwek", "pemda", "35.17.08"],
        ["Polsek Diwek", "polri", None],
    ]

    confirm(client, "agency", import_file(client, "agency", xlsx(rows, "C2:C3"), XLSX))

    assert dict(Agency.objects.values_list("name", "region")) == {
        "Puskesmas Diwek": kecamatan.pk,
        "Polsek Diwek": kecamatan.pk,
    }


def test_a_sheet_with_more_merged_cells_than_the_bound_is_refused_by_name(
    client, admin_user, kecamatan, monkeypatch
):
    monkeypatch.setattr(imports, "MAX_MERGED_CELLS", 1)
    client.force_login(admin_user)
    rows = [
        ["Nama instansi", "Jenis instansi", "Wilayah"],
        ["Puskesmas Diwek", "pemda", "35.17.08"],
        ["Polsek Diwek", "polri", None],
        ["Koramil Diwek", "tni", None],
    ]

    response = import_file(client, "agency", xlsx(rows, "C2:C4"), XLSX)

    assert response.context["form"].errors["import_file"] == [
        "Lembar memuat terlalu banyak sel gabungan (merge). Pisahkan sel gabungannya (Unmerge "
        "Cells), lalu unggah lagi."
    ]
    assert not Agency.objects.exists()


def test_a_workbook_unpacking_to_too_much_is_refused_next_to_the_file(
    client, admin_user, monkeypatch
):
    monkeypatch.setattr(imports, "MAX_UNPACKED_BYTES", 20_000)
    client.force_login(admin_user)
    rows = [["Nama instansi", "Jenis instansi"]] + [[f"Dinas {n}", "pemda"] for n in range(500)]

    response = import_file(client, "agency", xlsx(rows), XLSX)

    [message] = response.context["form"].errors["import_file"]
    assert message.startswith("Isi berkas Excel terlalu besar setelah dibuka (lebih dari 0 MB)")
    assert not Agency.objects.exists()
