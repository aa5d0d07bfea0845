"""A hand-built year (2024) whose evaluation figures are known, worked out in the comments.

Plan 2024, established, periods B04 (due 10 May), B08 (due 10 September), B12.
- 1.1 "Dialog kebangsaan" (Dinsos, supported by Polres): target B04 2, B08 2.
  B04: 3 reported on 8 May (on time, 150%: melampaui), one photo.
  B08: 1 reported on 1 September (on time, 50%: di bawah), no evidence.
- 1.2 "Patroli" (Polres alone): target B04 4, B08 0.
  B04: 3 reported on 20 May (late, 75%: mendekati), no evidence. B08 expects nothing (target 0).
- 2.1 "Pemetaan" (Kodim alone): target B08 1, added on 20 September, after B08's due date:
  owes no B08 report (not late), but counts as 0% achieved.

Reports (all in B04, Jan-Apr):
- I1 reported 1 Feb, occurred 30 Jan, resolved (selesai), Diwek. Steps: 3 Feb dialog (Polres
  + Kodim, a religious leader); 10 Feb patrol (Polres).
- I2 reported 1 Mar, being handled, Wonosalam. Step 8 Mar mediation (Dinsos, a youth leader).
- I3 reported 1 Apr, submitted, Diwek, no step yet.
- I4 rejected (ditolak) with a dialog step: never counted.
"""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from action_plans import services as plan_services
from action_plans.choices import PeriodScheme, PlanStatus, RealisationStatus
from action_plans.models import Activity, Realisation, RealisationEvidence, Target
from incidents.models import HandlingStep, Incident
from tests.factories import AgencyFactory, ContactFactory, IncidentFactory, jpeg_bytes

WIB = ZoneInfo("Asia/Jakarta")


def at(*args):
    return datetime(*args, 10, 0, tzinfo=WIB)


def make_activity(
    plan, *, code, title, agency, created, targets, supporting=(), stage="pencegahan"
):
    activity = Activity.objects.create(
        plan=plan,
        code=code,
        stage=stage,
        title=title,
        responsible_agency=agency,
        indicator="Terlaksana",
        unit="kali",
        created_at=created,
    )
    activity.supporting_agencies.set(supporting)
    periods = {p.code: p for p in plan.periods.all()}
    for code_, value in targets.items():
        Target.objects.create(activity=activity, period=periods[code_], value=Decimal(value))
    return activity


def report(activity, code, value, submitted, *, by, evidence=False):
    realisation = Realisation.objects.create(
        activity=activity,
        period=activity.plan.periods.get(code=code),
        achieved_value=Decimal(value),
        narrative="Terlaksana.",
        status=RealisationStatus.DISERAHKAN,
        first_submitted_at=submitted,
        submitted_at=submitted,
        submitted_by=by,
    )
    if evidence:
        file = RealisationEvidence(realisation=realisation)
        file.store(SimpleUploadedFile("foto.jpg", jpeg_bytes(), "image/jpeg"), by=by)
        file.save()
    return realisation


def incident(*, reported, status, kecamatan, by, occurred=None):
    item = IncidentFactory(
        status=status,
        kecamatan=kecamatan,
        reported_by=by,
        occurred_at=occurred or reported,
        rejection_reason="Bukan konflik sosial." if status == "ditolak" else "",
    )
    Incident.objects.filter(pk=item.pk).update(reported_at=reported)
    return item


def step(item, day, action_type, *, agencies=(), contacts=(), by):
    s = HandlingStep.objects.create(
        incident=item,
        date=day,
        stage="pencegahan",
        action_type=action_type,
        description="Langkah penanganan.",
        created_by=by,
    )
    s.agencies.set(agencies)
    s.contacts.set(contacts)
    return s


@pytest.fixture
def world(default_framework, sekretariat, kecamatan, other_kecamatan):
    return build_world(sekretariat, kecamatan, other_kecamatan)


def build_world(sekretariat, kecamatan, other_kecamatan):
    """The `world` records, as a plain function for tests/shared_records.py groups."""
    dinsos = AgencyFactory(name="Dinas Sosial", acronym="Dinsos")
    polres = AgencyFactory(name="Polres Jombang", acronym="Polres", kind="polri")
    kodim = AgencyFactory(name="Kodim 0814", acronym="Kodim", kind="tni")
    plan = plan_services.plan_create(year=2024, scheme=PeriodScheme.CATURWULAN, by=sekretariat)
    plan.status = PlanStatus.DITETAPKAN
    plan.save()
    a11 = make_activity(
        plan,
        code="1.1",
        title="Dialog kebangsaan",
        agency=dinsos,
        supporting=[polres],
        created=at(2024, 1, 5),
        targets={"B04": 2, "B08": 2},
    )
    a12 = make_activity(
        plan,
        code="1.2",
        title="Patroli",
        agency=polres,
        created=at(2024, 1, 5),
        targets={"B04": 4, "B08": 0},
        stage="penghentian",
    )
    a21 = make_activity(
        plan,
        code="2.1",
        title="Pemetaan",
        agency=kodim,
        created=at(2024, 9, 20),
        targets={"B08": 1},
        stage="pemulihan",
    )
    r11_b04 = report(a11, "B04", 3, at(2024, 5, 8), by=sekretariat, evidence=True)
    r12_b04 = report(a12, "B04", 3, at(2024, 5, 20), by=sekretariat)
    r11_b08 = report(a11, "B08", 1, at(2024, 9, 1), by=sekretariat)

    agama = ContactFactory(kind="agama")
    pemuda = ContactFactory(kind="pemuda")
    i1 = incident(
        reported=at(2024, 2, 1),
        occurred=at(2024, 1, 30),
        status="selesai",
        kecamatan=kecamatan,
        by=sekretariat,
    )
    s1 = step(
        i1, date(2024, 2, 3), "dialog", agencies=[polres, kodim], contacts=[agama], by=sekretariat
    )
    s2 = step(i1, date(2024, 2, 10), "patroli", agencies=[polres], by=sekretariat)
    i2 = incident(
        reported=at(2024, 3, 1), status="ditangani", kecamatan=other_kecamatan, by=sekretariat
    )
    s3 = step(i2, date(2024, 3, 8), "mediasi", agencies=[dinsos], contacts=[pemuda], by=sekretariat)
    i3 = incident(reported=at(2024, 4, 1), status="diajukan", kecamatan=kecamatan, by=sekretariat)
    i4 = incident(reported=at(2024, 4, 2), status="ditolak", kecamatan=kecamatan, by=sekretariat)
    step(i4, date(2024, 4, 3), "dialog", agencies=[polres, kodim], by=sekretariat)
    return {
        "plan": plan,
        "dinsos": dinsos,
        "polres": polres,
        "kodim": kodim,
        "a11": a11,
        "a12": a12,
        "a21": a21,
        "r11_b04": r11_b04,
        "r12_b04": r12_b04,
        "r11_b08": r11_b08,
        "i1": i1,
        "i2": i2,
        "i3": i3,
        "i4": i4,
        "s1": s1,
        "s2": s2,
        "s3": s3,
    }
