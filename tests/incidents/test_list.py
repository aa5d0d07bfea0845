"""The report list: each filter with a matching and a non-matching case, sorting, paging,
pinned query count, and exports of exactly the filtered rows."""

import csv
import io
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.models import ActivityLog
from core.pagination import CappedPaginator
from incidents.filters import IncidentFilter
from incidents.models import Incident
from tests.factories import AgencyFactory, HandlingStepFactory, IncidentFactory

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def rows(petugas_unscoped, kecamatan, other_kecamatan, desa):
    """Two reports that differ in every filtered attribute."""
    brawl = IncidentFactory(
        kecamatan=kecamatan,
        desa=desa,
        reported_by=petugas_unscoped,
        kind="kejadian",
        title="Tawuran pemuda setelah pertandingan voli",
        chronology="Bentrokan kecil antara pemuda dua dusun di lapangan desa.",
        occurred_at=datetime(2026, 3, 10, 20, 0, tzinfo=WIB),
        conflict_source="poleksosbud",
        form="bentrokan",
        stage="penghentian",
        status="diverifikasi",
        likelihood=None,
        impact=None,
    )
    land = IncidentFactory(
        kecamatan=other_kecamatan,
        reported_by=petugas_unscoped,
        kind="potensi",
        title="Sengketa lahan perluasan pabrik",
        chronology="Warga menolak pengukuran tanah oleh perusahaan.",
        occurred_at=datetime(2026, 6, 1, 9, 0, tzinfo=WIB),
        conflict_source="sda",
        form="sengketa_lahan",
        stage="pencegahan",
        status="diajukan",
        likelihood=4,
        impact=4,
    )
    return brawl, land


def references(client, query=""):
    response = client.get(f"/laporan/?{query}")
    assert response.status_code == 200
    return [i.reference for i in response.context["incidents"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=tawuran", "brawl"),
        ("q=pabrik", "land"),
        ("q=perusahaan", "land"),  # found in the chronology
        ("occurred_from=2026-05-01", "land"),
        ("occurred_to=2026-04-30", "brawl"),
        ("kind=kejadian", "brawl"),
        ("kind=potensi", "land"),
        ("conflict_source=sda", "land"),
        ("form=bentrokan", "brawl"),
        ("stage=penghentian", "brawl"),
        ("status=diajukan", "land"),
        ("risk_level=sangat_tinggi", "land"),
    ],
)
def test_each_filter_keeps_the_matching_report_only(client, sekretariat, rows, query, expected):
    brawl, land = rows
    client.force_login(sekretariat)
    wanted = {"brawl": brawl, "land": land}[expected]
    assert references(client, query) == [wanted.reference]


def test_region_filters(client, sekretariat, rows, kecamatan, other_kecamatan, desa):
    brawl, land = rows
    client.force_login(sekretariat)
    assert references(client, f"kecamatan={kecamatan.pk}") == [brawl.reference]
    assert references(client, f"kecamatan={other_kecamatan.pk}") == [land.reference]
    assert references(client, f"kecamatan={kecamatan.pk}&desa={desa.pk}") == [brawl.reference]


def _options(page: str, name: str) -> list[tuple[str, str, bool]]:
    """(value, label, selected) of each option of the select called `name`."""
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S).group(0)
    return [
        (value, label, bool(selected))
        for value, selected, label in re.findall(
            r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select
        )
    ]


def test_desa_select_offers_the_desa_of_one_kecamatan(
    client, sekretariat, rows, kecamatan, other_kecamatan, desa
):
    """Desa names recur across kecamatan, so the list offers the desa of one kecamatan at a
    time, like the intake form: none before a kecamatan is chosen."""
    from directory.models import Region

    namesake = Region.objects.create(
        code="35.17.09.2001", name="Ceweng", level="desa", parent=other_kecamatan
    )
    client.force_login(sekretariat)
    page = client.get("/laporan/").content.decode()
    assert _options(page, "desa") == [("", "Semua", True)]
    # Picking a kecamatan reloads the desa options (htmx) from the filter's own list.
    assert 'hx-get="/laporan/pilihan-desa/?saringan=1"' in page
    page = client.get(f"/laporan/?kecamatan={other_kecamatan.pk}").content.decode()
    assert _options(page, "desa") == [("", "Semua", True), (str(namesake.pk), "Ceweng", False)]
    # A link naming only the desa (bookmarked, shared) still filters, and shows the desa chosen
    # among its neighbours.
    brawl, _land = rows
    response = client.get(f"/laporan/?desa={desa.pk}")
    assert [i.reference for i in response.context["incidents"]] == [brawl.reference]
    assert (str(desa.pk), "Ceweng", True) in _options(response.content.decode(), "desa")


