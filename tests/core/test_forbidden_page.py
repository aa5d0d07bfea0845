"""The 'Akses ditolak' page says where more access comes from without sending anyone to
themselves: the secretariat read 'contact the secretariat or an administrator'."""

from html import unescape

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

REFUSED = "Peran Anda tidak mengizinkan tindakan ini."
ASK_ADMIN = "Bila Anda memerlukannya, mintalah administrator portal menyesuaikan peran akun Anda."


def refusal(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 403
    return " ".join(unescape(response.content.decode()).split())


def test_the_secretariat_is_not_told_to_contact_the_secretariat(client, sekretariat):
    # Subject-access reports about parties are the administrators' work.
    page = refusal(client, sekretariat, reverse("incidents:party_subject_report"))
    assert REFUSED in page and ASK_ADMIN in page
    assert "sekretariat" not in page[page.index(REFUSED) :].split("Kembali ke dasbor")[0].lower()


@pytest.mark.parametrize("persona", ["petugas", "pimpinan"])
def test_other_roles_are_sent_to_the_administrator(client, request, persona):
    page = refusal(client, request.getfixturevalue(persona), reverse("action_plans:plan_create"))
    assert REFUSED in page and ASK_ADMIN in page


def test_an_administrator_is_not_sent_to_an_administrator(client, admin_user):
    page = refusal(client, admin_user, reverse("action_plans:plan_create"))
    assert REFUSED in page
    assert "administrator" not in page[page.index(REFUSED) :].split("Kembali ke dasbor")[0]
