"""Two taps on "Ajukan" file one report (issue 13 item 4)."""

import uuid

import pytest

from incidents.models import Incident
from tests.incidents.test_bad_input import valid_payload

pytestmark = pytest.mark.django_db


def test_the_form_carries_a_fresh_token_per_render(client, petugas):
    client.force_login(petugas)
    first = client.get("/laporan/baru/").context["submission_token"]
    second = client.get("/laporan/baru/").context["submission_token"]
    assert first != second


def test_a_double_tap_on_ajukan_files_one_report(client, petugas, kecamatan, desa):
    client.force_login(petugas)
    data = valid_payload(kecamatan, desa, submission_token=str(uuid.uuid4()))
    first = client.post("/laporan/baru/", data)
    assert first.status_code == 302
    second = client.post("/laporan/baru/", data, follow=True)
    assert Incident.objects.count() == 1
    assert second.redirect_chain[0][0] == first.url == Incident.objects.get().get_absolute_url()
    assert "sudah terkirim sebelumnya" in second.content.decode()


def test_a_refused_form_keeps_its_token_and_can_be_sent_again(client, petugas, kecamatan, desa):
    client.force_login(petugas)
    token = str(uuid.uuid4())
    refused = client.post(
        "/laporan/baru/", valid_payload(kecamatan, desa, title="", submission_token=token)
    )
    assert refused.status_code == 400
    assert f'value="{token}"' in refused.content.decode()
    accepted = client.post("/laporan/baru/", valid_payload(kecamatan, desa, submission_token=token))
    assert accepted.status_code == 302
    assert Incident.objects.count() == 1


def test_two_renders_are_two_reports(client, petugas, kecamatan, desa):
    client.force_login(petugas)
    for _ in range(2):
        data = valid_payload(kecamatan, desa, submission_token=str(uuid.uuid4()))
        assert client.post("/laporan/baru/", data).status_code == 302
    assert Incident.objects.count() == 2
