"""Lockout behind a reverse proxy: each client is told apart by X-Forwarded-For (django-ipware),
and without a proxy the header is ignored, so nobody can dodge or aim a lockout with it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

LOGIN_URL = "/akun/masuk/"
PROXY = "10.0.0.1"
CLIENT_A = "198.51.100.7"
CLIENT_B = "203.0.113.9"


@pytest.fixture
def one_proxy(settings):
    # What jombang_portal.settings derives from AXES_PROXY_COUNT=1 (checked below).
    settings.AXES_IPWARE_PROXY_COUNT = 0
    settings.AXES_IPWARE_PROXY_ORDER = "left-most"
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
    settings.AXES_PROXY_ADDRESSES = [PROXY]


def fail_five_times(client, settings, forwarded_for, sender=PROXY):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            LOGIN_URL,
            {"username": "sekretariat", "password": "salah"},
            REMOTE_ADDR=sender,
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )
    return response


def login(client, forwarded_for, sender=PROXY):
    return client.post(
        LOGIN_URL,
        {"username": "sekretariat", "password": DEFAULT_PASSWORD},
        REMOTE_ADDR=sender,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_failures_from_one_client_behind_the_proxy_do_not_lock_out_another(
    client, sekretariat, settings, one_proxy
):
    assert fail_five_times(client, settings, CLIENT_A).status_code == 429
    assert login(client, CLIENT_A).status_code == 429
    assert login(client, CLIENT_B).status_code == 302


def test_a_forged_forwarded_for_chain_cannot_lock_out_the_client_it_names(
    client, sekretariat, settings, one_proxy
):
    # The attacker at CLIENT_A claims to be CLIENT_B; the proxy appends the real address.
    fail_five_times(client, settings, f"{CLIENT_B}, {CLIENT_A}")
    assert login(client, CLIENT_B).status_code == 302


def test_a_sender_that_is_not_the_proxy_is_its_own_client_whatever_it_claims(
    client, sekretariat, settings, one_proxy
):
    # An app server reachable from the network, bypassing nginx: each guess names a new address.
    sender = "10.0.0.66"
    for number in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN_URL,
            {"username": "sekretariat", "password": "salah"},
            REMOTE_ADDR=sender,
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}",
        )
    assert login(client, "198.51.100.99", sender=sender).status_code == 429
    assert login(client, CLIENT_B).status_code == 302  # through the proxy: another client


def test_without_a_proxy_the_forwarded_header_is_ignored(client, sekretariat, settings):
    fail_five_times(client, settings, CLIENT_A)
    # Same socket address, another claimed client: still the same locked-out client.
    assert login(client, CLIENT_B).status_code == 429


def test_proxy_count_setting_configures_ipware():
    root = Path(__file__).resolve().parents[2]
    code = (
        "from django.conf import settings as s; "
        "print(s.AXES_IPWARE_PROXY_COUNT, s.AXES_IPWARE_META_PRECEDENCE_ORDER[0])"
    )
    base = {k: v for k, v in os.environ.items() if k != "AXES_PROXY_COUNT"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=root,
        env={**base, "AXES_PROXY_COUNT": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == ["0", "HTTP_X_FORWARDED_FOR"], result.stderr
