"""Issuing archives the exact PDF with its checksum; issued reports never change."""

import hashlib

import pytest
from django.db import ProgrammingError, transaction

from core.models import ActivityLog
from reports import services
from reports.models import IssuedReport
from tests.reports.helpers import pdf_text

pytestmark = pytest.mark.django_db


def test_issue_stores_the_pdf_with_checksum_issuer_and_parameters(year_2024, sekretariat):
    report = services.report_issue(kind="period", year=2024, period_code="B08", by=sekretariat)

    report.refresh_from_db()
    stored = report.file.read()
    assert hashlib.sha256(stored).hexdigest() == report.sha256
    assert report.size == len(stored)
    assert report.version == 1
    assert report.issued_by == sekretariat
    assert report.parameters == {"kind": "period", "year": 2024, "period": "B08", "region": "35.17"}
    assert "DRAF" not in pdf_text(stored)
    assert ActivityLog.objects.filter(action="reports.issue", object_id=str(report.pk)).exists()


def test_issuing_again_makes_a_new_version_and_keeps_the_old(year_2024, sekretariat):
    first = services.report_issue(kind="rat", year=2024, by=sekretariat)
    first_bytes = first.file.read()
    second = services.report_issue(kind="rat", year=2024, by=sekretariat)

    assert (first.version, second.version) == (1, 2)
    assert first.file.name != second.file.name
    first.refresh_from_db()
    assert first.file.read() == first_bytes
    assert hashlib.sha256(first_bytes).hexdigest() == first.sha256


def test_the_database_refuses_to_change_or_delete_an_issued_report(year_2024, sekretariat):
    report = services.report_issue(kind="rat", year=2024, by=sekretariat)
    with pytest.raises(ProgrammingError), transaction.atomic():
        IssuedReport.objects.filter(pk=report.pk).update(sha256="0" * 64)
    with pytest.raises(ProgrammingError), transaction.atomic():
        report.delete()
    report.refresh_from_db()
    assert report.version == 1


def test_a_tampered_file_is_never_handed_out(client, year_2024, sekretariat, pimpinan):
    report = services.report_issue(kind="rat", year=2024, by=sekretariat)
    with open(report.file.path, "ab") as handle:
        handle.write(b"tampered")
    client.force_login(pimpinan)
    response = client.get(f"/laporan-resmi/terbit/{report.pk}/unduh/", follow=True)
    assert response.status_code == 200
    assert "rusak atau hilang" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


def test_download_returns_the_stored_bytes(client, year_2024, sekretariat, pimpinan):
    report = services.report_issue(kind="period", year=2024, period_code="B08", by=sekretariat)
    client.force_login(pimpinan)
    response = client.get(f"/laporan-resmi/terbit/{report.pk}/unduh/")
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == report.sha256
    assert "laporan-periode-2024-B08-v1.pdf" in response["Content-Disposition"]
    assert ActivityLog.objects.filter(action="reports.download", actor=pimpinan).exists()


def test_the_draft_is_watermarked(year_2024, sekretariat):
    _title, content = services.report_draft(
        kind="period", year=2024, period_code="B08", by=sekretariat
    )
    assert "DRAF" in pdf_text(content)
    assert not IssuedReport.objects.exists()
