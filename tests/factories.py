"""factory_boy factories with Indonesian fake data (Faker `id_ID`), one per model, each
producing a record that passes `full_clean()` and the database constraints.

Records that belong to one year or one plan (reference numbers, plan years) take their numbers
from the same source the services use, so a factory never collides with `incident_create`.
"""

import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import factory
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.db.models import Max
from django.utils import timezone
from factory.django import DjangoModelFactory
from PIL import Image

from accounts.models import User
from action_plans.choices import PeriodScheme, PlanStatus, RealisationStatus, Stage
from action_plans.models import (
    ActionPlan,
    Activity,
    Period,
    Realisation,
    RealisationEvidence,
    Target,
)
from action_plans.services import default_periods
from core.models import ActivityLog
from directory.choices import AgencyKind, ContactKind, RegionLevel, TeamPosition
from directory.models import Agency, Contact, Region, TeamDecree, TeamMember
from incidents.models import ConflictStatus, Evidence, HandlingStep, Incident, Party
from incidents.services import reference_next

factory.Faker._DEFAULT_LOCALE = "id_ID"

DEFAULT_PASSWORD = "rahasia-uji-123"


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "35.17"
    name = "KAB. JOMBANG"
    level = RegionLevel.KABUPATEN
    parent = None


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Dinas Uji {n}")
    acronym = factory.Sequence(lambda n: f"DU{n}")
    kind = AgencyKind.PEMDA


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    name = factory.Faker("name")
    kind = ContactKind.MASYARAKAT
    organisation = factory.Faker("company")
    phone = factory.Sequence(lambda n: f"08123{n:07d}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"pengguna{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@contoh.go.id")
    # Hashed when the user is built (with the suite's fast hasher), so no second save is needed.
    password = factory.LazyFunction(lambda: make_password(DEFAULT_PASSWORD))

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))


class RegencyFactory(RegionFactory):
    """The configured regency (get-or-create: every factory shares one)."""


class KecamatanFactory(RegionFactory):
    code = "35.17.08"
    name = "Diwek"
    level = RegionLevel.KECAMATAN
    parent = factory.SubFactory(RegencyFactory)


class DesaFactory(RegionFactory):
    code = "35.17.08.2001"
    name = "Ceweng"
    level = RegionLevel.DESA
    parent = factory.SubFactory(KecamatanFactory)


class TeamDecreeFactory(DjangoModelFactory):
    class Meta:
        model = TeamDecree
        django_get_or_create = ("year",)

    year = 2024
    number = factory.LazyAttribute(
        lambda decree: f"188/{decree.year % 100:02d}/415.10.1.3/{decree.year}"
    )
    decree_date = factory.LazyAttribute(lambda decree: date(decree.year, 1, 15))


class TeamMemberFactory(DjangoModelFactory):
    class Meta:
        model = TeamMember

    decree = factory.SubFactory(TeamDecreeFactory)
    position = TeamPosition.ANGGOTA
    agency = factory.SubFactory(AgencyFactory)
    person_name = factory.Faker("name")


# --- incidents ---------------------------------------------------------------------------------


def _two_days_ago():
    return timezone.now() - timedelta(days=2)


class IncidentFactory(DjangoModelFactory):
    """A submitted, internal potential conflict with one party.

    The reference number comes from the same yearly counter `incident_create` uses, so reports
    made by a service after (or before) a factory never clash."""

    class Meta:
        model = Incident
        skip_postgeneration_save = True

    reference = factory.LazyAttribute(
        lambda incident: reference_next(year=timezone.localtime(incident.occurred_at).year)
    )
    kind = "potensi"
    title = factory.Sequence(lambda n: f"Ketegangan warga nomor {n}")
    chronology = "Warga dua dusun saling mengejek setelah pertandingan sepak bola antardesa."
    occurred_at = factory.LazyFunction(_two_days_ago)
    reported_by = factory.SubFactory(UserFactory)
    information_source = "babinsa"
    kecamatan = factory.SubFactory(KecamatanFactory)
    conflict_source = "poleksosbud"
    aspect = "sosial_budaya"
    form = "bentrokan"
    likelihood = 2
    impact = 2
    status = "diajukan"
    # Known exactly when resolved or closed (constraint incident_resolution_iff_resolved).
    resolution = factory.LazyAttribute(
        lambda o: "damai" if o.status in ("selesai", "ditutup") else ""
    )
    confidentiality = "internal"
    # Past draft, a report has been submitted (the verification queue's "waiting since").
    submitted_at = factory.LazyAttribute(lambda o: None if o.status == "draft" else timezone.now())

    class Params:
        event = factory.Trait(kind="kejadian", likelihood=None, impact=None, injured=0, killed=0)

    @factory.post_generation
    def parties(self, create, extracted, **kwargs):
        if create:
            for name in extracted or ["Pemuda Dusun Krajan"]:
                Party.objects.create(incident=self, name=name, party_type="pemuda")


