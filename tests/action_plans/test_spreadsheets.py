"""The matrix as the province receives it in Excel, and the import template."""

import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.utils import timezone

from action_plans import services
from action_plans.models import Realisation

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
    client, established, sekretariat, operator, monkeypatch
):
    activity = established.activities.get(code="1.1")
    monkeypatch.setattr(
        timezone, "now", lambda: datetime(2024, 5, 2, tzinfo=ZoneInfo("Asia/Jakarta"))
    )
    services.realisation_save(
        realisation=Realisation(
            activity=activity,
            period=established.periods.get(code="B04"),
            achieved_value=Decimal(1),
            narrative="Rapat",
            budget_spent=3_000_000,
            obstacles="Undangan terlambat",
        ),
        by=operator,
        submit=True,
    )
    monkeypatch.undo()
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
    assert first["Target B04"] == 1 and first["Realisasi B04"] == 1
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
    from tests.factories import AgencyFactory

    AgencyFactory(name="Badan Kesatuan Bangsa dan Politik", acronym="Bakesbangpol")
    AgencyFactory(name="Komando Distrik Militer 0814", acronym="Kodim 0814")
    client.force_login(sekretariat)
    template = client.get("/rat/2024/impor/templat.xlsx").content
    upload = io.BytesIO(template)
    upload.name = "templat.xlsx"
    response = client.post("/rat/2024/impor/", {"file": upload})
    assert response.status_code == 302, response.content.decode()[-2000:]
    activity = plan.activities.get()
    assert activity.responsible_agency.acronym == "Bakesbangpol"
    assert {a.acronym for a in activity.supporting_agencies.all()} == {
        "Polres Jombang",
        "Kodim 0814",
    }
    assert activity.targets.count() == 3
