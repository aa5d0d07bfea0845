"""Exports read back as a clerk's Excel would: typed cells, a frozen and filterable header,
parties and handling in the row, and a `;` CSV for Excel set to Indonesian."""

import csv
import io
import zipfile
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core import sheets
from incidents import exports
from incidents.models import HandlingStep, Party
from tests.factories import AgencyFactory, HandlingStepFactory, IncidentFactory, UserFactory
from tests.incidents import export_reference

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def handled(kecamatan, desa, petugas_unscoped, sekretariat):
    polres = AgencyFactory(name="Kepolisian Resor Jombang", acronym="Polres Jombang")
    kodim = AgencyFactory(name="Komando Distrik Militer 0814", acronym="")
    incident = IncidentFactory(
        kecamatan=kecamatan,
        desa=desa,
        reported_by=petugas_unscoped,
        title='=HYPERLINK("http://x","klik")',
        occurred_at=datetime(2026, 3, 10, 20, 0, tzinfo=WIB),
        latitude=Decimal("-7.551234"),
        longitude=Decimal("112.233100"),
        killed=0,
        injured=None,
        loss_rupiah=1_250_000,
        parties=["Pemuda Dusun Krajan"],
    )
    Party.objects.create(incident=incident, name="Suporter", party_type="pemuda", estimated_size=40)
    first = HandlingStep.objects.create(
        incident=incident,
        date=date(2026, 3, 11),
        stage="penghentian",
        action_type="patroli",
        description="Patroli gabungan",
        created_by=sekretariat,
    )
    first.agencies.set([polres, kodim])
    last = HandlingStep.objects.create(
        incident=incident,
        date=date(2026, 3, 14),
        stage="pemulihan",
        action_type="mediasi",
        description="Mediasi di balai desa",
        created_by=sekretariat,
    )
    last.agencies.set([polres])
    return incident


def xlsx_sheet(client, query=""):
    response = client.get(f"/laporan/ekspor.xlsx{query}")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    return openpyxl.load_workbook(io.BytesIO(content)).active


def records(sheet):
    values = list(sheet.values)
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def test_excel_round_trip_keeps_numbers_dates_and_neutralised_text(client, sekretariat, handled):
    client.force_login(sekretariat)
    sheet = xlsx_sheet(client)
    (row,) = records(sheet)

    assert row["Lintang"] == pytest.approx(-7.551234)  # a number, not text, not a formula
    assert row["Bujur"] == pytest.approx(112.2331)
    assert row["Waktu kejadian"] == datetime(2026, 3, 10, 20, 0)  # local time, as a date
    assert row["Meninggal"] == 0 and row["Luka"] is None  # zero stays 0, unknown stays empty
    assert row["Kerugian (Rp)"] == 1_250_000
    assert row["Judul"] == '=HYPERLINK("http://x","klik")'  # a string cell, as typed
    header = list(next(sheet.values))
    latitude = sheet.cell(row=2, column=header.index("Lintang") + 1)
    assert latitude.data_type == "n"
    occurred = sheet.cell(row=2, column=header.index("Waktu kejadian") + 1)
    assert occurred.is_date and occurred.number_format == "DD/MM/YYYY HH:MM"
    title = sheet.cell(row=2, column=header.index("Judul") + 1)
    assert title.data_type == "s"


def test_excel_has_parties_handling_agencies_and_the_last_step(client, sekretariat, handled):
    client.force_login(sekretariat)
    (row,) = records(xlsx_sheet(client))

    assert row["Pihak"] == (
        "Pemuda Dusun Krajan (Pemuda/pelajar/suporter); Suporter (Pemuda/pelajar/suporter, ±40)"
    )
    assert row["Instansi penanganan"] == "Polres Jombang; Komando Distrik Militer 0814"
    assert row["Jumlah tindak lanjut"] == 2
    assert row["Tanggal tindak lanjut terakhir"] == datetime(2026, 3, 14)
    assert row["Tindak lanjut terakhir"] == "Mediasi: Mediasi di balai desa"


def test_excel_header_is_frozen_filterable_and_sized(client, sekretariat, handled):
    client.force_login(sekretariat)
    sheet = xlsx_sheet(client)

    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref.startswith("A1:") and sheet.auto_filter.ref.endswith("2")
    assert sheet.column_dimensions["C"].width == 40  # the title
    assert sheet["A1"].font.bold


