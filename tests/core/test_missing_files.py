"""A stored evidence file that has gone missing (a restore without the files, a disk mishap) is
"not found" for the reader, not an error page."""

import pytest

from tests.factories import EvidenceFactory, IncidentFactory

pytestmark = pytest.mark.django_db


def test_a_missing_evidence_file_is_not_found(client, sekretariat, petugas, kecamatan):
    evidence = EvidenceFactory(incident=IncidentFactory(kecamatan=kecamatan, reported_by=petugas))
    client.force_login(sekretariat)
    url = f"/laporan/bukti/{evidence.pk}/"
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)

    evidence.file.storage.delete(evidence.file.name)

    assert client.get(url).status_code == 404
