"""The matrix as the province receives it in Excel, and the import template."""

import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from openpyxl.styles import Border, Side

from action_plans import services
from action_plans.models import Activity, Realisation
from action_plans.spreadsheets import MAX_IMPORT_ROWS
from core import imports
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def sheet_rows(response):
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return list(book.active.values)


def table_rows(rows):
    """The activity rows: after the header, up to the blank row before the signature block."""
    table = []
    for row in rows[3:]:
        if not any(row):
            break
        table.append(row)
    return table


def test_export_has_one_row_per_activity_and_columns_per_period(
    client, established, sekretariat, operator
):
    activity = established.activities.get(code="1.1")
    with time_machine.travel(datetime(2024, 5, 2, tzinfo=ZoneInfo("Asia/Jakarta")), tick=False):
        services.realisation_save(
            realisation=Realisation(
                activity=activity,
                period=established.periods.get(code="B04"),
                achieved_value=Decimal(6),
                narrative="Rapat",
                budget_spent=3_000_000,
                obstacles="Undangan terlambat",
            ),
            by=operator,
            submit=True,
        )
    client.force_login(sekretariat)

    rows = sheet_rows(client.get("/rat/2024/ekspor.xlsx"))

    assert "2024" in rows[0][0]
    header = rows[2]
    assert header[:4] == ("No.", "Kode", "Tahap", "Kegiatan")
    for code in ("B04", "B08", "B12"):
        assert f"Target {code}" in header and f"Realisasi {code}" in header
    records = [dict(zip(header, row, strict=True)) for row in table_rows(rows)]
    assert [r["Kode"] for r in records] == ["1.1", "2.1", "3.1"]
    first = records[0]
    assert first["Target B04"] == 1 and first["Realisasi B04"] == 6
    assert first["Capaian (%)"] == 150  # 6 of the year's 4, not capped at 100
    assert first["Tepat waktu B04"] == "ya"
    assert first["Realisasi anggaran (Rp)"] == 3_000_000
    assert first["Instansi pendukung"] == "Kepolisian Resor Jombang"
    assert "Undangan terlambat" in first["Kendala"]


def test_export_follows_the_matrix_filters(client, established, sekretariat):
    client.force_login(sekretariat)
    rows = sheet_rows(client.get("/rat/2024/ekspor.xlsx?stage=pemulihan"))
    assert [row[1] for row in table_rows(rows)] == ["3.1"]


def test_operator_export_holds_only_their_agency(client, established, operator):
    client.force_login(operator)
    rows = sheet_rows(client.get("/rat/2024/ekspor.xlsx"))
    assert [row[1] for row in table_rows(rows)] == ["1.1", "3.1"]


def test_import_template_round_trips(client, plan, sekretariat, dinsos, polres):
    AgencyFactory(name="Badan Kesatuan Bangsa dan Politik", acronym="Bakesbangpol")
    client.force_login(sekretariat)
    response = client.get("/rat/2024/impor/templat.xlsx")
    assert 'filename="templat-rat-2024.xlsx"' in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    header, example = list(book["RAT"].values)
    assert header[:6] == (
        "Kode", "Tahap", "Pilar", "Kegiatan", "Penanggung jawab", "Instansi pendukung"
    )  # fmt: skip
    assert header[-3:] == ("Target B04", "Target B08", "Target B12")
    assert book["RAT"].freeze_panes == "A2"

    upload = io.BytesIO(response.content)
    upload.name = "templat.xlsx"
    response = client.post("/rat/2024/impor/", {"file": upload})
    assert response.status_code == 302, response.content.decode()[-2000:]
    activity = plan.activities.get()
    assert activity.stage == "pencegahan"
    assert activity.responsible_agency.acronym == example[4]
    assert {a.acronym for a in activity.supporting_agencies.all()} == set(example[5].split("; "))
    assert activity.targets.count() == 3


