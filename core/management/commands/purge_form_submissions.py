"""Delete old double-submission tokens (core.FormSubmission); meant for a daily timer."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.services import submission_purge


class Command(BaseCommand):
    help = "Hapus token pengiriman formulir yang lebih lama dari N hari (default: pengaturan)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.FORM_SUBMISSION_KEEP_DAYS,
            help="Simpan token sebanyak hari ini (FORM_SUBMISSION_KEEP_DAYS).",
        )

    def handle(self, *args, days, **options):
        if not 1 <= days <= 36500:
            raise CommandError("--days harus antara 1 dan 36500.")
        deleted = submission_purge(older_than_days=days)
        self.stdout.write(f"{deleted} token pengiriman formulir dihapus (lebih dari {days} hari).")
