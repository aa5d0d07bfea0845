"""Delete what is kept only for a while (dashboard.services.old_data_purge); for a daily timer."""

from django.conf import settings
from django.core.management.base import BaseCommand

from dashboard.services import old_data_purge


class Command(BaseCommand):
    help = (
        "Hapus data yang disimpan sementara: token formulir, sesi kedaluwarsa, catatan masuk "
        "notifikasi dan berkas impor yang melewati masa simpannya."
    )

    def handle(self, *args, **options):
        counts = old_data_purge()
        self.stdout.write(
            f"Dihapus: {counts['form_tokens']} token formulir (lebih dari "
            f"{settings.FORM_SUBMISSION_KEEP_DAYS} hari), {counts['sessions']} sesi kedaluwarsa, "
            f"{counts['sign_ins']} catatan masuk (lebih dari {settings.SIGN_IN_LOG_KEEP_DAYS} "
            f"hari), {counts['notifications']} notifikasi (lebih dari "
            f"{settings.NOTIFICATION_KEEP_DAYS} hari), {counts['imports']} berkas impor yang "
            "tidak dikonfirmasi."
        )