def test_report_without_steps_exports_empty_handling_cells(
    client, sekretariat, kecamatan, petugas_unscoped
):
    IncidentFactory(kecamatan=kecamatan, reported_by=petugas_unscoped)
    client.force_login(sekretariat)
    (row,) = records(xlsx_sheet(client))
    assert row["Jumlah tindak lanjut"] == 0
    assert row["Tanggal tindak lanjut terakhir"] is None
    assert row["Tindak lanjut terakhir"] is None and row["Instansi penanganan"] is None


def test_semicolon_csv_is_what_excel_in_indonesian_reads(client, sekretariat, handled):
    client.force_login(sekretariat)
    response = client.get("/laporan/ekspor-excel-id.csv")
    assert response["Content-Disposition"].startswith('attachment; filename="laporan-pks-')
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    row = dict(zip(rows[0], rows[1], strict=True))

    assert row["Lintang"] == "-7,551234"
    assert row["Waktu kejadian"] == "10/03/2026 20:00"
    assert row["Tanggal tindak lanjut terakhir"] == "14/03/2026"
    assert row["Judul"].startswith("'=")
    assert row["Luka"] == "" and row["Meninggal"] == "0"


def test_comma_csv_keeps_points_and_iso_dates(client, sekretariat, handled):
    client.force_login(sekretariat)
    text = b"".join(client.get("/laporan/ekspor.csv").streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Lintang"] == "-7.551234"
    assert row["Waktu kejadian"] == "2026-03-10 20:00"


# Reported without a time of day (stored at local midnight), for a week, for a month.
WHEN_KNOWN = [
    (datetime(2025, 4, 30, 0, 0, tzinfo=WIB), "hari"),
    (datetime(2025, 4, 30, 0, 0, tzinfo=WIB), "minggu"),
    (datetime(2025, 3, 1, 0, 0, tzinfo=WIB), "bulan"),
    (datetime(2025, 3, 17, 9, 30, tzinfo=WIB), "bulan"),
    (datetime(2025, 4, 30, 0, 5, tzinfo=WIB), "hari"),
]


@pytest.fixture
def when_known(kecamatan, petugas_unscoped):
    return [
        IncidentFactory(
            kecamatan=kecamatan,
            reported_by=petugas_unscoped,
            occurred_at=occurred_at,
            occurred_precision=precision,
            title=f"Laporan {index}",
        )
        for index, (occurred_at, precision) in enumerate(WHEN_KNOWN)
    ]


def test_excel_says_when_it_happened_as_precisely_as_it_is_known(client, sekretariat, when_known):
    # As the report page (Incident.occurred_label): no invented 00:00, a month for a month.
    client.force_login(sekretariat)
    sheet = xlsx_sheet(client, "?sort=title")
    header = list(next(sheet.values))
    column = header.index("Waktu kejadian") + 1
    cells = [sheet.cell(row=row, column=column) for row in range(2, 2 + len(WHEN_KNOWN))]
    assert [cell.value for cell in cells] == [
        datetime(2025, 4, 30),
        datetime(2025, 4, 30),
        datetime(2025, 3, 1),
        datetime(2025, 3, 1),
        datetime(2025, 4, 30, 0, 5),
    ]
    assert all(cell.is_date for cell in cells)  # dates Excel sorts and filters, never text
    assert [cell.number_format for cell in cells] == [
        "DD/MM/YYYY",
        "DD/MM/YYYY",
        "MM/YYYY",
        "MM/YYYY",
        "DD/MM/YYYY HH:MM",
    ]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            "/laporan/ekspor-excel-id.csv",
            ["30/04/2025", "30/04/2025", "03/2025", "03/2025", "30/04/2025 00:05"],
        ),
        (
            "/laporan/ekspor.csv",
            ["2025-04-30", "2025-04-30", "2025-03", "2025-03", "2025-04-30 00:05"],
        ),
    ],
)
def test_csv_says_when_it_happened_as_precisely_as_it_is_known(
    client, sekretariat, when_known, path, expected
):
    client.force_login(sekretariat)
    text = b"".join(client.get(path + "?sort=title").streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";" if "excel-id" in path else ","))
    records_ = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [record["Waktu kejadian"] for record in records_] == expected


