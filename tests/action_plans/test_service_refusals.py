"""What the RAT services refuse, each with the Indonesian message the page shows: closing a plan
not yet established, periods and targets that do not belong, returning a realisation without a
note or as an operator, and data dukung added to a closed plan."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from action_plans import services
from action_plans.choices import PeriodScheme, RealisationStatus
from action_plans.models import Realisation, RealisationEvidence, Target
from tests.factories import jpeg_bytes
from tests.helpers import add_activity

pytestmark = pytest.mark.django_db

WIB = ZoneInfo("Asia/Jakarta")


def messages(caught):
    return caught.value.messages


def submitted(plan, operator):
    activity = plan.activities.get(code="1.1")
    return services.realisation_save(
        realisation=Realisation(
            activity=activity,
            period=plan.periods.get(code="B04"),
            achieved_value=Decimal(1),
            narrative="Rapat koordinasi terlaksana",
            budget_spent=1_000_000,
        ),
        by=operator,
        submit=True,
    )


def test_a_draft_plan_cannot_be_closed(plan, sekretariat):
    with pytest.raises(ValidationError) as caught:
        services.plan_close(plan=plan, by=sekretariat)
    assert messages(caught) == ["Hanya rencana yang sudah ditetapkan yang dapat ditutup."]


def test_a_plan_is_not_closed_before_its_last_report_is_due(established, sekretariat):
    # The 2024 plan's B12 (September to December) is due on 10 January 2025.
    new_years_eve = time_machine.travel(datetime(2024, 12, 31, 9, 0, tzinfo=WIB), tick=False)
    with new_years_eve, pytest.raises(ValidationError) as caught:
        services.plan_close(plan=established, by=sekretariat)
    assert messages(caught) == [
        "Rencana baru dapat ditutup setelah batas laporan periode terakhir (10 Januari 2025): "
        "sampai tanggal itu realisasinya masih dapat dilaporkan."
    ]
    with time_machine.travel(datetime(2025, 1, 11, 9, 0, tzinfo=WIB), tick=False):
        assert services.plan_close(plan=established, by=sekretariat).status == "ditutup"


def test_the_plan_page_names_the_date_it_can_be_closed(client, established, sekretariat):
    client.force_login(sekretariat)
    with time_machine.travel(datetime(2025, 1, 10, 9, 0, tzinfo=WIB), tick=False):
        page = client.get("/rat/2024/").content.decode()
    assert "Rencana dapat ditutup setelah batas laporan periode terakhir (10 Januari 2025)." in page
    assert 'data-testid="close"' not in page
    with time_machine.travel(datetime(2025, 1, 11, 9, 0, tzinfo=WIB), tick=False):
        assert 'data-testid="close"' in client.get("/rat/2024/").content.decode()


def test_periods_and_targets_of_another_plan_are_refused(plan, sekretariat, dinsos):
    other = services.plan_create(year=2025, scheme=PeriodScheme.CATURWULAN, by=sekretariat)
    stray = other.periods.get(code="B04")
    stray.name = "Dipindah"

    with pytest.raises(ValidationError) as caught:
        services.periods_update(plan=plan, periods=[stray], by=sekretariat)
    assert messages(caught) == ["Periode B04 bukan bagian dari rencana ini."]

    activity = add_activity(plan, sekretariat, code="1.1", agency=dinsos)
    with pytest.raises(ValidationError) as caught:
        services.activity_save(activity=activity, targets={stray: Decimal(1)}, by=sekretariat)
    assert messages(caught) == ["Periode B04 bukan bagian dari rencana ini."]


def test_a_negative_target_is_refused_and_an_emptied_one_removed(plan, sekretariat, dinsos):
    activity = add_activity(plan, sekretariat, code="1.1", agency=dinsos)
    b04 = plan.periods.get(code="B04")
    with pytest.raises(ValidationError) as caught:
        services.activity_save(activity=activity, targets={b04: Decimal(-1)}, by=sekretariat)
    assert messages(caught) == ["Target tidak boleh negatif."]

    services.activity_save(activity=activity, targets={b04: None}, by=sekretariat)
    assert not Target.objects.filter(activity=activity, period=b04).exists()


def test_a_return_needs_the_secretariat_and_a_note(established, operator, sekretariat):
    realisation = submitted(established, operator)

    with pytest.raises(PermissionDenied, match="Hanya sekretariat"):
        services.realisation_return(realisation=realisation, by=operator, note="Perbaiki")
    with pytest.raises(ValidationError) as caught:
        services.realisation_return(realisation=realisation, by=sekretariat, note="   ")
    assert caught.value.message_dict == {"note": ["Tuliskan catatan perbaikan untuk operator."]}
    realisation.refresh_from_db()
    assert realisation.status == RealisationStatus.DISERAHKAN


def test_data_dukung_is_added_to_a_submitted_report_but_not_to_a_closed_plan(
    established, operator, sekretariat
):
    realisation = submitted(established, operator)
    photo = SimpleUploadedFile("daftar-hadir.jpg", jpeg_bytes(), "image/jpeg")

    with pytest.raises(ValidationError) as caught:
        services.realisation_add_evidence(realisation=realisation, files=[], by=operator)
    assert caught.value.message_dict == {"files": ["Pilih sedikitnya satu berkas data dukung."]}
    services.realisation_add_evidence(realisation=realisation, files=[photo], by=operator)
    assert RealisationEvidence.objects.filter(realisation=realisation).count() == 1

    services.plan_close(plan=established, by=sekretariat)
    realisation.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        services.realisation_add_evidence(realisation=realisation, files=[photo], by=sekretariat)
    assert messages(caught) == ["Rencana sudah ditutup; data dukungnya tidak dapat ditambah lagi."]
    assert RealisationEvidence.objects.filter(realisation=realisation).count() == 1
