import psycopg
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from psycopg import sql

from core.management.base import BaseCommand
from dashboard.benchdata import bench_seed
from incidents.models import Incident


class Command(BaseCommand):
    help = gettext_lazy(
        "Mengisi basis data khusus bench dengan N laporan sintetis (beserta pihak, langkah "
        "penanganan, RAT). Jalankan dengan DJANGO_DB_NAME=portal_bench; basis data dibuat bila "
        "belum ada, dan dipakai lagi apa adanya bila sudah berisi N laporan."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reports", type=int, default=1_000_000)
        parser.add_argument(
            "--fresh",
            action="store_true",
            help=_("Hapus laporan bench lalu muat ulang."),
        )

    def handle(self, *args, reports, fresh, **options):
        name = settings.DATABASES["default"]["NAME"]
        if not str(name).endswith("bench"):
            # The demo or production data must never receive a million synthetic reports.
            raise CommandError(
                _(
                    "Basis data '%(name)s' bukan basis data bench: jalankan dengan "
                    "DJANGO_DB_NAME=portal_bench (nama apa pun yang berakhiran 'bench')."
                )
                % {"name": name}
            )
        if reports < 1:
            raise CommandError(_("--reports paling sedikit 1."))
        self.create_database(name)
        call_command("migrate", verbosity=0)
        call_command("import_regions", verbosity=0)
        call_command("load_reference_data", verbosity=0)
        existing = Incident.objects.count()
        if existing == reports and not fresh:
            self.stdout.write(
                _("'%(name)s' sudah berisi %(count)s laporan: dipakai lagi.")
                % {"name": name, "count": number_format(existing, force_grouping=True)}
            )
            return
        if existing:
            with connection.cursor() as cursor:
                cursor.execute(
                    "TRUNCATE incidents_incident, action_plans_actionplan RESTART IDENTITY CASCADE"
                )
        result = bench_seed(reports=reports)
        self.stdout.write(
            _(
                "'%(name)s': %(reports)s laporan, %(parties)s pihak, %(steps)s langkah "
                "penanganan, %(plans)s RAT dalam %(total)s detik (baris %(rows)s detik, lalu "
                "VACUUM ANALYZE). Pemicu riwayat dijeda hanya selama pemuatan."
            )
            % {
                "name": name,
                "reports": number_format(result["reports"], force_grouping=True),
                "parties": number_format(result["parties"], force_grouping=True),
                "steps": number_format(result["steps"], force_grouping=True),
                "plans": result["plans"],
                "total": number_format(result["total_seconds"], 1),
                "rows": number_format(result["load_seconds"], 1),
            }
        )

    def create_database(self, name):
        params = connection.get_connection_params()
        params["dbname"] = "postgres"
        with psycopg.connect(**params, autocommit=True) as admin:
            found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if not found.fetchone():
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                self.stdout.write(_("Basis data '%(name)s' dibuat.") % {"name": name})
