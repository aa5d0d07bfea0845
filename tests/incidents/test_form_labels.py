"""What the report pages say (issue 12): a refusal because of the report's status says so; no
two fields of one form share a label; risk fields belong to potentials."""

from collections import Counter

import pytest

from action_plans.forms import RealisationForm
from incidents.forms import HandlingStepForm, IncidentForm, QuickReportForm
from tests.factories import IncidentFactory
from tests.incidents.test_bad_input import valid_payload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("diverifikasi", "Laporan sudah diverifikasi; tambahkan tindak lanjut"),
        ("ditangani", "Laporan sudah diverifikasi; tambahkan tindak lanjut"),
        ("selesai", "Laporan sudah selesai dan tidak dapat diubah lagi."),
        ("ditutup", "Laporan sudah ditutup dan tidak dapat diubah lagi."),
    ],
)
def test_the_author_is_told_the_status_is_why_they_cannot_edit(
    client, petugas, kecamatan, status, message
):
    incident = IncidentFactory(kecamatan=kecamatan, reported_by=petugas, status=status)
    client.force_login(petugas)
    response = client.get(f"/laporan/{incident.pk}/ubah/")
    assert response.status_code == 403
    html = response.content.decode()
    assert message in html
    assert "Peran Anda tidak mengizinkan" not in html


def test_someone_elses_report_is_still_refused_by_role(client, petugas, kecamatan, sekretariat):
    incident = IncidentFactory(kecamatan=kecamatan, reported_by=sekretariat, status="diajukan")
    client.force_login(petugas)
    response = client.get(f"/laporan/{incident.pk}/ubah/")
    assert response.status_code == 403
    assert "Peran Anda tidak mengizinkan" in response.content.decode()


def labels(form):
    return Counter(str(field.label).lower() for field in form.fields.values())


def test_no_two_fields_of_a_form_share_a_label(sekretariat, kecamatan):
    incident = IncidentFactory(kecamatan=kecamatan)
    forms = [
        IncidentForm(user=sekretariat),
        QuickReportForm(user=sekretariat),
        HandlingStepForm(user=sekretariat, incident=incident),
        RealisationForm(),
    ]
    for form in forms:
        repeated = [label for label, count in labels(form).items() if count > 1]
        assert repeated == [], (type(form).__name__, repeated)
    incident_form = IncidentForm(user=sekretariat)
    assert incident_form.fields["impact"].label == "Besaran dampak"
    assert incident_form.fields["confidentiality"].label == "Sifat"
    assert incident_form.fields["confidentiality"].help_text == "Tingkat kerahasiaan"


def test_the_risk_fields_are_marked_as_belonging_to_potentials(client, petugas):
    client.force_login(petugas)
    html = client.get("/laporan/baru/").content.decode()
    section = html.split('data-show-for-kind="potensi"')[1].split("</fieldset>")[0]
    assert 'name="likelihood"' in section
    assert 'name="impact"' in section
    assert "Korban dan kerugian" in html


def test_an_event_needs_no_risk_but_a_potential_does(client, petugas, kecamatan, desa):
    client.force_login(petugas)
    event = valid_payload(kecamatan, desa, kind="kejadian", likelihood="", impact="")
    assert client.post("/laporan/baru/", event).status_code == 302
    potential = valid_payload(kecamatan, desa, kind="potensi", likelihood="", impact="")
    response = client.post("/laporan/baru/", potential)
    assert response.status_code == 400
    assert "likelihood" in response.context["form"].errors


def test_rat_reporting_says_data_dukung():
    form = RealisationForm()
    assert str(form.fields["files"].label).startswith("Data dukung")
