"""The inputs the evaluation relies on: which reports are owed, uncapped achievement, evidence
per realisation, establishing under a decree."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from action_plans import selectors, services
from action_plans.models import ActionPlan, Realisation
from core.models import ActivityLog
from directory.models import TeamDecree
from tests.action_plans.conftest import add_activity
from tests.factories import RealisationFactory, jpeg_bytes

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")


def test_establishing_takes_the_years_team_decree_when_none_is_given(plan, sekretariat, dinsos):
    add_activity(plan, sekretariat, code="1.1", agency=dinsos)
    with pytest.raises(ValidationError, match="nomor dan tanggal SK"):
        services.plan_establish(plan=plan, by=sekretariat)
    decree = TeamDecree.objects.create(
        year=2024, number="188/12/415.10.1.3/2024", decree_date=date(2024, 1, 8)
    )
    services.plan_establish(plan=plan, by=sekretariat)
    plan.refresh_from_db()
    assert (plan.decree_reference, plan.decree_date, plan.team_decree) == (
        decree.number,
        decree.decree_date,
        decree,
    )
    entry = ActivityLog.objects.get(action="action_plans.plan.establish")
    assert entry.data["decree"] == decree.number


def test_target_zero_or_empty_expects_no_report(plan, sekretariat, dinsos):
    add_activity(plan, sekretariat, code="1.1", agency=dinsos, targets={"B04": 0, "B12": 1})
    services.plan_establish(
        plan=plan, by=sekretariat, decree_reference="SK 1", decree_date=date(2024, 1, 2)
    )
    plan.refresh_from_db()
    [row] = selectors.matrix_rows(plan, plan.activities.all(), today=date(2025, 2, 1))
    assert [p.code for p in row.overdue_periods] == ["B12"]  # B04 target 0, B08 empty


def test_activity_added_after_a_deadline_is_not_late_for_it(plan, sekretariat, dinsos):
    activity = add_activity(plan, sekretariat, code="1.1", agency=dinsos)
    services.plan_establish(
        plan=plan, by=sekretariat, decree_reference="SK 1", decree_date=date(2024, 1, 2)
    )
    plan.refresh_from_db()
    # Added on 1 June: after B04's due date (10 May), before B08's (10 September).
    activity.created_at = datetime(2024, 6, 1, 9, tzinfo=WIB)
    activity.save()
    [row] = selectors.matrix_rows(plan, plan.activities.all(), today=date(2025, 2, 1))
    assert [p.code for p in row.overdue_periods] == ["B08", "B12"]


def test_achievement_per_period_is_uncapped(established, operator):
    activity = established.activities.get(code="1.1")  # target B04 1
    Realisation.objects.create(
        activity=activity,
        period=established.periods.get(code="B04"),
        achieved_value=Decimal(3),
        narrative="x",
        status="diserahkan",
    )
    [row] = selectors.matrix_rows(
        established, established.activities.filter(pk=activity.pk), today=date(2024, 4, 30)
    )
    assert row.cells[0].achievement == Decimal(3)  # 300%, per period, uncapped
    assert row.achievement == 1  # the capped figure for averages
    assert row.achievement_uncapped == 3
    [item] = [
        i
        for i in selectors.period_achievement([established.periods.get(code="B04").pk])
        if i.activity_id == activity.pk
    ]
    assert item.ratio == 3


def test_secretariat_adds_missing_evidence_to_a_submitted_realisation(
    established, sekretariat, pimpinan, operator
):
    activity = established.activities.get(code="1.1")
    realisation = Realisation.objects.create(
        activity=activity,
        period=established.periods.get(code="B04"),
        achieved_value=1,
        narrative="x",
        status="diserahkan",
    )
    photo = SimpleUploadedFile("daftar-hadir.jpg", jpeg_bytes(), "image/jpeg")
    services.realisation_add_evidence(realisation=realisation, files=[photo], by=sekretariat)
    assert realisation.evidence.count() == 1
    assert Realisation.objects.get(pk=realisation.pk).status == "diserahkan"
    with pytest.raises(PermissionDenied):
        services.realisation_add_evidence(realisation=realisation, files=[photo], by=pimpinan)
    with pytest.raises(ValidationError):
        services.realisation_add_evidence(realisation=realisation, files=[], by=sekretariat)


def test_evidence_page_action_is_for_the_secretariat_and_the_operator(
    client, established, sekretariat, pimpinan
):
    activity = established.activities.get(code="1.1")
    realisation = Realisation.objects.create(
        activity=activity,
        period=established.periods.get(code="B04"),
        achieved_value=1,
        narrative="x",
        status="diserahkan",
    )
    url = f"/rat/realisasi/{realisation.pk}/bukti/"
    client.force_login(pimpinan)
    files = {"files": SimpleUploadedFile("a.jpg", jpeg_bytes(), "image/jpeg")}
    assert client.post(url, files).status_code == 403
    client.force_login(sekretariat)
    files = {"files": SimpleUploadedFile("a.jpg", jpeg_bytes(), "image/jpeg")}
    assert client.post(url, files).status_code == 302
    assert realisation.evidence.count() == 1
    # Nothing chosen: a message, no error page.
    assert client.post(url, {}).status_code == 302
    assert realisation.evidence.count() == 1


def test_evidence_is_refused_for_a_plan_closed_after_the_page_was_read(established, sekretariat):
    realisation = RealisationFactory(activity=established.activities.get(code="1.1"))
    as_read = Realisation.objects.select_related("activity__plan").get(pk=realisation.pk)
    ActionPlan.objects.filter(pk=established.pk).update(status="ditutup")
    photo = SimpleUploadedFile("daftar-hadir.jpg", jpeg_bytes(), "image/jpeg")
    with pytest.raises(ValidationError):
        services.realisation_add_evidence(realisation=as_read, files=[photo], by=sekretariat)
    assert not realisation.evidence.exists()
