"""Set-up and recovery codes under requests sent at the same moment, each on its own database
connection."""

import copy

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from tests.accounts.test_two_factor import SETUP, VERIFY, code_for, enrol, next_code, sign_in
from tests.helpers import run_in_threads, submission_token

pytestmark = [pytest.mark.two_factor, pytest.mark.django_db(transaction=True)]


def test_recovery_codes_renewed_four_times_at_once_leave_only_the_last_ten(sekretariat):
    enrol(sekretariat)

    shown, errors = run_in_threads(
        4, lambda _i: two_factor.recovery_codes_regenerate(user=sekretariat, by=sekretariat)
    )

    assert errors == []
    left = set(StaticToken.objects.filter(device__user=sekretariat).values_list("token", flat=True))
    assert len(left) == two_factor.RECOVERY_CODE_COUNT
    assert left in [set(codes) for codes in shown]  # the codes shown last, and only those


def test_one_recovery_code_used_four_times_at_once_signs_in_once(sekretariat):
    _device, codes = enrol(sekretariat)

    accepted, errors = run_in_threads(
        4, lambda _i: two_factor.two_factor_verify(user=sekretariat, code=codes[0])
    )

    assert errors == []
    assert sum(device is not None for device in accepted) == 1
    assert two_factor.recovery_codes_left(sekretariat) == two_factor.RECOVERY_CODE_COUNT - 1


def same_session_clients(user, count):
    """`count` browsers tabs' worth of clients that share one signed-in session."""
    first = Client(raise_request_exception=False)
    sign_in(first, user)
    clients = [first]
    for _ in range(count - 1):
        other = Client(raise_request_exception=False)
        other.cookies = copy.deepcopy(first.cookies)
        clients.append(other)
    return clients


def setup_form(client, user):
    page = client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    return {"code": code_for(device), "submission_token": submission_token(page)}


SENT_TWICE = "Aplikasi autentikator sudah aktif: formulir terkirim dua kali."


def test_set_up_sent_four_times_at_once_shows_the_codes_or_says_where_to_get_them(sekretariat):
    clients = same_session_clients(sekretariat, 4)
    data = setup_form(clients[0], sekretariat)

    sent, errors = run_in_threads(4, lambda i: (clients[i], clients[i].post(SETUP, data)))
    answers = [answer for _client, answer in sent]

    assert errors == []
    shown = [a for a in answers if a.status_code == 200]
    assert len(shown) == 1 and "Kode pemulihan" in shown[0].content.decode()
    others = [a for a in answers if a is not shown[0]]
    assert [a.status_code for a in others] == [302] * 3
    assert {a["Location"] for a in others} == {reverse("accounts:two_factor")}
    device = TOTPDevice.objects.get(user=sekretariat)
    assert device.confirmed
    # The code the other requests found used up did not count as a wrong one: the first
    # sign-in with the app is not made to wait.
    assert device.throttling_failure_count == 0
    waiting = next(client for client, answer in sent if answer is others[0])
    page = waiting.get(reverse("accounts:two_factor"), follow=True).content.decode()
    assert SENT_TWICE in page


def test_set_up_sent_again_after_it_succeeded_makes_no_new_authenticator(client, sekretariat):
    sign_in(client, sekretariat)
    data = setup_form(client, sekretariat)
    assert "Kode pemulihan" in client.post(SETUP, data).content.decode()

    again = client.post(SETUP, data)

    assert again.status_code == 302 and again["Location"] == reverse("accounts:two_factor")
    assert SENT_TWICE in client.get(again["Location"]).content.decode()
    assert TOTPDevice.objects.filter(user=sekretariat).count() == 1
    assert two_factor.recovery_codes_left(sekretariat) == two_factor.RECOVERY_CODE_COUNT


def test_a_sign_in_code_sent_four_times_at_once_signs_in_and_counts_nothing_wrong(
    sekretariat, settings
):
    # django-otp accepts a code once: the taps that checked it at the same moment as the first
    # were refused ("Kode salah atau sudah dipakai") and counted as wrong codes.
    device, _codes = enrol(sekretariat)
    signing_in = Client()
    sign_in(signing_in, sekretariat)
    cookie = signing_in.cookies[settings.SESSION_COOKIE_NAME].value
    taps = [Client(raise_request_exception=False) for _ in range(4)]
    for tap in taps:
        tap.cookies[settings.SESSION_COOKIE_NAME] = cookie
    data = {"code": next_code(device), "next": "/laporan/"}

    answers, errors = run_in_threads(4, lambda i: taps[i].post(VERIFY, data))

    assert errors == []
    assert [(a.status_code, a.get("Location")) for a in answers] == [(302, "/laporan/")] * 4
    device.refresh_from_db()
    assert device.throttling_failure_count == 0
    assert signing_in.get("/laporan/").status_code == 200