def test_import_reads_the_plan_sheet_whichever_sheet_was_open(client, plan, sekretariat, dinsos):
    # Saved while "Pilihan" was showing, the file had that sheet read and was refused for
    # missing every column.
    client.force_login(sekretariat)
    book = openpyxl.load_workbook(io.BytesIO(client.get("/rat/2024/impor/templat.xlsx").content))
    book.active = book.worksheets.index(book["Pilihan"])
    upload = io.BytesIO()
    book.save(upload)
    upload.seek(0)
    upload.name = "templat.xlsx"

    response = client.post("/rat/2024/impor/", {"file": upload})

    assert response.status_code == 302, response.content.decode()[-2000:]
    assert plan.activities.count() == 1


def test_import_template_lists_the_allowed_values(client, plan, sekretariat, dinsos, kecamatan):
    client.force_login(sekretariat)
    book = openpyxl.load_workbook(io.BytesIO(client.get("/rat/2024/impor/templat.xlsx").content))
    allowed = list(book["Pilihan"].values)
    columns = list(zip(*allowed, strict=True))
    headings = allowed[0]
    assert headings[0] == "Tahap" and "Pencegahan" in columns[0]
    assert "Pilar" in headings and "Kolaborasi lintas sektor" in columns[headings.index("Pilar")]
    agencies = headings.index("Instansi")
    assert ("Dinsos", "Dinas Sosial") in zip(columns[agencies], columns[agencies + 1], strict=True)
    regions = headings.index("Kecamatan")
    assert ("35.17.08", "Diwek") in zip(columns[regions], columns[regions + 1], strict=True)


LABELS = [
    "Kode", "Tahap", "Pilar", "Kegiatan", "Penanggung jawab", "Instansi pendukung",
    "Indikator keberhasilan", "Satuan", "Anggaran (Rp)", "Sumber anggaran", "Kecamatan",
    "Target B04", "Target B08", "Target B12",
]  # fmt: skip


def labelled_xlsx(rows):
    book = openpyxl.Workbook()
    book.active.append(LABELS)
    for line in rows:
        book.active.append(line)
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "rat.xlsx"
    return buffer


def good(code, **changes):
    values = dict(
        zip(
            LABELS,
            [
                code,
                "Pencegahan",
                "Inklusivitas",
                "Dialog",
                "Dinsos",
                "",
                "Dialog terlaksana",
                "kali",
                "1.250.000",
                "APBD",
                "35.17.08",
                "0,5",
                1,
                1,
            ],
            strict=True,
        )
    )
    values.update(changes)
    return [values[label] for label in LABELS]


def test_import_with_indonesian_headers_names_the_column_of_each_mistake(
    client, plan, sekretariat, dinsos, kecamatan
):
    client.force_login(sekretariat)
    rows = [
        good("1.1"),
        good("1.2", **{"Tahap": "persiapan"}),
        good("1.3", **{"Penanggung jawab": "Dinas Entah"}),
        good("1.4", **{"Anggaran (Rp)": "banyak"}),
        good("1.5", **{"Target B08": -1}),
        good("1.6", **{"Kegiatan": ""}),
        good("1.7", **{"Kecamatan": "99.99"}),
        good("1.1"),
    ]
    response = client.post("/rat/2024/impor/", {"file": labelled_xlsx(rows)})

    assert response.status_code == 400
    assert response.context["problems"] == [
        "Baris 3: kolom “Tahap”: “persiapan” tidak dikenal (lihat lembar Pilihan).",
        "Baris 4: kolom “Penanggung jawab”: instansi “Dinas Entah” tidak ditemukan "
        "(lihat lembar Pilihan).",
        "Baris 5: kolom “Anggaran (Rp)” harus berupa angka.",
        "Baris 6: kolom “Target B08” tidak boleh negatif.",
        "Baris 7: kolom “Kegiatan” wajib diisi.",
        "Baris 8: kolom “Kecamatan”: “99.99” tidak dikenal (lihat lembar Pilihan).",
        "Baris 9: kolom “Kode”: 1.1 sama dengan baris 2.",
    ]
    assert not plan.activities.exists()


def test_import_reads_numbers_typed_the_indonesian_way(
    client, plan, sekretariat, dinsos, kecamatan
):
    client.force_login(sekretariat)
    response = client.post("/rat/2024/impor/", {"file": labelled_xlsx([good("1.1")])})
    assert response.status_code == 302, response.context["problems"]
    activity = plan.activities.get()
    assert activity.budget == 1_250_000
    assert activity.location == kecamatan
    assert activity.targets.get(period__code="B04").value == Decimal("0.5")


