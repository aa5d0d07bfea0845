"""The plan's data rules live in the models: the form, the services and the Excel import refuse
the same bad data with the same Indonesian message, and the database refuses what slips past."""

import html
import io
import re
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction

from action_plans import services
from action_plans.forms import ActivityForm, RealisationForm
from action_plans.models import Activity, Period, Realisation
from core.models import ActivityLog
from tests.action_plans.conftest import add_activity, revisions

pytestmark = pytest.mark.django_db

SUPPORTING_TWICE = "Penanggung jawab tidak perlu dicantumkan lagi sebagai pendukung."
OVER_BUDGET = "Realisasi anggaran melebihi pagu kegiatan (Rp 10.000.000)."
HEADER = [
    "kode", "tahap", "pilar", "kegiatan", "penanggung_jawab", "pendukung", "indikator", "satuan",
    "anggaran", "sumber_anggaran", "kecamatan", "target_B04", "target_B08", "target_B12",
]  # fmt: skip


def activity_data(agency, **changes):
    return {
        "code": "1.1",
        "stage": "pencegahan",
        "title": "Rapat koordinasi deteksi dini",
        "responsible_agency": agency.pk,
        "supporting_agencies": [agency.pk],
        "indicator": "Rapat terlaksana",
        "unit": "kali",
        "budget": "15000000",
        "budget_source": "apbd",
        **changes,
    }


def test_responsible_agency_listed_as_supporting_is_refused_alike_everywhere(
    client, plan, sekretariat, dinsos
):
    # The form: next to the supporting agencies.
    form = ActivityForm(activity_data(dinsos), plan=plan, user=sekretariat)
    assert not form.is_valid()
    assert form.errors["supporting_agencies"] == [SUPPORTING_TWICE]

    # A service call (as a management command would make it).
    activity = Activity(
        plan=plan,
        code="1.1",
        stage="pencegahan",
        title="Rapat koordinasi deteksi dini",
        responsible_agency=dinsos,
        indicator="Rapat terlaksana",
        unit="kali",
    )
    with pytest.raises(ValidationError) as refused:
        services.activity_save(activity=activity, targets={}, supporting=[dinsos], by=sekretariat)
    assert refused.value.message_dict == {"supporting_agencies": [SUPPORTING_TWICE]}

    # The Excel import: the row is refused with its line number, nothing is imported.
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.active.append(
        ["1.1", "pencegahan", "", "Rapat", "Dinas Sosial", "Dinsos", "Rapat", "kali"] + [None] * 6
    )
    content = io.BytesIO()
    book.save(content)
    client.force_login(sekretariat)
    response = client.post(
        "/rat/2024/impor/", {"file": SimpleUploadedFile("rat.xlsx", content.getvalue())}
    )
    assert response.status_code == 400
    assert f"Baris 2: {SUPPORTING_TWICE}" in response.content.decode()
    assert not Activity.objects.exists()


@pytest.fixture
def activity(established):
    """Activity 1.1 of the established 2024 plan: Dinsos, budget Rp 10.000.000."""
    return established.activities.get(code="1.1")


def test_spending_over_the_budget_is_refused_alike_by_form_and_service(activity, operator):
    period = activity.plan.periods.get(code="B04")
    realisation = Realisation(activity=activity, period=period)
    form = RealisationForm(
        {"achieved_value": "1", "narrative": "Terlaksana", "budget_spent": "10000001"},
        instance=realisation,
    )
    assert not form.is_valid()
    assert form.errors["budget_spent"] == [OVER_BUDGET]

    realisation = Realisation(
        activity=activity,
        period=period,
        achieved_value=Decimal(1),
        narrative="Terlaksana",
        budget_spent=10_000_001,
    )
    with pytest.raises(ValidationError) as refused:
        services.realisation_save(realisation=realisation, by=operator, submit=True)
    assert refused.value.message_dict == {"budget_spent": [OVER_BUDGET]}
    assert not Realisation.objects.exists()


def test_overlapping_periods_are_refused_by_service_model_and_database(plan, sekretariat):
    b04, b08 = plan.periods.get(code="B04"), plan.periods.get(code="B08")
    b08.start_date = date(2024, 4, 15)
    with pytest.raises(ValidationError, match="Periode B04 dan B08 tumpang tindih"):
        services.period_update(period=b08, by=sekretariat)

    with pytest.raises(ValidationError) as refused:
        b08.full_clean()
    assert refused.value.message_dict["start_date"] == [
        "Periode ini tumpang tindih dengan periode lain dari rencana yang sama."
    ]

    # The constraint is checked at commit; asking for it now shows the database refuses too.
    with pytest.raises(IntegrityError), transaction.atomic():
        Period.objects.filter(pk=b08.pk).update(start_date=date(2024, 4, 15))
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS period_no_overlap IMMEDIATE")
    b04.refresh_from_db()
    assert b04.end_date == date(2024, 4, 30)


