"""A form sent without a valid security token (opened too long ago, or its cookie gone) gets a
page in Indonesian saying what to do, not Django's English "403 Forbidden … DEBUG=True"."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_form_sent_without_its_security_token_says_what_to_do(petugas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(petugas)

    response = client.post("/laporan/lapor-cepat/", {"title": "Ketegangan warga"})

    page = response.content.decode()
    assert response.status_code == 403
    assert "Formulir kedaluwarsa" in page
    assert "Muat ulang halamannya, lalu kirim lagi." in page
    assert "Forbidden" not in page and "DEBUG" not in page
