from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.choices import Role
from accounts.models import User
from action_plans import services as plan_services
from action_plans.models import ActionPlan, Activity, Realisation
from directory.choices import ContactKind, LegalBasis
from directory.models import Agency, Contact, Region
from incidents import services as incident_services
from incidents.models import HandlingStep, Incident, Party

# Plainly fictional people, marked as demo data.
DEMO_CONTACTS = [
    ("Tokoh Contoh Agama (DEMO)", ContactKind.AGAMA, "FKUB", "081234500001"),
    ("Tokoh Contoh Pemuda (DEMO)", ContactKind.PEMUDA, "Karang Taruna", "081234500002"),
    ("Tokoh Contoh Perempuan (DEMO)", ContactKind.PEREMPUAN, "PKK", "081234500003"),
]


# (days ago, report fields, one party, workflow: "submit" then secretariat actions/"step")
DEMO_REPORTS = [
    (
        3,
        dict(
            kind="potensi",
            title="Ketegangan pendukung calon Pilkades",
            chronology="Saling sindir pendukung dua calon kepala desa di media sosial.",
            information_source="bhabinkamtibmas",
            conflict_source="poleksosbud",
            aspect="politik",
            form="intimidasi",
            likelihood=3,
            impact=2,
        ),
        dict(name="Pendukung calon kepala desa", party_type="warga", estimated_size=40),
        ["submit"],
    ),
    (
        10,
        dict(
            kind="kejadian",
            title="Unjuk rasa buruh menuntut kenaikan UMK",
            chronology="Sekitar 200 buruh berunjuk rasa damai di depan kantor bupati.",
            information_source="media",
            conflict_source="poleksosbud",
            aspect="ekonomi",
            form="unjuk_rasa_damai",
            killed=0,
            injured=0,
        ),
        dict(name="Serikat pekerja (contoh)", party_type="buruh", estimated_size=200),
        ["submit", "verify", "handle", "step"],
    ),
    (
        20,
        dict(
            kind="potensi",
            title="Penolakan warga atas perluasan lahan pabrik",
            chronology="Warga menolak pengukuran lahan untuk perluasan pabrik.",
            information_source="kepala_desa",
            conflict_source="sda",
            aspect="ekonomi",
            form="sengketa_lahan",
            likelihood=3,
            impact=4,
        ),
        dict(name="Warga pemilik lahan", party_type="warga", estimated_size=60),
        ["submit", "verify"],
    ),
    (
        45,
        dict(
            kind="kejadian",
            title="Tawuran pelajar seusai pertandingan sepak bola",
            chronology="Dua kelompok pelajar saling lempar batu; dua orang luka ringan.",
            information_source="babinsa",
            conflict_source="poleksosbud",
            aspect="sosial_budaya",
            form="bentrokan",
            killed=0,
            injured=2,
        ),
        dict(name="Pelajar dua sekolah", party_type="pemuda", estimated_size=30),
        ["submit", "verify", "handle", "step", "resolve"],
    ),
    (
        1,
        dict(
            kind="potensi",
            title="Sengketa batas makam antardusun",
            chronology="Perselisihan batas lahan makam desa (draf belum diajukan).",
            information_source="masyarakat",
            conflict_source="batas_wilayah",
            aspect="sosial_budaya",
            form="sengketa_lahan",
            likelihood=2,
            impact=2,
        ),
        dict(name="Warga dua dusun", party_type="warga"),
        [],
    ),
]


# (code, stage, pillars, title, responsible acronym, supporting acronyms, budget)
DEMO_ACTIVITIES = [
    (
        "1.1",
        "pencegahan",
        ["kolaborasi", "evaluasi"],
        "Rapat koordinasi deteksi dini bulanan",
        "Bakesbangpol",
        ["Polres Jombang", "Kodim 0814"],
        24_000_000,
    ),
    (
        "1.2",
        "pencegahan",
        ["komunikasi", "inklusivitas"],
        "Dialog lintas agama dan pemuda",
        "Kemenag",
        ["FKUB"],
        18_000_000,
    ),
    (
        "2.1",
        "penghentian",
        ["kolaborasi"],
        "Patroli gabungan di titik rawan konflik",
        "Polres Jombang",
        ["Kodim 0814", "Satpol PP"],
        30_000_000,
    ),
    (
        "3.1",
        "pemulihan",
        ["inklusivitas"],
        "Pendampingan psikososial warga terdampak",
        "Dinsos",
        ["DP3A"],
        15_000_000,
    ),
]


