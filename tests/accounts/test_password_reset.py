"""Password reset (issue 13 item 10): by email, throttled; and a one-time link an admin issues."""

import hashlib
import re
import smtplib
import threading
import time
from datetime import timedelta
from http.cookiejar import CookieJar
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, build_opener

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends import locmem
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.services import (
    REPEAT_WINDOW,
    RESET_DONE,
    RESET_LINK_ISSUED,
    RESET_REQUEST,
    RESETS_PER_ADDRESS,
    RESETS_PER_CLIENT,
)
from core.models import ActivityLog
from tests.helpers import field_errors, run_in_threads, submission_token

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Kendang-Jombang-2026"


@pytest.fixture
def siti(petugas):
    petugas.email = "siti.petugas@jombangkab.go.id"
    petugas.save()
    return petugas


def reset_link(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def set_new_password(client, link):
    """Follow the link as the user would and save a new password; returns the last page."""
    page = client.get(link, follow=True)
    assert page.context["validlink"]
    return client.post(
        page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )


def signs_in(client, password) -> bool:
    response = client.post(reverse("accounts:login"), {"username": "petugas", "password": password})
    return response.status_code == 302


def test_login_page_offers_the_reset(client):
    assert reverse("accounts:password_reset") in client.get(reverse("accounts:login")).text


def test_reset_by_email_sets_a_new_password_once(client, siti):
    response = client.post(
        reverse("accounts:password_reset"), {"email": "Siti.Petugas@jombangkab.go.id"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    (message,) = mail.outbox
    assert message.to == [siti.email]
    assert message.subject == "Atur ulang kata sandi Portal Tim Terpadu PKS"
    assert "Nama pengguna Anda: petugas" in message.body
    link = reset_link(message)

    done = set_new_password(client, link)
    assert "Kata sandi baru Anda tersimpan" in done.text
    assert signs_in(client, NEW_PASSWORD)
    assert ActivityLog.objects.filter(action=RESET_DONE, actor=siti).exists()

    client.logout()
    again = client.get(link, follow=True)
    assert not again.context["validlink"]
    assert "tidak berlaku lagi" in again.text


def test_unknown_address_gets_the_same_answer_and_no_email(client, siti):
    response = client.post(reverse("accounts:password_reset"), {"email": "orang@lain.id"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []
    # The typed address is kept as a digest only the site can make: a plain SHA-256 of it could
    # be matched against any known address by whoever reads the log.
    [entry] = ActivityLog.objects.filter(action="accounts.password_reset.request")
    assert entry.data["email"] != hashlib.sha256(b"orang@lain.id").hexdigest()
    assert "orang" not in str(entry.data)


def test_reset_requests_are_throttled_per_address(client, siti):
    url = reverse("accounts:password_reset")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(RESETS_PER_ADDRESS):
            assert client.post(url, {"email": siti.email}).status_code == 302
            clock.shift(REPEAT_WINDOW * 2)
        response = client.post(url, {"email": siti.email})
    assert response.status_code == 200
    assert "Terlalu banyak permintaan" in response.text
    assert len(mail.outbox) == RESETS_PER_ADDRESS


def test_reset_requests_are_throttled_per_client(client, siti):
    url = reverse("accounts:password_reset")
    for number in range(10):
        client.post(url, {"email": f"tebak{number}@contoh.id"})
    response = client.post(url, {"email": siti.email})
    assert "Terlalu banyak permintaan" in response.text
    assert mail.outbox == []


def test_mail_server_down_is_logged_not_an_error(client, siti, monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPConnectError(421, "down")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    response = client.post(reverse("accounts:password_reset"), {"email": siti.email})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert "Failed to send password reset email" in caplog.text


def test_bad_address_is_refused_next_to_the_field(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "bukan email"})
    assert response.status_code == 200
    assert field_errors(response)["email"] == ["Masukkan alamat email yang valid."]


def test_admin_issues_a_one_time_link(client, admin_user, petugas):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "issue_password_reset_link", "_selected_action": [petugas.pk]},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    link = re.search(r'data-testid="reset-link">([^<]+)<', response.text).group(1)
    assert ActivityLog.objects.filter(
        action=RESET_LINK_ISSUED, actor=admin_user, object_id=str(petugas.pk)
    ).exists()

    client.logout()
    set_new_password(client, link)
    assert signs_in(client, NEW_PASSWORD)
    client.logout()
    assert not client.get(link, follow=True).context["validlink"]


def test_admin_link_for_one_user_at_a_time(client, admin_user, petugas, sekretariat):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {
            "action": "issue_password_reset_link",
            "_selected_action": [petugas.pk, sekretariat.pk],
        },
        follow=True,
    )
    assert "Pilih tepat satu pengguna" in response.text
    assert not ActivityLog.objects.filter(action=RESET_LINK_ISSUED).exists()


def test_other_roles_cannot_issue_links(client, sekretariat, petugas):
    client.force_login(sekretariat)
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "issue_password_reset_link", "_selected_action": [petugas.pk]},
    )
    assert response.status_code in (302, 403)
    assert not ActivityLog.objects.filter(action=RESET_LINK_ISSUED).exists()


@pytest.mark.django_db(transaction=True)
def test_a_reset_request_sent_several_times_at_once_sends_one_email(siti):
    # Every tap passed the hour's count before any was recorded, and each sent an email; with
    # more taps than the limit, some were told "too many", the answer the browser may show.
    url = reverse("accounts:password_reset")
    clients = [Client(raise_request_exception=False) for _ in range(8)]

    answers, errors = run_in_threads(
        len(clients), lambda i: clients[i].post(url, {"email": siti.email})
    )

    assert errors == []
    assert [a.status_code for a in answers] == [302] * len(clients)
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_reset_requests_for_many_addresses_at_once_are_throttled_per_client(siti):
    url = reverse("accounts:password_reset")
    clients = [Client(raise_request_exception=False) for _ in range(RESETS_PER_CLIENT + 3)]

    answers, errors = run_in_threads(
        len(clients), lambda i: clients[i].post(url, {"email": f"tebak{i}@contoh.id"})
    )

    assert errors == []
    assert sorted(a.status_code for a in answers) == [200] * 3 + [302] * RESETS_PER_CLIENT
    assert ActivityLog.objects.filter(action=RESET_REQUEST).count() == RESETS_PER_CLIENT


def test_a_reset_request_repeated_after_a_minute_sends_another_email(client, siti):
    url = reverse("accounts:password_reset")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.post(url, {"email": siti.email})
        client.post(url, {"email": siti.email})
        assert len(mail.outbox) == 1
        clock.shift(REPEAT_WINDOW + timedelta(seconds=1))
        assert client.post(url, {"email": siti.email}).status_code == 302
    assert len(mail.outbox) == 2


def test_a_new_password_sent_twice_from_the_link_says_it_is_saved(client, siti):
    # The second tap found the link used up (the first had changed the password) and said
    # "tidak berlaku lagi", the answer the browser shows after a reset that worked.
    client.post(reverse("accounts:password_reset"), {"email": siti.email})
    page = client.get(reset_link(mail.outbox[0]), follow=True)
    form_url = page.redirect_chain[-1][0]
    second_tab = client.get(form_url)
    data = {
        "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD,
        "submission_token": submission_token(page),
    }
    assert client.post(form_url, data)["Location"] == reverse("accounts:password_reset_complete")

    again = client.post(form_url, data, follow=True)

    assert again.redirect_chain == [(reverse("accounts:password_reset_complete"), 302)]
    assert "Kata sandi baru Anda tersimpan" in again.text
    assert "Kata sandi Anda sudah diatur ulang oleh kiriman sebelumnya." in again.text
    assert ActivityLog.objects.filter(action=RESET_DONE, actor=siti).count() == 1
    # Another form (a second tab, another password) is not told its password was saved.
    other = {"new_password1": "Lain-2026x", "new_password2": "Lain-2026x"}
    elsewhere = client.post(form_url, {**other, "submission_token": submission_token(second_tab)})
    assert "tidak berlaku lagi" in elsewhere.text
    # Another browser (no such session) still finds the link used up.
    other = Client().post(form_url, data, follow=True)
    assert "tidak berlaku lagi" in other.text
    assert signs_in(Client(), NEW_PASSWORD)


class HeldMailServer(locmem.EmailBackend):
    """A mail server that answers only once the test lets it."""

    answer = threading.Event()

    def send_messages(self, messages):
        HeldMailServer.answer.wait(timeout=60)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_the_answer_does_not_wait_for_the_mail_server(live_server, settings, siti):
    """How long the mail server takes must not tell whoever asks that the address has an
    account: the 'check your email' page arrives while the server still holds the email."""
    settings.EMAIL_BACKEND = f"{__name__}.HeldMailServer"
    HeldMailServer.answer.clear()
    browser = build_opener(HTTPCookieProcessor(CookieJar()))
    url = live_server.url + reverse("accounts:password_reset")
    form = browser.open(url, timeout=30).read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    try:
        answer = browser.open(
            url,
            data=urlencode({"csrfmiddlewaretoken": csrf, "email": siti.email}).encode(),
            timeout=15,
        )
        assert answer.url.endswith(reverse("accounts:password_reset_done"))
        assert mail.outbox == []  # still held by the mail server
    finally:
        HeldMailServer.answer.set()
    for _ in range(100):
        if mail.outbox:
            break
        time.sleep(0.1)
    (message,) = mail.outbox
    assert message.to == [siti.email]
    assert "/kata-sandi/atur/" in reset_link(message)
