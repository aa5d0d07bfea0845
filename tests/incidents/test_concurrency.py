"""Concurrent submissions and edits, each thread on its own database connection."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from incidents import services
from incidents.models import Incident, Party
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db(transaction=True)


def run_in_threads(count, target):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker(index):
        try:
            barrier.wait(timeout=30)
            results.append(target(index))
        except Exception as error:  # collected and asserted on below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


def test_fifty_parallel_submissions_get_fifty_distinct_references(petugas, kecamatan):
    def submit(index):
        incident = Incident(
            kind="potensi",
            title=f"Laporan paralel {index}",
            chronology="Uji serentak.",
            occurred_at=timezone.now(),
            information_source="masyarakat",
            conflict_source="poleksosbud",
            aspect="sosial_budaya",
            form="intimidasi",
            likelihood=2,
            impact=2,
            kecamatan=kecamatan,
        )
        party = Party(name=f"Pihak {index}", party_type="warga")
        return services.incident_create(
            incident=incident, parties=[party], by=petugas, submit=True
        ).reference

    references, errors = run_in_threads(50, submit)

    assert errors == []
    assert len(references) == 50
    assert len(set(references)) == 50
    year = timezone.localdate().year
    assert sorted(references) == [f"PKS-{year}-{n:04d}" for n in range(1, 51)]
    assert Incident.objects.filter(status="diajukan").count() == 50


def test_two_concurrent_edits_one_succeeds_one_is_refused(petugas, sekretariat, kecamatan):
    incident = IncidentFactory(kecamatan=kecamatan, reported_by=petugas)
    version = incident.version
    editors = [petugas, sekretariat]

    def edit(index):
        copy = Incident.objects.get(pk=incident.pk)
        copy.address = f"Alamat versi {index}"
        try:
            services.incident_update(incident=copy, expected_version=version, by=editors[index])
        except services.StaleEdit:
            return "refused"
        return "saved"

    outcomes, errors = run_in_threads(2, edit)

    assert errors == []
    assert sorted(outcomes) == ["refused", "saved"]
    saved = Incident.objects.get(pk=incident.pk)
    assert saved.version == version + 1
    assert saved.address in {"Alamat versi 0", "Alamat versi 1"}
