"""The suite's region tree, agencies and personas as plain functions: the fixtures of the
conftest files call them one by one, and groups of tests sharing their records
(tests/shared_records.py) call them together."""

from datetime import date

from accounts.choices import Role
from action_plans import services as plan_services
from action_plans.choices import PeriodScheme, PlanStatus
from directory.choices import AgencyKind, RegionLevel
from tests.factories import AgencyFactory, RegionFactory, UserFactory
from tests.helpers import add_activity


def regency():
    return RegionFactory(code="35.17", name="KAB. JOMBANG", level=RegionLevel.KABUPATEN)


def kecamatan(regency):
    return RegionFactory(code="35.17.08", name="Diwek", level=RegionLevel.KECAMATAN, parent=regency)


def other_kecamatan(regency):
    return RegionFactory(
        code="35.17.05", name="Wonosalam", level=RegionLevel.KECAMATAN, parent=regency
    )


def agency():
    return AgencyFactory(
        name="Badan Kesatuan Bangsa dan Politik", acronym="Bakesbangpol", kind=AgencyKind.PEMDA
    )


def petugas(kecamatan):
    """A field officer scoped to one kecamatan."""
    return UserFactory(
        username="petugas",
        first_name="Siti",
        last_name="Petugas",
        kecamatan=kecamatan,
        roles=[Role.PETUGAS],
    )


def petugas_unscoped():
    """A field officer for the whole regency (no kecamatan scope)."""
    return UserFactory(
        username="petugas-kab", first_name="Joko", last_name="Kabupaten", roles=[Role.PETUGAS]
    )


def sekretariat(agency):
    return UserFactory(
        username="sekretariat",
        first_name="Budi",
        last_name="Sekretariat",
        agency=agency,
        roles=[Role.SEKRETARIAT],
    )


def pimpinan():
    return UserFactory(
        username="pimpinan", first_name="Bapak", last_name="Pimpinan", roles=[Role.PIMPINAN]
    )


def admin_user():
    return UserFactory(
        username="admin", first_name="Admin", last_name="Portal", is_staff=True, roles=[Role.ADMIN]
    )


def personas() -> dict:
    """The four role personas (named as their fixtures) and what they belong to."""
    kecamatan_ = kecamatan(regency())
    agency_ = agency()
    return {
        "kecamatan": kecamatan_,
        "agency": agency_,
        "petugas": petugas(kecamatan_),
        "sekretariat": sekretariat(agency_),
        "pimpinan": pimpinan(),
        "admin_user": admin_user(),
    }


# --- the action plan's agencies, operators and plans ---------------------------------------------


def dinsos():
    return AgencyFactory(name="Dinas Sosial", acronym="Dinsos")


def polres():
    return AgencyFactory(name="Kepolisian Resor Jombang", acronym="Polres Jombang", kind="polri")


def operator(dinsos):
    """An agency operator: a field officer tied to Dinas Sosial."""
    return UserFactory(
        username="operator",
        first_name="Ani",
        last_name="Operator",
        agency=dinsos,
        roles=[Role.PETUGAS],
    )


def other_operator(polres):
    return UserFactory(username="operator-polres", agency=polres, roles=[Role.PETUGAS])


def plan(sekretariat):
    return plan_services.plan_create(year=2024, scheme=PeriodScheme.CATURWULAN, by=sekretariat)


def establish(plan, sekretariat, dinsos, polres):
    """The 2024 plan with an activity per stage, established."""
    add_activity(
        plan, sekretariat, code="1.1", agency=dinsos, stage="pencegahan", supporting=[polres]
    )
    add_activity(
        plan, sekretariat, code="2.1", agency=polres, stage="penghentian", pillars=("komunikasi",)
    )
    add_activity(
        plan,
        sekretariat,
        code="3.1",
        agency=dinsos,
        stage="pemulihan",
        pillars=("inklusivitas", "kolaborasi"),
        budget=0,
    )
    plan_services.plan_establish(
        plan=plan, by=sekretariat, decree_reference="SK 188/2024", decree_date=date(2024, 1, 2)
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DITETAPKAN
    return plan


def established_plan() -> dict:
    """The personas, both agencies with their operators and the established 2024 plan
    (`establish`), together: the records of a test class sharing them (tests/shared_records.py)."""
    records = personas()
    records |= {"dinsos": dinsos(), "polres": polres()}
    records["operator"] = operator(records["dinsos"])
    records["other_operator"] = other_operator(records["polres"])
    records["established"] = establish(
        plan(records["sekretariat"]), records["sekretariat"], records["dinsos"], records["polres"]
    )
    return records


def draft_plan() -> dict:
    """The personas, both agencies with their operators and the draft 2024 plan with one Dinsos
    activity (1.1) and one Polres activity (2.1), together."""
    records = personas()
    records |= {"dinsos": dinsos(), "polres": polres()}
    records["operator"] = operator(records["dinsos"])
    records["other_operator"] = other_operator(records["polres"])
    draft = records["draft_plan"] = plan(records["sekretariat"])
    add_activity(draft, records["sekretariat"], code="1.1", agency=records["dinsos"])
    add_activity(
        draft, records["sekretariat"], code="2.1", agency=records["polres"], stage="penghentian"
    )
    return records