class PartyFactory(DjangoModelFactory):
    class Meta:
        model = Party

    incident = factory.SubFactory(IncidentFactory, parties=["Warga Dusun Kulon"])
    name = factory.Sequence(lambda n: f"Kelompok warga {n}")
    party_type = "warga"
    estimated_size = 30


class HandlingStepFactory(DjangoModelFactory):
    class Meta:
        model = HandlingStep
        skip_postgeneration_save = True

    incident = factory.SubFactory(IncidentFactory, status="ditangani")
    date = factory.LazyFunction(timezone.localdate)
    stage = Stage.PENCEGAHAN
    action_type = "mediasi"
    description = "Mediasi di balai desa dengan tokoh masyarakat kedua dusun."
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def agencies(self, create, extracted, **kwargs):
        if create and extracted:
            self.agencies.set(extracted)


class ConflictStatusFactory(DjangoModelFactory):
    """A 30-day Status Keadaan Konflik (within the 90-day maximum)."""

    class Meta:
        model = ConflictStatus

    decree_number = factory.Sequence(lambda n: f"188/{n + 1}/KEP/415.12/2024")
    scope = "Kecamatan Diwek"
    start_date = date(2024, 3, 1)
    end_date = factory.LazyAttribute(lambda status: status.start_date + timedelta(days=29))


def _jpeg_file(name="foto-lokasi.jpg"):
    return ContentFile(jpeg_bytes(), name=name)


class EvidenceFactory(DjangoModelFactory):
    """A stored photo on a report (written to MEDIA_ROOT, a per-test folder in the suite)."""

    class Meta:
        model = Evidence

    incident = factory.SubFactory(IncidentFactory)
    file = factory.LazyFunction(_jpeg_file)
    original_name = "foto-lokasi.jpg"
    content_type = "image/jpeg"
    size = factory.LazyAttribute(lambda evidence: evidence.file.size)
    sha256 = "0" * 64
    uploaded_by = factory.SelfAttribute("incident.reported_by")


# --- action plans ------------------------------------------------------------------------------


def _next_free_plan_year():
    """Plan years are unique; take the year after the latest one (or 2030 for the first)."""
    latest = ActionPlan.objects.aggregate(latest=Max("year"))["latest"]
    return latest + 1 if latest else 2030


class ActionPlanFactory(DjangoModelFactory):
    """A draft plan with its reporting periods (as `plan_create` lays them out).

    `ActionPlanFactory(established=True)` gives an established plan with a decree reference."""

    class Meta:
        model = ActionPlan
        skip_postgeneration_save = True

    year = factory.LazyFunction(_next_free_plan_year)
    period_scheme = PeriodScheme.CATURWULAN
    created_by = factory.SubFactory(UserFactory)

    class Params:
        established = factory.Trait(
            status=PlanStatus.DITETAPKAN,
            decree_reference=factory.LazyAttribute(lambda plan: f"SK Bupati 188/{plan.year}"),
            established_at=factory.LazyFunction(timezone.now),
        )

    @factory.post_generation
    def periods(self, create, extracted, **kwargs):
        if create and extracted is not False:
            for period in default_periods(self.year, self.period_scheme):
                period.plan = self
                period.save()


