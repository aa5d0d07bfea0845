"""Junk on the login form is refused with a message, never a 500."""

import pytest
from axes.models import AccessAttempt

pytestmark = pytest.mark.django_db

LOGIN_URL = "/akun/masuk/"


def test_over_long_username_is_refused_next_to_the_field(client, petugas):
    response = client.post(LOGIN_URL, {"username": "x" * 256, "password": "salah"})
    assert response.status_code == 200
    assert "paling banyak 150 karakter" in response.content.decode()
    assert not AccessAttempt.objects.exists()
