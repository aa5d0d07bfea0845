"""Work out the computed indicators of every draft evaluation scope (each period and the whole
year) of this year and last year again, so no page has to: meant for a timer running more often
than EVALUATION_RESULTS_MAX_AGE (e.g. every 30 minutes)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from evaluations.choices import YEAR_SCOPE, EvaluationStatus
from evaluations.indicators import scope_for, year_periods
from evaluations.models import Evaluation
from evaluations.selectors import RecountRunning, computed_codes, results_recount


class Command(BaseCommand):
    help = "Recompute and store the computed evaluation indicators of draft periods and years."

    def add_arguments(self, parser):
        parser.add_argument(
            "--year", type=int, action="append", help="Only this year (repeatable)."
        )

    def handle(self, *args, year=None, **options):
        this_year = timezone.localdate().year
        for each in year or []:
            if not 2012 <= each <= 2100:
                raise CommandError(f"--year harus antara 2012 dan 2100, bukan {each}.")
        for each in year or [this_year - 1, this_year]:
            final = set(
                Evaluation.objects.filter(year=each, status=EvaluationStatus.FINAL).values_list(
                    "scope", flat=True
                )
            )
            periods, _plan = year_periods(each)
            codes = computed_codes(each)
            for scope in [*[p.code for p in periods], YEAR_SCOPE]:
                if scope in final:
                    continue
                try:
                    results_recount(scope_for(each, scope), codes)
                except RecountRunning:
                    self.stdout.write(f"{each} {scope}: sedang dihitung ulang, dilewati.")
                else:
                    self.stdout.write(f"{each} {scope}: dihitung ulang.")
