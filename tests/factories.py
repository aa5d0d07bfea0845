"""factory_boy factories with Indonesian fake data (Faker `id_ID`)."""

from datetime import timedelta

import factory
from django.contrib.auth.models import Group
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import User
from directory.choices import AgencyKind, ContactKind, RegionLevel
from directory.models import Agency, Contact, Region

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
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))
        if create:
            self.save()


class IncidentFactory(DjangoModelFactory):
    """A submitted, internal potential conflict. Pass `kecamatan` (and `reported_by`)."""

    class Meta:
        model = "incidents.Incident"
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"PKS-2026-{n + 1:04d}")
    kind = "potensi"
    title = factory.Sequence(lambda n: f"Ketegangan warga nomor {n}")
    chronology = "Warga dua dusun saling mengejek setelah pertandingan sepak bola antardesa."
    occurred_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))
    reported_by = factory.SubFactory(UserFactory)
    information_source = "babinsa"
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

    @factory.post_generation
    def parties(self, create, extracted, **kwargs):
        if create:
            from incidents.models import Party

            for name in extracted or ["Pemuda Dusun Krajan"]:
                Party.objects.create(incident=self, name=name, party_type="pemuda")


def jpeg_bytes(size=(40, 30)) -> bytes:
    """A real (tiny) JPEG photo."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(buffer, "JPEG")
    return buffer.getvalue()