class Command(BaseCommand):
    help = (
        "Buat pengguna demo (satu per peran, kata sandi dari DEMO_PASSWORD atau 'demo12345'), "
        "kontak tokoh, laporan dan RAT tahun ini yang semuanya fiktif. Aman dijalankan ulang; "
        "menolak berjalan bila DEBUG mati kecuali dengan --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=None,
            help="Kata sandi pengguna demo baru (bawaan: DEMO_PASSWORD).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Muat juga walau DEBUG mati (bukan untuk produksi).",
        )

    @transaction.atomic
    def handle(self, *args, password, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                _("Data demo untuk pengembangan; pakai --force untuk tetap memuatnya.")
            )
        password = password or settings.DEMO_PASSWORD
        regency = Region.objects.filter(code=settings.PORTAL_REGION_CODE).first()
        if regency is None:
            raise CommandError(_("Jalankan import_regions dulu."))
        kecamatan = Region.objects.within(regency).kecamatan().first()
        agencies = {a.acronym: a for a in Agency.objects.exclude(acronym="")}

        users = [
            (
                "petugas",
                Role.PETUGAS,
                {"first_name": "Petugas", "last_name": "Demo", "kecamatan": kecamatan},
            ),
            (
                "operator",
                Role.PETUGAS,
                {
                    "first_name": "Operator",
                    "last_name": "Dinsos (Demo)",
                    "agency": agencies.get("Dinsos"),
                },
            ),
            # Every agency responsible for a demo activity has someone to report it: the
            # secretariat for Bakesbangpol (1.1), an operator each for Kemenag (1.2) and
            # Polres (2.1); without them those activities stayed "Terlambat lapor" for good.
            (
                "operator-kemenag",
                Role.PETUGAS,
                {
                    "first_name": "Operator",
                    "last_name": "Kemenag (Demo)",
                    "agency": agencies.get("Kemenag"),
                },
            ),
            (
                "operator-polres",
                Role.PETUGAS,
                {
                    "first_name": "Operator",
                    "last_name": "Polres (Demo)",
                    "agency": agencies.get("Polres Jombang"),
                },
            ),
            (
                "sekretariat",
                Role.SEKRETARIAT,
                {
                    "first_name": "Sekretariat",
                    "last_name": "Demo",
                    "agency": agencies.get("Bakesbangpol"),
                },
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
        self.stdout.write(
            _("Pengguna demo: %(count)s dibuat (kata sandi: lihat DEMO_PASSWORD).")
            % {"count": created}
        )
        reports = self.seed_incidents(kecamatan)
        self.stdout.write(_("Laporan demo: %(count)s dibuat.") % {"count": reports})
        self.stdout.write(_("RAT demo: %(state)s.") % {"state": self.seed_action_plan()})

    def seed_action_plan(self):
        """This year's RAT, established, with an activity per stage and a few realisations."""
        year = timezone.localdate().year
        if ActionPlan.objects.filter(year=year).exists():
            return _("sudah ada")
        secretariat = User.objects.get(username="sekretariat")
        operator = User.objects.get(username="operator")
        plan = plan_services.plan_create(year=year, scheme="caturwulan", by=secretariat)
        periods = list(plan.periods.all())
        agencies = {a.acronym: a for a in Agency.objects.exclude(acronym="")}
        for code, stage, pillars, title, acronym, supporting, budget in DEMO_ACTIVITIES:
            responsible = agencies.get(acronym)
            if responsible is None:
                continue
            activity = Activity(
                plan=plan,
                code=code,
                stage=stage,
                pillars=pillars,
                title=title,
                responsible_agency=responsible,
                indicator="Kegiatan terlaksana",
                unit="kali",
                budget=budget,
                # The demo plan stands as drawn up at the start of its year.
                created_at=datetime.combine(
                    date(year, 1, 2), time(9), timezone.get_current_timezone()
                ),
            )
            plan_services.activity_save(
                activity=activity,
                targets={p: 1 for p in periods},
                supporting=[agencies[a] for a in supporting if a in agencies],
                by=secretariat,
            )
        plan_services.plan_establish(
            plan=plan,
            by=secretariat,
            decree_reference=f"SK Bupati (contoh) {year}",
            decree_date=date(year, 1, 2),
        )
        today = timezone.localdate()
        for activity in Activity.objects.filter(plan=plan, responsible_agency=operator.agency):
            for period in periods:
                if period.end_date >= today:
                    continue
                saved = plan_services.realisation_save(
                    realisation=Realisation(
                        activity=activity,
                        period=period,
                        achieved_value=1,
                        narrative="Kegiatan terlaksana (data contoh).",
                        budget_spent=2_000_000,
                    ),
                    by=operator,
                    submit=True,
                )
                # Demo history: reported a few days after the period ended, i.e. on time.
                when = timezone.make_aware(datetime.combine(period.end_date, time(10)))
                Realisation.objects.filter(pk=saved.pk).update(
                    first_submitted_at=when + timedelta(days=3),
                    submitted_at=when + timedelta(days=3),
                )
        return _("RAT %(year)s ditetapkan") % {"year": year}

    def seed_incidents(self, kecamatan):
        """A handful of plainly fictional reports on issues typical of the briefings, marked
        [DEMO], in the officer's kecamatan, taken through the workflow by the services."""
        if Incident.objects.filter(title__startswith="[DEMO]").exists():
            return 0
        officer = User.objects.get(username="petugas")
        secretariat = User.objects.get(username="sekretariat")
        desa = Region.objects.desa().filter(parent=kecamatan).first()
        now = timezone.now()
        created = 0
        for index, (days_ago, fields, party, actions) in enumerate(DEMO_REPORTS):
            data = dict(fields)
            if index == 0:
                # One report with a (fictional) point, so the map has a marker and the other
                # reports of the desa sit at the centre derived from it.
                data.update(
                    latitude=Decimal("-7.553000"),
                    longitude=Decimal("112.145000"),
                    location_precision="tepat",
                )
            incident = Incident(
                title=f"[DEMO] {data.pop('title')}",
                occurred_at=now - timedelta(days=days_ago),
                kecamatan=kecamatan,
                desa=desa,
                **data,
            )
            incident = incident_services.incident_create(
                incident=incident,
                parties=[Party(**party)],
                by=officer,
                submit=bool(actions),
            )
            for action in actions[1:]:
                if action == "step":
                    step = HandlingStep(
                        date=timezone.localdate() - timedelta(days=max(days_ago - 1, 0)),
                        stage="pencegahan",
                        action_type="dialog",
                        description="Dialog difasilitasi camat bersama FKUB (data contoh).",
                        outcome="Para pihak sepakat menahan diri.",
                    )
                    incident_services.step_add(incident=incident, step=step, by=secretariat)
                    continue
                extra = {"resolution": "damai"} if action == "resolve" else {}
                incident = incident_services.incident_transition(
                    incident=incident, by=secretariat, action=action, **extra
                )
            created += 1
        return created
