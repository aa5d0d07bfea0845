"""RAT import cells that only look like numbers or pillars: an infinite target, rupiah with
cents, and a pillar the framework does not have are each named by row and column; nothing is
imported."""

import io

import openpyxl
import pytest
from django.conf import settings

from tests.action_plans.test_spreadsheets import LABELS, good, labelled_xlsx

pytestmark = pytest.mark.django_db


def test_numbers_and_pillars_that_are_not_are_named(client, plan, sekretariat, dinsos, kecamatan):
    client.force_login(sekretariat)
    rows = [
        good("1.1", **{"Target B08": "inf"}),
        good("1.2", **{"Anggaran (Rp)": "1.250.000,50"}),
        good("1.3", **{"Pilar": "Inklusivitas, Keamanan"}),
    ]

    response = client.post("/rat/2024/impor/", {"file": labelled_xlsx(rows)})

    assert response.status_code == 400
    assert response.context["problems"] == [
        "Baris 2: kolom “Target B08” harus berupa angka.",
        "Baris 3: kolom “Anggaran (Rp)” harus bilangan bulat.",
        "Baris 4: kolom “Pilar”: “Keamanan” tidak dikenal (lihat lembar Pilihan).",
    ]
    assert not plan.activities.exists()


def test_data_under_no_header_and_a_repeated_column_are_named(
    client, plan, sekretariat, dinsos, kecamatan
):
    # Excel pads rows to the sheet's width: a number typed in the column after "Target B12"
    # was lost without a word; of two "Target B04" columns one was.
    client.force_login(sekretariat)
    response = client.post(
        "/rat/2024/impor/", {"file": labelled_xlsx([[*good("1.1"), "7"], good("1.2")])}
    )
    assert response.status_code == 400
    assert response.context["problems"] == [
        "Baris 2 berisi data di kolom tanpa judul. Beri judul kolom itu atau hapus isinya."
    ]
    book = openpyxl.load_workbook(labelled_xlsx([good("1.1")]))
    book.active.cell(row=1, column=len(LABELS) + 1).value = "Target B04"
    upload = io.BytesIO()
    book.save(upload)
    upload.seek(0)
    upload.name = "rat.xlsx"
    response = client.post("/rat/2024/impor/", {"file": upload})
    assert response.context["problems"] == ["Kolom “Target B04” ada dua kali."]
    assert not plan.activities.exists()


def test_a_template_filled_in_english_imports_for_a_colleague_working_in_indonesian(
    client, plan, sekretariat, dinsos
):
    client.force_login(sekretariat)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    template = client.get("/rat/2024/impor/templat.xlsx").content
    book = openpyxl.load_workbook(io.BytesIO(template))
    assert book.worksheets[0].cell(row=1, column=1).value != "Kode"  # English headers
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    upload = io.BytesIO(template)
    upload.name = "rat.xlsx"

    response = client.post("/rat/2024/impor/", {"file": upload})

    assert response.status_code == 302, response.context and response.context.get("problems")
    assert plan.activities.get().stage == "pencegahan"
