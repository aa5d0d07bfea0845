"""factory_boy factories with Indonesian fake data (Faker `id_ID`)."""

import factory
from django.contrib.auth.models import Group
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