def test_export_queries_do_not_grow_with_the_rows(
    client, sekretariat, handled, kecamatan, petugas_unscoped, django_assert_num_queries
):
    for index in range(30):
        occurred_at, precision = WHEN_KNOWN[index % len(WHEN_KNOWN)]
        IncidentFactory(
            kecamatan=kecamatan,
            reported_by=petugas_unscoped,
            parties=["A", "B"],
            occurred_at=occurred_at,
            occurred_precision=precision,
        )
    client.force_login(sekretariat)
    # session, user, roles, history context, the session's expiry moved on, then one cursor
    # for the rows, their parties and steps included.
    with django_assert_num_queries(6):
        response = client.get("/laporan/ekspor.xlsx")
        content = b"".join(response.streaming_content)
    assert len(records(openpyxl.load_workbook(io.BytesIO(content)).active)) == 31


def test_csv_rows_are_one_copy_statement(
    client, sekretariat, handled, kecamatan, petugas_unscoped, django_assert_num_queries
):
    for _ in range(30):
        IncidentFactory(kecamatan=kecamatan, reported_by=petugas_unscoped, parties=["A", "B"])
    client.force_login(sekretariat)
    # session, user, roles, history context, the session's expiry moved on, then the COPY.
    with django_assert_num_queries(6) as queries:
        content = b"".join(client.get("/laporan/ekspor.csv").streaming_content)
    assert queries.captured_queries[-1]["sql"].startswith("COPY (SELECT")
    assert len(list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))) == 1 + 31


def test_csv_header_leaves_before_the_rows_are_read(client, sekretariat, handled):
    client.force_login(sekretariat)
    chunks = iter(client.get("/laporan/ekspor.csv").streaming_content)
    with CaptureQueriesContext(connection) as queries:
        first = next(chunks)
    assert first.decode().startswith("\ufeffNomor laporan,Jenis,Judul")
    assert not queries.captured_queries  # the rows' cursor opens after the header has gone
    assert b"Patroli" not in first and b"Mediasi" in b"".join(chunks)


def test_a_control_character_in_a_title_does_not_break_the_excel_export(
    client, sekretariat, kecamatan, petugas_unscoped
):
    IncidentFactory(kecamatan=kecamatan, reported_by=petugas_unscoped, title="Bentrok\x0b warga")
    client.force_login(sekretariat)
    (row,) = records(xlsx_sheet(client))
    assert row["Judul"] == "Bentrok warga"


# The rows are written by PostgreSQL (`core.sheets.copy_csv`, `stream_xlsx_query`). The reference
# is what Python makes of the same columns (tests/incidents/export_reference.py): the CSV must be
# the same, byte for byte, whatever the data, the workbook the same values.


