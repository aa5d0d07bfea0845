"""A report's loss typed the Indonesian way: "750.000" is Rp 750.000 (it was saved as Rp 500 for
"500.000"), shown back as typed; cents are refused next to the field (core.forms.RupiahField)."""

import re
from html import unescape

import pytest

from incidents.models import Incident
from tests.factories import IncidentFactory
from tests.helpers import assert_field_error
from tests.incidents.test_bad_input import edit_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_report(petugas, kecamatan):
    return IncidentFactory(kecamatan=kecamatan, reported_by=petugas)


def input_value(html: str, name: str) -> str:
    tag = re.search(rf'<input [^>]*name="{name}"[^>]*>', html).group(0)
    return unescape(re.search(r'value="([^"]*)"', tag).group(1))


def test_a_loss_of_750_000_typed_with_dots_is_stored_and_shown_as_such(client, petugas, own_report):
    client.force_login(petugas)
    url = f"/laporan/{own_report.pk}/ubah/"
    assert 'type="text" name="loss_rupiah"' in client.get(url).content.decode()

    response = client.post(url, edit_payload(own_report, loss_rupiah="750.000"))

    assert response.status_code == 302
    own_report.refresh_from_db()
    assert own_report.loss_rupiah == 750_000
    assert "Rp 750.000" in client.get(f"/laporan/{own_report.pk}/").content.decode()
    assert input_value(client.get(url).content.decode(), "loss_rupiah") == "750.000"


def test_a_loss_with_cents_or_in_words_is_refused_next_to_the_field(client, petugas, own_report):
    client.force_login(petugas)
    url = f"/laporan/{own_report.pk}/ubah/"
    for typed, message in [
        ("1.250.000,50", "Tulis rupiah bulat tanpa sen (tanpa koma), misalnya 1.250.000."),
        (
            "1,5 juta",
            "Tulis jumlah rupiah dengan angka saja, misalnya 1.500.000 (bukan “1,5 juta”).",
        ),
    ]:
        response = client.post(url, edit_payload(own_report, loss_rupiah=typed))
        assert_field_error(response, "loss_rupiah", message)
        assert input_value(response.content.decode(), "loss_rupiah") == typed
    assert Incident.objects.get(pk=own_report.pk).loss_rupiah is None