# The brief and the regulation call it a reporting period.
class PeriodFactory(DjangoModelFactory):
    """An extra reporting period (plans from ActionPlanFactory already have theirs)."""

    class Meta:
        model = Period

    plan = factory.SubFactory(ActionPlanFactory, periods=False)
    code = factory.Sequence(lambda n: f"P{n % 1000:03d}")
    name = "Januari–April"
    start_date = factory.LazyAttribute(lambda period: date(period.plan.year, 1, 1))
    end_date = factory.LazyAttribute(lambda period: date(period.plan.year, 4, 30))
    due_date = factory.LazyAttribute(lambda period: period.end_date + timedelta(days=10))


ReportingPeriodFactory = PeriodFactory


class ActivityFactory(DjangoModelFactory):
    """An activity of a plan, with a target of 1 in each of the plan's periods."""

    class Meta:
        model = Activity
        skip_postgeneration_save = True

    plan = factory.SubFactory(ActionPlanFactory)
    code = factory.Sequence(lambda n: f"1.{n + 1}")
    stage = Stage.PENCEGAHAN
    pillars = factory.LazyFunction(lambda: ["kolaborasi"])
    title = factory.Sequence(lambda n: f"Rapat koordinasi deteksi dini {n}")
    responsible_agency = factory.SubFactory(AgencyFactory)
    indicator = "Rapat terlaksana"
    unit = "kali"
    budget = 10_000_000

    @factory.post_generation
    def targets(self, create, extracted, **kwargs):
        """`targets={"B04": 2}` sets values per period code; `targets=False` sets none."""
        if not create or extracted is False:
            return
        values = extracted or {}
        for period in self.plan.periods.all():
            Target.objects.create(
                activity=self, period=period, value=Decimal(values.get(period.code, 1))
            )

    @factory.post_generation
    def supporting(self, create, extracted, **kwargs):
        if create and extracted:
            self.supporting_agencies.add(*extracted)


class TargetFactory(DjangoModelFactory):
    """A target for a period; the activity is made without targets of its own."""

    class Meta:
        model = Target

    activity = factory.SubFactory(ActivityFactory, targets=False)
    period = factory.LazyAttribute(lambda target: target.activity.plan.periods.first())
    value = Decimal(2)


class RealisationFactory(DjangoModelFactory):
    """A realisation submitted on time for the first period of an established plan's activity."""

    class Meta:
        model = Realisation

    activity = factory.SubFactory(
        ActivityFactory, plan=factory.SubFactory(ActionPlanFactory, established=True)
    )
    period = factory.LazyAttribute(lambda realisation: realisation.activity.plan.periods.first())
    achieved_value = Decimal(1)
    narrative = "Rapat koordinasi terlaksana di pendopo kabupaten, dihadiri 25 peserta."
    budget_spent = 2_500_000
    status = RealisationStatus.DISERAHKAN
    submitted_by = factory.SubFactory(
        UserFactory, agency=factory.SelfAttribute("..activity.responsible_agency")
    )
    first_submitted_at = factory.LazyAttribute(
        lambda realisation: timezone.make_aware(
            datetime.combine(realisation.period.end_date, time(10))
        )
    )
    submitted_at = factory.SelfAttribute("first_submitted_at")


class RealisationEvidenceFactory(DjangoModelFactory):
    class Meta:
        model = RealisationEvidence

    realisation = factory.SubFactory(RealisationFactory)
    file = factory.LazyFunction(lambda: _jpeg_file("daftar-hadir.jpg"))
    original_name = "daftar-hadir.jpg"
    content_type = "image/jpeg"
    size = factory.LazyAttribute(lambda evidence: evidence.file.size)
    sha256 = "0" * 64
    uploaded_by = factory.SelfAttribute("realisation.submitted_by")


# --- core --------------------------------------------------------------------------------------


class ActivityLogFactory(DjangoModelFactory):
    class Meta:
        model = ActivityLog

    actor = factory.SubFactory(UserFactory)
    action = "incidents.export"
    data = factory.LazyFunction(dict)


def jpeg_bytes(size=(40, 30)) -> bytes:
    """A real (tiny) JPEG photo."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, "JPEG")
    return buffer.getvalue()
