"""Daily reminders, meant for a timer (cron/systemd) once a day:

- realisations due in 7 and in 3 days, and overdue → the responsible agency's operators;
- a period's readiness gaps (activities unreported, realisations without evidence) → secretariat.

Each reminder is keyed by period, agency and stage (7 days / 3 days / overdue), so running the
command twice in a day, or every day, sends each reminder once."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from action_plans.selectors import due_reports, periods_due, readiness_gaps
from dashboard.models import NotificationKind
from dashboard.services import audience, deliver, notify, unsent_recently


def stage(days_left: int) -> str:
    """Which reminder a period is at; periods_due() only returns those within 7 days."""
    if days_left < 0:
        return "lewat"
    if days_left <= 3:
        return "3-hari"
    return "7-hari"


class Command(BaseCommand):
    help = "Kirim pengingat harian: batas laporan realisasi dan kekurangan laporan periode."

    def handle(self, *args, **options):
        today = timezone.localdate()
        created = []
        periods = periods_due(today)
        with translation.override(settings.LANGUAGE_CODE):
            for item in due_reports(periods, today):
                period, agency = item["period"], item["agency"]
                when = stage(item["days_left"])
                values = {
                    "count": len(item["activities"]),
                    "agency": agency.name,
                    "period": period.code,
                    "year": period.plan.year,
                    "date": date_format(period.due_date, "j F Y"),
                }
                message = (
                    _(
                        "%(count)s kegiatan %(agency)s periode %(period)s %(year)s belum "
                        "dilaporkan dan sudah melewati batas %(date)s"
                    )
                    if when == "lewat"
                    else _(
                        "%(count)s kegiatan %(agency)s periode %(period)s %(year)s belum "
                        "dilaporkan; batasnya %(date)s"
                    )
                ) % values
                created += notify(
                    recipients=audience("dashboard.receive_realisation_reminders", agency=agency),
                    kind=NotificationKind.REALISATION_DUE,
                    key=f"due:{period.pk}:{agency.pk}:{when}",
                    message=message,
                    url=reverse("action_plans:mine"),
                )
            secretariat = audience("dashboard.receive_readiness_gaps")
            for period in periods:
                when = stage((period.due_date - today).days)
                gaps = readiness_gaps(period)
                if not (gaps["unreported"] or gaps["without_evidence"]):
                    continue
                created += notify(
                    recipients=secretariat,
                    kind=NotificationKind.READINESS,
                    key=f"readiness:{period.pk}:{when}",
                    message=_(
                        "Laporan periode %(period)s %(year)s (batas %(date)s): %(unreported)s "
                        "kegiatan belum ada realisasi, %(without)s realisasi tanpa data dukung"
                    )
                    % {
                        "period": period.code,
                        "year": period.plan.year,
                        "date": date_format(period.due_date, "j F Y"),
                        "unreported": gaps["unreported"],
                        "without": gaps["without_evidence"],
                    },
                    url=reverse("action_plans:overview", args=[period.plan.year]),
                )
        # With those of the last days whose email did not go out (the mail server was down).
        created_pks = {n.pk for n in created}
        emailed = deliver(created + [n for n in unsent_recently() if n.pk not in created_pks])
        self.stdout.write(
            _("%(created)s notifikasi baru, %(emailed)s email terkirim.")
            % {"created": len(created), "emailed": emailed}
        )
