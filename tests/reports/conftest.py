"""A 2024 year of task-force work, small enough to count by hand: the B08 figures below are
restated in the tests, never read back from the app's own code."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.files.base import ContentFile

from action_plans.models import Realisation, RealisationEvidence
from directory.choices import RegionLevel
from directory.models import TeamDecree, TeamMember
from tests.action_plans.conftest import add_activity, dinsos, plan, polres  # noqa: F401
from tests.factories import AgencyFactory, IncidentFactory, RegionFactory, jpeg_bytes

WIB = ZoneInfo("Asia/Jakarta")


def at(y, m, d, hour=10):
    return datetime(y, m, d, hour, tzinfo=WIB)


def submit(activity, period, value, *, when, by, spent=0, obstacles="", follow_up=""):
    return Realisation.objects.create(
        activity=activity,
        period=period,
        achieved_value=Decimal(value),
        narrative=f"Pelaksanaan {activity.code}",
        budget_spent=spent,
        obstacles=obstacles,
        follow_up=follow_up,
        status="diserahkan",
        first_submitted_at=when,
        submitted_at=when,
        submitted_by=by,
    )


@pytest.fixture
def year_2024(plan, sekretariat, dinsos, polres, kecamatan, other_kecamatan, regency):  # noqa: F811
    """RAT 2024 established; B08 realisations; reports of conflict across the year."""
    return build_year_2024(plan, sekretariat, dinsos, polres, kecamatan, other_kecamatan)


def build_year_2024(plan, sekretariat, dinsos, polres, kecamatan, other_kecamatan):  # noqa: F811
    """The `year_2024` records, as a plain function for tests/shared_records.py groups."""
    from action_plans import services

    a11 = add_activity(plan, sekretariat, code="1.1", agency=dinsos, targets={"B08": 1})
    a12 = add_activity(plan, sekretariat, code="1.2", agency=polres, targets={"B08": 4})
    a21 = add_activity(
        plan, sekretariat, code="2.1", agency=polres, stage="penghentian", targets={"B08": 2}
    )
    a31 = add_activity(
        plan, sekretariat, code="3.1", agency=dinsos, stage="pemulihan", targets={"B08": 4}
    )
    add_activity(
        plan, sekretariat, code="3.2", agency=dinsos, stage="pemulihan", targets={"B08": 1}
    )
    services.plan_establish(
        plan=plan, by=sekretariat, decree_reference="SK 188/2024", decree_date=date(2024, 1, 2)
    )
    b08 = plan.periods.get(code="B08")  # due 10 September 2024
    r11 = submit(a11, b08, 2, when=at(2024, 9, 2), by=sekretariat, spent=2_500_000)
    submit(a12, b08, 3, when=at(2024, 9, 20), by=sekretariat, obstacles="Cuaca buruk")
    submit(a21, b08, 2, when=at(2024, 9, 9), by=sekretariat)
    submit(a31, b08, 1, when=at(2024, 9, 10), by=sekretariat, follow_up="Dijadwalkan ulang")
    evidence = RealisationEvidence(
        realisation=r11,
        original_name="foto-rapat.jpg",
        content_type="image/jpeg",
        size=100,
        sha256="0" * 64,
        uploaded_by=sekretariat,
    )
    evidence.file.save("foto.jpg", ContentFile(jpeg_bytes((200, 150))), save=False)
    evidence.save()

    def report(kec, when, **fields):
        return IncidentFactory(kecamatan=kec, occurred_at=when, reported_by=sekretariat, **fields)

    # B08 (May to August), official: Diwek 4, Wonosalam 1; resolved 2 of 5.
    report(kecamatan, at(2024, 5, 3), status="selesai", resolution="damai")
    report(kecamatan, at(2024, 6, 10), status="ditutup", resolution="damai")
    report(kecamatan, at(2024, 7, 1), status="diajukan", conflict_source="sda")
    report(
        kecamatan,
        at(2024, 8, 31, 20),
        status="diverifikasi",
        confidentiality="terbatas",
        kind="kejadian",
        form="penyerangan",
        injured=9,
    )
    report(
        other_kecamatan,
        at(2024, 8, 15),
        status="ditangani",
        kind="kejadian",
        injured=3,
        killed=0,
        form="bentrokan",
    )
    # Never counted: a draft and a rejected report in B08.
    report(kecamatan, at(2024, 6, 1), status="draft")
    report(other_kecamatan, at(2024, 6, 2), status="ditolak", rejection_reason="Bukan konflik")
    # Other periods: January and December (the annual report counts them).
    report(other_kecamatan, at(2024, 1, 15), status="selesai", resolution="damai")
    report(kecamatan, at(2024, 12, 1), status="diajukan")
    decree = TeamDecree.objects.create(
        year=2024, number="188/45/415.10.1.3/2024", decree_date=date(2024, 1, 8)
    )
    TeamMember.objects.create(
        decree=decree,
        position="ketua",
        agency=AgencyFactory(name="Pemerintah Kabupaten"),
        person_name="Bupati Uji",
    )
    TeamMember.objects.create(
        decree=decree, position="sekretaris", agency=dinsos, person_name="Kepala Badan Uji"
    )
    plan.refresh_from_db()
    return plan


@pytest.fixture
def second_regency(db, settings):
    """Kota Surabaya (35.78) as the portal's regency, with two kecamatan of its own."""
    settings.PORTAL_REGION_CODE = "35.78"
    city = RegionFactory(code="35.78", name="KOTA SURABAYA", level=RegionLevel.KABUPATEN)
    RegionFactory(code="35.78.01", name="Karang Pilang", level=RegionLevel.KECAMATAN, parent=city)
    RegionFactory(code="35.78.02", name="Wonocolo", level=RegionLevel.KECAMATAN, parent=city)
    return city