@pytest.fixture
def tricky(handled, kecamatan, other_kecamatan, desa, petugas_unscoped, sekretariat):
    """Reports whose every cell is awkward for a CSV writer, one restricted, one a draft."""
    nameless = UserFactory(first_name=" ", last_name="")
    spaced = UserFactory(first_name="\u00a0Siti", last_name="Aminah\u3000")
    polres = AgencyFactory(name='Kepolisian "Resor"; Jombang', acronym="")
    reports = [
        IncidentFactory(
            kecamatan=kecamatan,
            reported_by=nameless,
            title='Bentrok "warga", dusun; A\nbaris dua\r\nbaris tiga, 100% \\ selesai',
            address="Jl. Mawar 5,\nRT 02",
            latitude=Decimal("0.000000"),
            longitude=Decimal("-112.000001"),
            loss_rupiah=0,
            conflict_source="",
            aspect="",
            form="",
            needs_completion=True,  # a quick report: no classification yet
            parties=['Kelompok "Merah"; Biru', "=1+1"],
        ),
        IncidentFactory(
            kecamatan=kecamatan,
            desa=desa,
            reported_by=spaced,
            title="-5 orang luka",
            address="@rumah",
            event=True,
            parties=[],
        ),
        IncidentFactory(
            kecamatan=other_kecamatan,
            reported_by=petugas_unscoped,
            title="\tTab di depan\\ dan garis miring",
            address="+62 812 \\.",
            confidentiality="terbatas",
        ),
        IncidentFactory(
            kecamatan=kecamatan,
            reported_by=petugas_unscoped,
            title="Émile 🙂 ꦗꦮ Jawa 50% \\.  ",
            address="\r",
            status="selesai",
            event=True,
        ),
        IncidentFactory(kecamatan=kecamatan, reported_by=sekretariat, status="draft", title="\\"),
        IncidentFactory(
            kecamatan=kecamatan,
            reported_by=petugas_unscoped,
            title="Sebulan",
            occurred_at=datetime(2025, 3, 17, 9, 30, tzinfo=WIB),
            occurred_precision="bulan",
        ),
        IncidentFactory(
            kecamatan=kecamatan,
            reported_by=petugas_unscoped,
            title="Tanpa jam",
            occurred_at=datetime(2025, 4, 30, 0, 0, tzinfo=WIB),
        ),
    ]
    Party.objects.create(incident=reports[0], name="", party_type="ormas", estimated_size=0)
    for day, description in [(5, '"Kutip" awal'), (2, "=SUM(A1)\n" + "panjang " * 80)]:
        HandlingStepFactory(
            incident=reports[0],
            date=date(2026, 3, day),
            stage="penghentian",
            action_type="mediasi",
            description=description,
            created_by=sekretariat,
            agencies=[polres, *AgencyFactory.create_batch(2)],
        )
    return reports


# A search term with quotes, a percent sign, a backslash and a semicolon: it reaches COPY as a
# bound parameter, finds the report and ends nothing.
SEARCH_TERM = "\"warga, dusun\"; 'baris' \\ 100% --"
QUERIES = [
    ("", 4),
    ("?sort=title", 4),
    ("?sort=-risk_level&status=diajukan&status=selesai", 4),
    (f"?kecamatan=KECAMATAN&q={quote(SEARCH_TERM)}", 1),
]


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("who", ["sekretariat", "petugas_unscoped", "petugas"])
def test_csv_is_byte_for_byte_what_the_python_writer_wrote(
    client, monkeypatch, request, tricky, kecamatan, language, who
):
    client.force_login(request.getfixturevalue(who))
    client.cookies["django_language"] = language
    for path in ("/laporan/ekspor.csv", "/laporan/ekspor-excel-id.csv"):
        for query, at_least in QUERIES:
            url = path + query.replace("KECAMATAN", str(kecamatan.pk))
            with monkeypatch.context() as patched:
                patched.setattr(exports, "csv_response", export_reference.csv_response)
                expected = client.get(url).content
            written = b"".join(client.get(url).streaming_content)

            assert written == expected, url
            assert written.count(b"\r\n") > at_least, url  # the header and the rows


def xlsx_download(client, url):
    """The export's first sheet, as its XML and as openpyxl reads it, from one download."""
    response = client.get(url)
    assert response.status_code == 200, url
    content = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    return xml, openpyxl.load_workbook(io.BytesIO(content)).active


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("who", ["sekretariat", "petugas"])
def test_excel_rows_from_postgresql_read_as_the_python_writer_wrote_them(
    client, monkeypatch, request, tricky, kecamatan, language, who
):
    client.force_login(request.getfixturevalue(who))
    client.cookies["django_language"] = language
    for query, at_least in QUERIES:
        url = "/laporan/ekspor.xlsx" + query.replace("KECAMATAN", str(kecamatan.pk))
        with monkeypatch.context() as patched:
            patched.setattr(sheets, "stream_xlsx_query", export_reference.stream_xlsx)
            expected_xml, expected = xlsx_download(client, url)
        written_xml, written = xlsx_download(client, url)

        assert list(written.values) == list(expected.values), url
        # Text with spaces at an end is marked to keep them, as openpyxl marks it.
        preserved = b'xml:space="preserve"'
        assert written_xml.count(preserved) == expected_xml.count(preserved)
        assert preserved in written_xml or query  # the unfiltered rows have such text
        assert len(list(written.values)) - 1 >= at_least, url  # rows under the header
        assert written.auto_filter.ref == expected.auto_filter.ref