def test_an_officer_is_offered_the_desa_of_their_own_kecamatan(client, petugas, desa):
    client.force_login(petugas)
    page = client.get("/laporan/").content.decode()
    assert _options(page, "desa") == [("", "Semua", True), (str(desa.pk), "Ceweng", False)]


def test_the_filters_desa_options_start_with_all(client, sekretariat, kecamatan, desa):
    client.force_login(sekretariat)
    url = f"/laporan/pilihan-desa/?saringan=1&kecamatan={kecamatan.pk}"
    options = client.get(url).content.decode()
    assert re.findall(r"<option[^>]*>([^<]*)</option>", options) == ["Semua", "Ceweng"]
    # The intake form's list says what an empty choice means there.
    intake = client.get(f"/laporan/pilihan-desa/?kecamatan={kecamatan.pk}").content.decode()
    assert "seluruh kecamatan / belum diketahui" in intake and "Desa Ceweng" in intake


def test_every_filter_choice_speaks_indonesian(client, sekretariat):
    """No "---------" and no "Tidak diketahui" for "no filter": each select says "Semua", the
    yes/no filters "Semua / Ya / Tidak", and the sort shows the order the list is in."""
    client.force_login(sekretariat)
    page = client.get("/laporan/").content.decode()
    assert "---------" not in page
    for name in ("kind", "kecamatan", "desa", "conflict_source", "form", "stage", "agency"):
        assert _options(page, name)[0] == ("", "Semua", True), name
    for name in ("mine", "has_steps"):
        assert [label for _v, label, _s in _options(page, name)] == ["Semua", "Ya", "Tidak"]
    assert _options(page, "sort")[0] == ("-occurred_at", "Waktu kejadian, terbaru dulu", False)
    assert "" not in [value for value, _l, _s in _options(page, "sort")]


def test_agency_filter_finds_reports_the_agency_handled(client, sekretariat, rows):
    brawl, _land = rows
    polres, dinsos = AgencyFactory(name="Polres"), AgencyFactory(name="Dinsos")
    HandlingStepFactory(
        incident=brawl,
        date=date(2026, 3, 11),
        stage="penghentian",
        action_type="patroli",
        description="Patroli",
        created_by=sekretariat,
        agencies=[polres],
    )
    client.force_login(sekretariat)
    assert references(client, f"agency={polres.pk}") == [brawl.reference]
    assert references(client, f"agency={dinsos.pk}") == []


def test_no_filter_lists_all_newest_first_and_sorting_works(client, sekretariat, rows):
    brawl, land = rows
    client.force_login(sekretariat)
    assert references(client) == [land.reference, brawl.reference]
    assert references(client, "sort=occurred_at") == [brawl.reference, land.reference]
    # Highest risk first; reports without a risk assessment come last either way.
    assert references(client, "sort=-risk_level") == [land.reference, brawl.reference]
    assert references(client, "sort=risk_level") == [land.reference, brawl.reference]


