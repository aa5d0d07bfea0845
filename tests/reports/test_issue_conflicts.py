"""Issuing while someone else issues the same report: the losing attempt leaves no orphan PDF in
the store and is retried; a report nobody may issue is refused before anything is rendered."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.db import IntegrityError

from core.backup import storage_names
from reports import documents, services
from reports.models import IssuedReport
from tests.reports.helpers import FAKE_PDF

pytestmark = pytest.mark.django_db


def issued_files():
    return [name for name in storage_names(default_storage) if name.startswith("issued/")]


@pytest.fixture
def fast_pdf(monkeypatch):
    monkeypatch.setattr(documents, "render_pdf", lambda html, resources: FAKE_PDF)


def collide(monkeypatch, times):
    """The next `times` archive attempts lose the race for their version number."""
    original = services.log_action
    left = [times]

    def log_action(**kwargs):
        if left[0]:
            left[0] -= 1
            raise IntegrityError("duplicate key value violates unique constraint")
        return original(**kwargs)

    monkeypatch.setattr(services, "log_action", log_action)


def test_a_lost_race_leaves_no_orphan_file_and_is_retried(
    year_2024, sekretariat, fast_pdf, monkeypatch
):
    collide(monkeypatch, times=2)

    report = services.report_issue(kind="rat", year=2024, by=sekretariat)

    assert IssuedReport.objects.get() == report
    assert issued_files() == [report.file.name]


def test_after_three_lost_races_the_issuer_is_told_and_nothing_is_stored(
    year_2024, sekretariat, fast_pdf, monkeypatch
):
    collide(monkeypatch, times=3)

    with pytest.raises(IntegrityError, match="Could not allocate"):
        services.report_issue(kind="rat", year=2024, by=sekretariat)

    assert not IssuedReport.objects.exists()
    assert issued_files() == []


def test_leadership_cannot_issue(year_2024, pimpinan, fast_pdf):
    with pytest.raises(PermissionDenied):
        services.report_issue(kind="rat", year=2024, by=pimpinan)
    assert not IssuedReport.objects.exists()
