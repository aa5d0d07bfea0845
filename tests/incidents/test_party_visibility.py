"""Parties are read only through the reports they belong to: a field officer finds the parties
of the reports they may see and nothing of another kecamatan; a data-subject request by someone
without that permission is limited the same way."""

import pytest

from incidents.models import Incident, Party
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db


def test_an_officer_reads_only_parties_of_reports_they_may_see(petugas, kecamatan, other_kecamatan):
    IncidentFactory(kecamatan=kecamatan, parties=["Warga Diwek"])
    IncidentFactory(kecamatan=other_kecamatan, parties=["Warga Wonosalam"])

    names = set(Party.objects.visible_to(petugas).values_list("name", flat=True))

    assert names == {"Warga Diwek"}
    reports = Incident.objects.for_subject_request(petugas)
    assert set(reports.values_list("kecamatan", flat=True)) == {kecamatan.pk}
