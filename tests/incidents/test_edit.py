"""Editing through the page: a stale save is refused, shows what changed meanwhile, keeps what
the second person typed, and a deliberate second save then goes through."""

import pytest

from incidents.models import Incident
from tests.factories import IncidentFactory
from tests.incidents.test_bad_input import edit_payload

pytestmark = pytest.mark.django_db


def test_second_of_two_edits_is_refused_with_the_changes_shown(
    client, petugas, sekretariat, kecamatan
):
    from django.test import Client

    report = IncidentFactory(kecamatan=kecamatan, reported_by=petugas, title="Judul awal")
    url = f"/laporan/{report.pk}/ubah/"
    officer, secretariat = client, Client()
    officer.force_login(petugas)
    secretariat.force_login(sekretariat)
    # Both open the form at the same version.
    officer_form = edit_payload(report, address="Balai Desa Ceweng")
    secretariat_form = edit_payload(report, title="Judul dari sekretariat", likelihood="4")

    assert secretariat.post(url, secretariat_form).status_code == 302
    response = officer.post(url, officer_form)

    assert response.status_code == 400
    page = response.content.decode()
    assert "sudah diubah orang lain" in page
    assert "Judul awal → Judul dari sekretariat" in page
    assert "Budi Sekretariat" in page
    assert 'value="Balai Desa Ceweng"' in page  # the officer's typing is kept
    saved = Incident.objects.get(pk=report.pk)
    assert (saved.title, saved.version) == ("Judul dari sekretariat", 2)
    assert saved.address != "Balai Desa Ceweng"

    # Having seen the change, the officer saves again on top of the new version.
    officer_form["version"] = response.context["form"]["version"].value()
    officer_form["title"] = "Judul dari sekretariat"
    assert officer.post(url, officer_form).status_code == 302
    saved.refresh_from_db()
    assert (saved.title, saved.address, saved.version) == (
        "Judul dari sekretariat",
        "Balai Desa Ceweng",
        3,
    )