def test_import_refuses_what_the_model_refuses_naming_the_column(
    client, plan, sekretariat, dinsos, kecamatan, monkeypatch
):
    from django.core.exceptions import ValidationError

    from action_plans.models import Activity

    def clean(activity):
        if activity.unit == "paket":
            raise ValidationError({"unit": "Satuan ini tidak dipakai."})

    monkeypatch.setattr(Activity, "clean", clean)
    client.force_login(sekretariat)
    rows = [good("1.1"), good("1.2", **{"Satuan": "paket"})]
    response = client.post("/rat/2024/impor/", {"file": labelled_xlsx(rows)})

    assert response.status_code == 400
    assert response.context["problems"] == ["Baris 3: kolom “Satuan”: Satuan ini tidak dipakai."]
    assert not plan.activities.exists()


def test_rat_export_of_a_title_with_a_control_character(client, established, sekretariat):
    # Forms refuse only NUL; openpyxl refuses every control character and the export failed.
    Activity.objects.filter(plan=established, code="1.1").update(title="Rapat\x01koordinasi")
    client.force_login(sekretariat)
    response = client.get("/rat/2024/ekspor.xlsx")
    assert response.status_code == 200
    cells = [
        v for row in openpyxl.load_workbook(io.BytesIO(response.content)).active.values for v in row
    ]
    assert "Rapatkoordinasi" in cells


def test_rat_export_keeps_text_starting_like_a_formula_as_typed(client, established, sekretariat):
    # Sent to the province: a title starting with "-" or "=" is a string cell, shown as typed,
    # not behind an apostrophe, and never a formula.
    Activity.objects.filter(plan=established, code="1.1").update(title='=HYPERLINK("http://x")')
    Activity.objects.filter(plan=established).exclude(code="1.1").update(title="-Patroli")
    client.force_login(sekretariat)
    response = client.get("/rat/2024/ekspor.xlsx")
    cells = {
        cell.value: cell.data_type
        for row in openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows()
        for cell in row
    }
    assert cells['=HYPERLINK("http://x")'] == "s"
    assert cells["-Patroli"] == "s"
    assert "f" not in cells.values()
    assert not any(isinstance(value, str) and value.startswith("'") for value in cells)


def test_import_template_with_a_control_character_in_an_agency_acronym(client, plan, sekretariat):
    # The template's example row names agencies as typed (forms refuse only NUL): 500 before.
    AgencyFactory(name="AAA Dinas Uji", acronym="Dinas\x0bUji")
    client.force_login(sekretariat)
    response = client.get("/rat/2024/impor/templat.xlsx")
    assert response.status_code == 200
    example = list(openpyxl.load_workbook(io.BytesIO(response.content))["RAT"].values)[1]
    assert example[4] == "DinasUji"


def test_import_refuses_a_column_it_does_not_know_instead_of_dropping_it(
    client, plan, sekretariat, dinsos, kecamatan
):
    # "Sumber Dana" for "Sumber anggaran": read as nothing, every row would get the default.
    book = openpyxl.load_workbook(labelled_xlsx([good("1.1")]))
    book.active.cell(row=1, column=LABELS.index("Sumber anggaran") + 1, value="Sumber Dana")
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "rat.xlsx"
    client.force_login(sekretariat)

    response = client.post("/rat/2024/impor/", {"file": buffer})

    assert response.status_code == 400
    [problem] = response.context["problems"]
    assert problem.startswith(
        "Kolom “Sumber Dana” tidak dikenali: ganti judulnya dengan judul kolom templat (Kode, "
    )
    assert problem.endswith("atau hapus kolom itu.")
    assert not plan.activities.exists()