def test_boundary_between_two_periods_moves_in_one_save(client, plan, sekretariat):
    """B04 grows into May while B08 starts later: each row alone would overlap the other."""
    client.force_login(sekretariat)
    periods = list(plan.periods.order_by("order"))
    data = {
        "form-TOTAL_FORMS": "3",
        "form-INITIAL_FORMS": "3",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "reason": "",
    }
    for index, period in enumerate(periods):
        data |= {
            f"form-{index}-id": period.pk,
            f"form-{index}-name": period.name,
            f"form-{index}-start_date": period.start_date.isoformat(),
            f"form-{index}-end_date": period.end_date.isoformat(),
            f"form-{index}-due_date": period.due_date.isoformat(),
        }
    data |= {
        "form-0-end_date": "2024-05-15",
        "form-0-due_date": "2024-05-25",
        "form-1-start_date": "2024-05-16",
    }
    response = client.post("/rat/2024/periode/", data)
    assert response.status_code == 302
    b04, b08 = plan.periods.get(code="B04"), plan.periods.get(code="B08")
    assert (b04.end_date, b08.start_date) == (date(2024, 5, 15), date(2024, 5, 16))
    with connection.cursor() as cursor:  # what the commit would check
        cursor.execute("SET CONSTRAINTS period_no_overlap IMMEDIATE")


def test_revision_is_logged_with_its_reason_and_kept_by_the_row_history(
    established, sekretariat, dinsos
):
    activity = established.activities.get(code="1.1")
    activity.budget = 12_000_000
    services.activity_save(
        activity=activity,
        targets={},
        supporting=list(activity.supporting_agencies.all()),
        by=sekretariat,
        reason="Tambahan anggaran perubahan APBD.",
    )
    entry = revisions().get()
    assert entry.action_label == "Rencana aksi diubah setelah penetapan"
    assert ("alasan", "Tambahan anggaran perubahan APBD.") in entry.details
    assert ("perubahan", "1.1 · anggaran (Rp): 10.000.000 → 12.000.000") in entry.details
    event = activity.events.order_by("pgh_id").last()
    assert event.budget == 12_000_000
    assert event.pgh_context.metadata["reason"] == "Tambahan anggaran perubahan APBD."
    assert event.pgh_context.metadata["user"] == sekretariat.pk


def test_plan_events_are_logged(plan, sekretariat, dinsos):
    add_activity(plan, sekretariat, code="1.1", agency=dinsos)
    services.plan_establish(
        plan=plan, by=sekretariat, decree_reference="SK 188/12/2024", decree_date=date(2024, 1, 2)
    )
    services.plan_close(plan=plan, by=sekretariat)
    entries = ActivityLog.objects.for_object(plan).order_by("at", "pk")
    assert [e.action_label for e in entries] == [
        "Rencana aksi dibuat",
        "Rencana aksi ditetapkan",
        "Rencana aksi ditutup",
    ]
    assert entries[1].details == [
        ("dasar penetapan (SK)", "SK 188/12/2024"),
        ("tanggal SK", "2 Januari 2024"),
    ]


def periods_page_from(page: str) -> dict:
    """The periods form in `page`, as a browser would send it back."""
    data = {
        name: html.unescape(value)
        for name, value in re.findall(r'<input[^>]* name="([^"]+)"[^>]* value="([^"]*)"', page)
        if name.startswith("form-")
    }
    return {**data, "reason": ""}


def periods_page(client, plan):
    return periods_page_from(client.get(f"/rat/{plan.year}/periode/").content.decode())


def test_a_period_changed_meanwhile_keeps_the_change_or_refuses_the_save(client, plan, sekretariat):
    # Two planners open the periods page; the first moves B08's due date. The second's page
    # sent B08's old date back with its own change and undid the first one without a word.
    client.force_login(sekretariat)
    before = plan.periods.get(code="B08").due_date.strftime("%d/%m/%Y")
    first, second, third = (periods_page(client, plan) for _ in range(3))
    first["form-1-due_date"] = "15/09/2024"
    assert client.post("/rat/2024/periode/", first).status_code == 302

    second["form-2-name"] = "Periode III (akhir tahun)"
    assert client.post("/rat/2024/periode/", second).status_code == 302
    b08, b12 = plan.periods.get(code="B08"), plan.periods.get(code="B12")
    assert b08.due_date == date(2024, 9, 15) and b12.name == "Periode III (akhir tahun)"

    # The same period changed on both pages: refused, saying what changed, the typing kept.
    third["form-1-due_date"] = "20/09/2024"
    response = client.post("/rat/2024/periode/", third)
    assert response.status_code == 400
    page = " ".join(html.unescape(response.content.decode()).split())
    assert (
        "Periode diubah orang lain sejak Anda membukanya: B08 Batas laporan realisasi: "
        f"{before} → 15/09/2024." in page
    )
    assert 'value="20/09/2024"' in page and 'value="Periode III (akhir tahun)"' in page
    assert plan.periods.get(code="B08").due_date == date(2024, 9, 15)
    # Sent again from that page, it saves knowingly, and keeps the other period's new name.
    again = periods_page_from(response.content.decode())
    assert client.post("/rat/2024/periode/", again).status_code == 302
    b08, b12 = plan.periods.get(code="B08"), plan.periods.get(code="B12")
    assert b08.due_date == date(2024, 9, 20) and b12.name == "Periode III (akhir tahun)"
