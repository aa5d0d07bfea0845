"""Housekeeping: idle sessions written at most once a minute, old form tokens purged."""

import uuid
from datetime import timedelta
from importlib import import_module

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from core.middleware import IdleSessionMiddleware
from core.models import FormSubmission
from tests.factories import DEFAULT_PASSWORD as PASSWORD


@pytest.fixture(autouse=True)
def refresh_once_a_minute(settings):
    settings.SESSION_REFRESH_SECONDS = 60


def test_session_is_not_rewritten_on_every_request(client, pimpinan, django_assert_num_queries):
    client.force_login(pimpinan)
    client.get("/")  # the first request marks the session as refreshed
    first_expiry = Session.objects.get().expire_date
    with time_machine.travel(timezone.now() + timedelta(seconds=30)):
        client.get("/")
    assert Session.objects.get().expire_date == first_expiry


def test_the_page_after_signing_in_writes_no_session(client, pimpinan):
    # Signing in saves the session; the dashboard right after it needs no second write.
    credentials = {"username": "pimpinan", "password": PASSWORD}
    response = client.post(reverse("accounts:login"), credentials)
    assert response.status_code == 302
    signed_in_expiry = Session.objects.get().expire_date
    with time_machine.travel(timezone.now() + timedelta(seconds=30)):
        assert client.get("/").status_code == 200
    assert Session.objects.get().expire_date == signed_in_expiry


# The portal's engine moves the expiry alone; another one is saved whole (its fallback).
@pytest.mark.parametrize("engine", ["core.sessions", "django.contrib.sessions.backends.db"])
def test_session_expiry_moves_on_after_a_minute(client, pimpinan, settings, engine):
    settings.SESSION_ENGINE = engine
    client.force_login(pimpinan)
    client.get("/")
    first_expiry = Session.objects.get().expire_date
    later = timezone.now() + timedelta(minutes=20)
    with time_machine.travel(later):
        assert client.get("/").status_code == 200
    expiry = Session.objects.get().expire_date
    assert expiry > first_expiry
    assert expiry >= later + timedelta(minutes=29)


def test_idle_session_still_ends_after_thirty_minutes(client, pimpinan):
    client.force_login(pimpinan)
    client.get("/")
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        response = client.get("/")
    assert response.status_code == 302
    assert "/akun/masuk/" in response.url


def test_anonymous_visits_create_no_session(client, db):
    client.get("/akun/masuk/")
    assert not Session.objects.exists()


def make_submission(user, age_days):
    submission = FormSubmission.objects.create(token=uuid.uuid4(), user=user)
    FormSubmission.objects.filter(pk=submission.pk).update(
        created_at=timezone.now() - timedelta(days=age_days)
    )
    return submission


def test_purge_deletes_only_old_form_tokens(petugas, settings, capsys):
    settings.FORM_SUBMISSION_KEEP_DAYS = 30
    old = make_submission(petugas, 31)
    recent = make_submission(petugas, 29)
    call_command("purge_form_submissions")
    assert list(FormSubmission.objects.all()) == [recent]
    assert not FormSubmission.objects.filter(pk=old.pk).exists()
    assert "1 token" in capsys.readouterr().out


def test_purge_takes_the_days_from_the_command_line(petugas):
    make_submission(petugas, 3)
    call_command("purge_form_submissions", "--days", "2")
    assert not FormSubmission.objects.exists()
    for days in ("0", "800000"):  # 800,000 days back overflowed the date: a traceback
        with pytest.raises(CommandError, match=r"--days harus antara 1 dan 36500\."):
            call_command("purge_form_submissions", "--days", days)


def test_a_refresh_does_not_write_back_a_session_another_request_changed(client, pimpinan, rf):
    # A request (the navbar bell, loaded with every page) read the session; meanwhile another
    # request of the same browser changed it (the second factor passed). When the first one
    # refreshed the expiry it wrote its old copy back, and the change was lost: the person was
    # asked for a code again.
    client.force_login(pimpinan)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    first_expiry = Session.objects.get(session_key=key).expire_date
    store = import_module(settings.SESSION_ENGINE).SessionStore

    def bell(request):
        assert request.user == pimpinan  # the session is read here
        meanwhile = store(session_key=key)
        meanwhile["otp_device_id"] = "otp_totp.totpdevice/1"
        meanwhile.save()
        # The expiry as it was: the refresh after this request is what moves it.
        Session.objects.filter(session_key=key).update(expire_date=first_expiry)
        return HttpResponse("ok")

    handler = SessionMiddleware(AuthenticationMiddleware(IdleSessionMiddleware(bell)))
    request = rf.get("/notifikasi/lonceng/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = key
    later = timezone.now() + timedelta(minutes=10)
    with time_machine.travel(later):
        assert handler(request).status_code == 200

    row = Session.objects.get(session_key=key)
    assert row.get_decoded()["otp_device_id"] == "otp_totp.totpdevice/1"
    assert row.expire_date >= later + timedelta(minutes=29)  # and the expiry moved on
