from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.choices import Role
from accounts.models import User
from directory.choices import ContactKind, LegalBasis
from directory.models import Agency, Contact, Region

# Plainly fictional people, marked as demo data (DESIGN.md §7).
DEMO_CONTACTS = [
    ("Tokoh Contoh Agama (DEMO)", ContactKind.AGAMA, "FKUB", "081234500001"),
    ("Tokoh Contoh Pemuda (DEMO)", ContactKind.PEMUDA, "Karang Taruna", "081234500002"),
    ("Tokoh Contoh Perempuan (DEMO)", ContactKind.PEREMPUAN, "PKK", "081234500003"),
]


class Command(BaseCommand):
    help = (
        "Create demo users (one per role, password from DEMO_PASSWORD or 'demo12345') and "
        "fictional demo contacts. Idempotent; refuses to run with DEBUG off unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--password", default=None)
        parser.add_argument("--force", action="store_true")

    @transaction.atomic
    def handle(self, *args, password, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo data is for development; use --force to load it anyway.")
        password = password or settings.DEMO_PASSWORD
        regency = Region.objects.filter(code=settings.PORTAL_REGION_CODE).first()
        if regency is None:
            raise CommandError("Run import_regions first.")
        kecamatan = Region.objects.within(regency).kecamatan().first()
        secretariat = Agency.objects.filter(acronym="Bakesbangpol").first()
        social = Agency.objects.filter(acronym="Dinsos").first()

        users = [
            (
                "petugas",
                Role.PETUGAS,
                {"first_name": "Petugas", "last_name": "Demo", "kecamatan": kecamatan},
            ),
            (
                "operator",
                Role.PETUGAS,
                {"first_name": "Operator", "last_name": "Dinsos (Demo)", "agency": social},
            ),
            (
                "sekretariat",
                Role.SEKRETARIAT,
                {"first_name": "Sekretariat", "last_name": "Demo", "agency": secretariat},
            ),
            ("pimpinan", Role.PIMPINAN, {"first_name": "Pimpinan", "last_name": "Demo"}),
            ("admin", Role.ADMIN, {"first_name": "Admin", "last_name": "Demo", "is_staff": True}),
        ]
        created = 0
        for username, role, fields in users:
            user, was_created = User.objects.get_or_create(username=username, defaults=fields)
            if was_created:
                user.set_password(password)
                user.save()
                created += 1
            user.groups.add(Group.objects.get(name=role))
        for name, kind, organisation, phone in DEMO_CONTACTS:
            Contact.objects.get_or_create(
                name=name,
                defaults={
                    "kind": kind,
                    "organisation": organisation,
                    "phone": phone,
                    "region": kecamatan,
                    "legal_basis": LegalBasis.CONSENT,
                },
            )
        self.stdout.write(f"Demo users: {created} created (password: see DEMO_PASSWORD).")