def test_import_counts_filled_rows_not_rows_with_only_borders(
    client, plan, sekretariat, dinsos, kecamatan
):
    client.force_login(sekretariat)
    book = openpyxl.load_workbook(labelled_xlsx([good("1.1"), good("1.2")]))
    for row in range(3, 2_600):  # a template with borders drawn far down
        book.active.cell(row=row, column=1).border = Border(bottom=Side(style="thin"))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "rat.xlsx"

    response = client.post("/rat/2024/impor/", {"file": buffer}, follow=True)

    assert response.status_code == 200, response.context.get("problems")
    assert sorted(plan.activities.values_list("code", flat=True)) == ["1.1", "1.2"]
    # More filled rows than allowed are still refused.
    too_many = labelled_xlsx([good(f"9.{n}") for n in range(MAX_IMPORT_ROWS + 1)])
    response = client.post("/rat/2024/impor/", {"file": too_many})
    assert response.context["problems"] == ["Paling banyak 2000 baris sekali impor."]


def test_import_refuses_an_acronym_two_agencies_share(client, plan, sekretariat, kecamatan):
    AgencyFactory(name="Badan Kesatuan Bangsa dan Politik", acronym="Bakesbangpol")
    AgencyFactory(name="Kantor Kesatuan Bangsa Kecamatan", acronym="Bakesbangpol")
    client.force_login(sekretariat)
    rows = [
        good("1.1", **{"Penanggung jawab": "Bakesbangpol"}),
        good("1.2", **{"Penanggung jawab": "Badan Kesatuan Bangsa dan Politik"}),
    ]

    response = client.post("/rat/2024/impor/", {"file": labelled_xlsx(rows)})

    assert response.context["problems"] == [
        "Baris 2: kolom “Penanggung jawab”: “Bakesbangpol” bisa berarti “Badan Kesatuan Bangsa "
        "dan Politik”, “Kantor Kesatuan Bangsa Kecamatan”; tulis nama lengkap instansinya."
    ]
    assert not plan.activities.exists()
    # The template names those two in full, so its own example row imports as it is.
    template = client.get("/rat/2024/impor/templat.xlsx").content
    allowed = list(openpyxl.load_workbook(io.BytesIO(template))["Pilihan"].values)
    agencies = [row[allowed[0].index("Instansi")] for row in allowed[1:]]
    assert "Bakesbangpol" not in agencies
    assert "Kantor Kesatuan Bangsa Kecamatan" in agencies
    upload = io.BytesIO(template)
    upload.name = "templat.xlsx"
    assert client.post("/rat/2024/impor/", {"file": upload}).status_code == 302


def test_import_finds_an_agency_named_in_capitals_with_extra_spaces(
    client, plan, sekretariat, dinsos, kecamatan
):
    client.force_login(sekretariat)
    rows = [good("1.1", **{"Penanggung jawab": "DINAS  SOSIAL"})]

    response = client.post("/rat/2024/impor/", {"file": labelled_xlsx(rows)})

    assert response.status_code == 302, response.context["problems"]
    assert plan.activities.get().responsible_agency == dinsos


def test_import_reads_a_merged_kecamatan_cell_in_each_of_its_rows(
    client, plan, sekretariat, dinsos, kecamatan
):
    client.force_login(sekretariat)
    book = openpyxl.load_workbook(
        labelled_xlsx([good("1.1"), good("1.2", Kecamatan=None), good("1.3", Kecamatan=None)])
    )
    column = openpyxl.utils.get_column_letter(LABELS.index("Kecamatan") + 1)
    book.active.merge_cells(f"{column}2:{column}4")
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "rat.xlsx"

    response = client.post("/rat/2024/impor/", {"file": buffer})

    assert response.status_code == 302, response.context["problems"]
    assert dict(plan.activities.values_list("code", "location")) == {
        "1.1": kecamatan.pk,
        "1.2": kecamatan.pk,
        "1.3": kecamatan.pk,
    }


def test_a_workbook_unpacking_to_too_much_is_refused(client, plan, sekretariat, monkeypatch):
    monkeypatch.setattr(imports, "MAX_UNPACKED_BYTES", 20_000)
    client.force_login(sekretariat)
    upload = labelled_xlsx([good(f"1.{n}") for n in range(1, 60)])
    upload.name = "rat.xlsx"

    response = client.post("/rat/2024/impor/", {"file": upload})

    [problem] = response.context["problems"]
    assert problem.startswith("Isi berkas Excel terlalu besar setelah dibuka")
    assert not plan.activities.exists()