def test_invalid_filter_values_give_a_message_not_an_error(client, sekretariat, rows):
    client.force_login(sekretariat)
    response = client.get("/laporan/?kind=rahasia&occurred_from=kemarin&kecamatan=999999&page=99")
    assert response.status_code == 200
    page = response.content.decode()
    assert "rahasia bukan salah satu dari pilihan yang tersedia" in page
    assert "Tanggal tidak valid; gunakan format HH/BB/TTTT" in page
    # The invalid values are ignored, the valid page of results is still shown, and it says so
    # above the results (on a phone the filter box, open now, is folded away otherwise).
    assert len(response.context["incidents"]) == 2
    assert 'data-testid="filter-ignored"' in page
    assert 'class="collapse d-md-block show" id="filters-box"' in page
    assert 'data-testid="filter-ignored"' not in client.get("/laporan/?kind=kejadian").text


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_with_a_faulty_filter_is_not_made(client, sekretariat, rows, fmt):
    # 31 April does not exist: the file would have held every report after 1 January.
    client.force_login(sekretariat)
    query = "occurred_from=01/01/2026&occurred_to=31/04/2026"
    response = client.get(f"/laporan/ekspor.{fmt}?{query}", follow=True)
    list_url = "/laporan/?occurred_from=01%2F01%2F2026&occurred_to=31%2F04%2F2026"
    assert response.redirect_chain[-1][0] == list_url
    assert "Ekspor tidak dibuat" in response.text
    assert not ActivityLog.objects.filter(action="incidents.export").exists()


def test_filters_live_in_the_url_for_sharing(client, sekretariat, rows):
    client.force_login(sekretariat)
    page = client.get("/laporan/?q=tawuran&kind=kejadian").content.decode()
    assert 'href="/laporan/ekspor.csv?q=tawuran&amp;kind=kejadian"' in page
    assert 'href="/laporan/ekspor.xlsx?q=tawuran&amp;kind=kejadian"' in page


def test_list_query_count_is_pinned_and_does_not_grow_with_page_size(
    client, sekretariat, kecamatan, petugas_unscoped, django_assert_num_queries
):
    for _ in range(60):
        IncidentFactory(kecamatan=kecamatan, reported_by=petugas_unscoped, parties=["A"])
    client.force_login(sekretariat)
    # session, user, roles, the total from the tally and the user's own author-only reports,
    # kecamatan and agency options (no desa before a kecamatan is chosen), page rows, the
    # session's expiry moved on
    with django_assert_num_queries(9):
        response = client.get("/laporan/?per_page=10")
    assert len(response.context["incidents"]) == 10
    with django_assert_num_queries(9):
        response = client.get("/laporan/?per_page=50")
    assert len(response.context["incidents"]) == 50


