"""Guards around two-factor login: a password alone cannot replace the authenticator, recovery
codes need an authenticator first, and an empty code is refused next to the field."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.test_two_factor import SETUP, VERIFY, enrol, sign_in
from tests.helpers import assert_field_error

pytestmark = pytest.mark.two_factor


def test_a_password_alone_cannot_replace_the_authenticator(client, sekretariat):
    enrol(sekretariat)
    sign_in(client, sekretariat)

    response = client.get(SETUP)

    assert response.status_code == 302 and response.url.startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=sekretariat).count() == 1


def test_recovery_codes_need_an_authenticator_first(client, petugas):
    sign_in(client, petugas)  # a field officer without one (optional for them)

    response = client.post(reverse("accounts:two_factor_recovery"))

    assert response.status_code == 302
    assert response.url == reverse("accounts:two_factor")


def test_an_empty_code_is_refused_next_to_the_field(client, sekretariat):
    code = ""
    sign_in(client, sekretariat)
    client.get(SETUP)
    setup = client.post(SETUP, {"code": code})
    assert_field_error(setup, "code", "Bidang ini tidak boleh kosong.")
    assert not TOTPDevice.objects.filter(user=sekretariat, confirmed=True).exists()

    enrol(sekretariat)
    client.logout()
    sign_in(client, sekretariat)
    verify = client.post(VERIFY, {"code": code})
    assert verify.status_code == 400
    assert verify.context["form"].errors["code"]
