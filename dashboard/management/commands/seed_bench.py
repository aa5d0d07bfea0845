import psycopg
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg import sql

from dashboard.benchdata import bench_seed
from incidents.models import Incident


class Command(BaseCommand):
    help = (
        "Fill the benchmark's own database with N synthetic reports (and parties, handling "
        "steps, RAT plans). Run with DJANGO_DB_NAME=portal_bench; the database is created when "
        "missing, and reused as it is when it already holds N reports."
    )

    def add_arguments(self, parser):
        parser.add_argument("--reports", type=int, default=1_000_000)
        parser.add_argument(
            "--fresh", action="store_true", help="Delete the bench reports and load them again."
        )

    def handle(self, *args, reports, fresh, **options):
        name = settings.DATABASES["default"]["NAME"]
        if not str(name).endswith("bench"):
            # The demo or production data must never receive a million synthetic reports.
            raise CommandError(
                f"Database '{name}' is not a benchmark database: run with "
                "DJANGO_DB_NAME=portal_bench (any name ending in 'bench')."
            )
        if reports < 1:
            raise CommandError("--reports must be at least 1.")
        self.create_database(name)
        call_command("migrate", verbosity=0)
        call_command("import_regions", verbosity=0)
        call_command("load_reference_data", verbosity=0)
        existing = Incident.objects.count()
        if existing == reports and not fresh:
            self.stdout.write(f"'{name}' already holds {existing:,} reports: reused.")
            return
        if existing:
            with connection.cursor() as cursor:
                cursor.execute(
                    "TRUNCATE incidents_incident, action_plans_actionplan RESTART IDENTITY CASCADE"
                )
        result = bench_seed(reports=reports)
        self.stdout.write(
            f"'{name}': {result['reports']:,} reports, {result['parties']:,} parties, "
            f"{result['steps']:,} handling steps, {result['plans']} RAT plans in "
            f"{result['total_seconds']:.1f} s (rows {result['load_seconds']:.1f} s, then VACUUM "
            "ANALYZE). History triggers were paused during the load only."
        )

    def create_database(self, name):
        params = connection.get_connection_params()
        params["dbname"] = "postgres"
        with psycopg.connect(**params, autocommit=True) as admin:
            found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if not found.fetchone():
                admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                self.stdout.write(f"Created database '{name}'.")