def test_officer_list_query_count_is_pinned_and_does_not_grow_with_page_size(
    client, petugas, kecamatan, django_assert_num_queries
):
    for confidentiality in ("internal", "terbatas") * 30:
        IncidentFactory(kecamatan=kecamatan, reported_by=petugas, confidentiality=confidentiality)
    client.force_login(petugas)
    # As the secretariat's, plus the officer's kecamatan and the desa of it offered by the desa
    # filter; their own restricted reports are added from their author tally, not counted.
    with django_assert_num_queries(11) as queries:
        response = client.get("/laporan/?per_page=10")
    assert response.context["paginator"].total == 60
    assert not [q for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    with django_assert_num_queries(11):
        response = client.get("/laporan/?per_page=50")
    assert len(response.context["incidents"]) == 50


def test_csv_export_has_exactly_the_filtered_rows(client, sekretariat, rows):
    brawl, _land = rows
    client.force_login(sekretariat)
    response = client.get("/laporan/ekspor.csv?q=tawuran")
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    records = list(csv.reader(io.StringIO(text)))
    assert records[0][0] == "Nomor laporan"
    assert [r[0] for r in records[1:]] == [brawl.reference]
    header = records[0]
    row = dict(zip(header, records[1], strict=True))
    assert row["Meninggal"] == ""  # unknown stays empty, not 0
    assert row["Pelapor"]


def test_xlsx_export_has_exactly_the_filtered_rows(client, sekretariat, rows):
    _brawl, land = rows
    client.force_login(sekretariat)
    response = client.get("/laporan/ekspor.xlsx?kind=potensi")
    content = b"".join(response.streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    values = list(sheet.values)
    assert values[0][0] == "Nomor laporan"
    assert [v[0] for v in values[1:]] == [land.reference]
    row = dict(zip(values[0], values[1], strict=True))
    assert row["Risiko"] == "Sangat tinggi"
    assert row["Kecamatan"] == land.kecamatan.name


def test_dashboard_and_list_follow_the_chosen_language_only(client, sekretariat):
    client.force_login(sekretariat)
    # A browser set to English still gets the Indonesian portal until English is chosen.
    page = client.get("/laporan/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Laporan konflik" in page
    client.cookies["django_language"] = "en"
    assert "Conflict reports" in client.get("/laporan/").content.decode()


def test_occurrence_time_is_shown_in_jakarta_time(client, sekretariat, rows):
    brawl, _land = rows
    client.force_login(sekretariat)
    page = client.get(f"/laporan/{brawl.pk}/").content.decode()
    assert "10 Maret 2026, 20.00" in page
    assert brawl.occurred_at == datetime(2026, 3, 10, 13, 0, tzinfo=ZoneInfo("UTC")) + timedelta()


def test_desa_options_carry_plain_ids_whatever_the_locale(client, petugas, kecamatan):
    from directory.models import Region

    # Ids past 999 must not be written with a thousands separator ("1.234").
    desa = Region.objects.create(
        pk=123456, code="35.17.08.2099", name="Uji", level="desa", parent=kecamatan
    )
    client.force_login(petugas)
    page = client.get(f"/laporan/pilihan-desa/?kecamatan={kecamatan.pk}").content.decode()
    assert f'value="{desa.pk}"' in page


def test_incident_exports_never_carry_live_formulas(
    client, sekretariat, petugas_unscoped, kecamatan
):
    IncidentFactory(
        kecamatan=kecamatan, reported_by=petugas_unscoped, title='=HYPERLINK("http://x","klik")'
    )
    client.force_login(sekretariat)
    text = b"".join(client.get("/laporan/ekspor.csv").streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    content = b"".join(client.get("/laporan/ekspor.xlsx").streaming_content)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    # A string cell is never a formula: the title is kept as typed, without an apostrophe.
    assert sheet.cell(row=2, column=3).value == '=HYPERLINK("http://x","klik")'
    assert sheet.cell(row=2, column=3).data_type == "s"


@pytest.fixture
def one_per_status(petugas_unscoped, kecamatan):
    """One report in each status, created out of workflow order and newest last."""
    extra = {
        "ditolak": {"rejection_reason": "Lokasi tidak jelas."},
        "selesai": {"resolution": "damai"},
        "ditutup": {"resolution": "damai"},
    }
    statuses = ["ditutup", "diajukan", "selesai", "draft", "ditangani", "ditolak", "diverifikasi"]
    return {
        status: IncidentFactory(
            kecamatan=kecamatan,
            reported_by=petugas_unscoped,
            status=status,
            occurred_at=datetime(2026, 1, 1 + day, 9, 0, tzinfo=WIB),
            **extra.get(status, {}),
        )
        for day, status in enumerate(statuses)
    }


WORKFLOW = ["draft", "diajukan", "ditolak", "diverifikasi", "ditangani", "selesai", "ditutup"]


def test_status_sorts_in_workflow_order_not_by_code(client, petugas_unscoped, one_per_status):
    # The author sees the draft too.
    client.force_login(petugas_unscoped)
    by_reference = {i.reference: status for status, i in one_per_status.items()}
    ascending = [by_reference[r] for r in references(client, "sort=status")]
    assert ascending == WORKFLOW
    descending = [by_reference[r] for r in references(client, "sort=-status")]
    assert descending == WORKFLOW[::-1]
    page = client.get("/laporan/").content.decode()
    assert "Status, dari draf ke ditutup" in page
    assert "Status, A–Z" not in page


@pytest.mark.parametrize(
    ("sort", "index"),
    [("status", "incident_status_rank_idx"), ("-status", "incident_status_rank_desc_idx")],
)
def test_status_sort_is_served_by_its_index(rf, sekretariat, one_per_status, sort, index):
    request = rf.get("/laporan/", {"sort": sort})
    request.user = sekretariat
    queryset = IncidentFilter(request.GET, Incident.objects.all(), request=request).qs[:25]
    with transaction.atomic(), connection.cursor() as cursor:
        # Seven rows are cheaper to sort than to read through an index; forbid the sort step so
        # the plan shows whether an index can give the order at all.
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_incremental_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert index in plan, plan


def test_agency_filter_is_a_searchable_picker_that_keeps_its_choice(client, sekretariat, rows):
    brawl, _land = rows
    polres = AgencyFactory(acronym="Polres Jombang", name="Kepolisian Resor Jombang", kind="polri")
    HandlingStepFactory(
        incident=brawl,
        date=date(2026, 3, 11),
        stage="penghentian",
        action_type="patroli",
        description="Patroli",
        created_by=sekretariat,
        agencies=[polres],
    )
    client.force_login(sekretariat)
    response = client.get(f"/laporan/?agency={polres.pk}")
    assert [i.reference for i in response.context["incidents"]] == [brawl.reference]
    page = response.content.decode()
    search = re.search(r'<input[^>]*aria-controls="id_agency"[^>]*>', page).group(0)
    assert 'hx-get="/pilihan/instansi/"' in search and " hidden" in search
    assert f'<option value="{polres.pk}" selected>Polres Jombang — Kepolisian Resor Jombang' in page
    # The search never submits with the filters: its `q` would replace the list's search.
    assert 'form=""' in search
    # Without JavaScript the select alone offers every active agency, grouped by kind.
    dinsos = AgencyFactory(acronym="Dinsos", name="Dinas Sosial", kind="pemda")
    page = client.get("/laporan/").content.decode()
    select = re.search(r'<select name="agency".*?</select>', page, re.S).group(0)
    assert f'<option value="{dinsos.pk}">Dinsos — Dinas Sosial</option>' in select
    assert '<optgroup label="Polri">' in select


def test_an_inactive_agency_is_not_offered_and_is_refused_with_a_message(client, sekretariat, rows):
    gone = AgencyFactory(acronym="Bakorwil", name="Badan Koordinasi Wilayah", active=False)
    client.force_login(sekretariat)
    response = client.get(f"/laporan/?agency={gone.pk}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "bukan salah satu dari pilihan yang tersedia" in page
    assert "Bakorwil —" not in page


def test_list_with_an_agency_chosen_keeps_its_query_count(
    client, sekretariat, kecamatan, petugas_unscoped, django_assert_num_queries
):
    polres = AgencyFactory(acronym="Polres Jombang", name="Kepolisian Resor Jombang")
    for _ in range(30):
        incident = IncidentFactory(kecamatan=kecamatan, reported_by=petugas_unscoped)
        HandlingStepFactory(
            incident=incident,
            date=date(2026, 3, 11),
            stage="pencegahan",
            action_type="dialog",
            description="Dialog",
            created_by=sekretariat,
            agencies=[polres],
        )
    client.force_login(sekretariat)
    client.get("/laporan/")
    # session, user, roles, the chosen agency validated, count, kecamatan options, the picker's
    # chosen and offered agencies, page rows, the session's expiry moved on
    with django_assert_num_queries(10):
        response = client.get(f"/laporan/?agency={polres.pk}&per_page=10")
    assert len(response.context["incidents"]) == 10
    with django_assert_num_queries(10):
        response = client.get(f"/laporan/?agency={polres.pk}&per_page=50")
    assert len(response.context["incidents"]) == 30


def test_a_cursor_page_of_the_status_sort_picks_its_ids_inside_the_index(
    client, sekretariat, petugas_unscoped, kecamatan, monkeypatch
):
    """Others' drafts come first in workflow order and the secretariat may not see them: the
    page picks its ids in a subquery the status index answers alone (status and author are in
    it), then loads only those rows."""
    monkeypatch.setattr(CappedPaginator, "cap", 2)
    for _n in range(3):
        IncidentFactory(kecamatan=kecamatan, reported_by=petugas_unscoped, status="draft")
    visible = [
        IncidentFactory(kecamatan=kecamatan, reported_by=petugas_unscoped, status=status)
        for status in ("diajukan", "diverifikasi", "ditangani", "selesai")
    ]
    client.force_login(sekretariat)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/laporan/", {"sort": "status"})
    assert [i.reference for i in response.context["incidents"]] == [i.reference for i in visible]
    [page_query] = [q["sql"] for q in queries.captured_queries if '"reference"' in q["sql"]]
    assert 'IN (SELECT U0."id"' in page_query and "LIMIT" in page_query.split("IN (SELECT")[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'incident_status_rank_idx'"
        )
        assert cursor.fetchone()[0].endswith("INCLUDE (status, reported_by_id)")
