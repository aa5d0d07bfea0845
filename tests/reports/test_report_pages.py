"""The report pages' dead ends lead somewhere: issuing a year without a plan goes back to the
list with the reason, a narrative for an impossible year or a missing logo is not found, and a
logo whose file is gone is not found either (never an error page)."""

import re
from urllib.parse import parse_qs

import pytest
from django.core.files.base import ContentFile

from reports import documents, services
from reports.models import IssuedReport, Letterhead
from tests.factories import jpeg_bytes
from tests.reports.helpers import FAKE_PDF

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_pdf(monkeypatch):
    monkeypatch.setattr(documents, "render_pdf", lambda html, resources: FAKE_PDF)


def test_issuing_a_year_without_a_plan_goes_back_with_the_reason(client, sekretariat):
    client.force_login(sekretariat)

    response = client.post("/laporan-resmi/2031/rat/terbitkan/", follow=True)

    assert response.redirect_chain[-1][0] == "/laporan-resmi/?tahun=2031"
    assert "Belum ada Rencana Aksi Terpadu untuk tahun 2031." in response.content.decode()
    assert not IssuedReport.objects.exists()


def test_a_narrative_for_an_impossible_year_is_not_found(client, sekretariat):
    client.force_login(sekretariat)
    assert client.get("/laporan-resmi/1900/narasi/").status_code == 404


def test_the_logo_is_not_found_when_none_was_uploaded_or_its_file_is_gone(client, sekretariat):
    client.force_login(sekretariat)
    assert client.get("/laporan-resmi/kop/logo/").status_code == 404

    letterhead = Letterhead()
    letterhead.logo.save("logo.jpg", ContentFile(jpeg_bytes()), save=True)
    response = client.get("/laporan-resmi/kop/logo/")
    assert (response.status_code, response["Content-Type"]) == (200, "image/jpeg")
    assert b"".join(response.streaming_content) == jpeg_bytes()
    # An uploaded file, served like evidence: nothing runs, the browser's image view is styled.
    assert response["Content-Security-Policy"].startswith("default-src 'none';")

    letterhead.logo.storage.delete(letterhead.logo.name)
    assert client.get("/laporan-resmi/kop/logo/").status_code == 404


def test_the_archive_s_pages_keep_the_year_chosen(client, year_2024, sekretariat):
    for _ in range(11):
        services.report_issue(kind="rat", year=2024, by=sekretariat)
    client.force_login(sekretariat)
    first = client.get("/laporan-resmi/?tahun=2024&per_page=10").content.decode()
    [next_page] = re.findall(r'href="\?([^"]*)" rel="next"', first)
    assert parse_qs(next_page.replace("&amp;", "&")) == {
        "tahun": ["2024"],
        "per_page": ["10"],
        "page": ["2"],
    }
    second = client.get(f"/laporan-resmi/?{next_page.replace('&amp;', '&')}")
    # Still the 2024 documents to build, and the eleventh report.
    assert second.context["year"] == 2024
    assert second.content.decode().count("Unduh PDF") == 1


def test_the_year_box_is_for_those_who_build_reports(client, year_2024, sekretariat, pimpinan):
    client.force_login(pimpinan)
    page = client.get("/laporan-resmi/?tahun=2024").content.decode()
    assert 'name="tahun"' not in page
    client.force_login(sekretariat)
    page = client.get("/laporan-resmi/?tahun=2024").content.decode()
    assert 'name="tahun"' in page
