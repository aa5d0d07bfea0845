"""The issued-report list reads a fixed number of queries, however many reports there are."""

import pytest

from reports import documents, services
from tests.reports.helpers import FAKE_PDF

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_pdf(monkeypatch):
    monkeypatch.setattr(documents, "render_pdf", lambda html, resources: FAKE_PDF)


@pytest.mark.parametrize("issued", [1, 6])
def test_index_query_count(
    client, year_2024, pimpinan, sekretariat, django_assert_num_queries, issued
):
    for _ in range(issued):
        services.report_issue(kind="rat", year=2024, by=sekretariat)
    client.force_login(pimpinan)
    # Session, user, roles (once, cached), count, the year's plan and its periods, one page of
    # reports with their issuers, and the session's expiry moved on (as on every page).
    with django_assert_num_queries(8):
        response = client.get("/laporan-resmi/?tahun=2024")
    assert response.status_code == 200
    assert response.content.decode().count("Unduh PDF") == issued
