"""The daily purge (manage.py purge_old_data): personal data kept only for a while goes once
older (UU 27/2022)."""

import io
from datetime import timedelta

import time_machine
from axes.models import AccessLog
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from dashboard.models import Notification


def test_the_daily_purge_deletes_what_is_kept_only_for_a_while(client, pimpinan, petugas, settings):
    settings.SIGN_IN_LOG_KEEP_DAYS, settings.NOTIFICATION_KEEP_DAYS = 90, 180
    with time_machine.travel(timezone.now() - timedelta(days=200)):
        AccessLog.objects.create(username="lama", ip_address="10.0.0.1", user_agent="HP lama")
        Notification.objects.create(recipient=petugas, kind="diverifikasi", key="lama", message="L")
        # A reminder's key keeps it from being sent again while its period is still due.
        Notification.objects.create(
            recipient=petugas, kind="realisasi_jatuh_tempo", key="due:1:1:lewat", message="R"
        )
        client.force_login(pimpinan)  # a session long expired
    with time_machine.travel(timezone.now() - timedelta(days=420)):
        Notification.objects.create(
            recipient=petugas, kind="realisasi_jatuh_tempo", key="due:0:1:lewat", message="R0"
        )
    AccessLog.objects.create(username="baru", ip_address="10.0.0.2", user_agent="HP baru")
    Notification.objects.create(recipient=petugas, kind="diverifikasi", key="baru", message="B")
    client.force_login(petugas)

    out = io.StringIO()
    call_command("purge_old_data", stdout=out)

    kept = set(AccessLog.objects.values_list("username", flat=True))
    assert "lama" not in kept and {"baru", petugas.username} <= kept
    assert set(Notification.objects.values_list("key", flat=True)) == {"baru", "due:1:1:lewat"}
    assert Session.objects.count() == 1
    assert "1 sesi kedaluwarsa, 2 catatan masuk (lebih dari 90 hari)" in out.getvalue()
