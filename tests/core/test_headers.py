"""Response headers: a strict Content-Security-Policy on every page, nothing with report data
kept by a cache, PDFs always downloaded (issue 13 item 13)."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tests.factories import EvidenceFactory, IncidentFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def csp_directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def test_login_page_has_a_strict_policy(client, db):
    response = client.get(reverse("accounts:login"))
    policy = csp_directives(response)
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


def test_map_tiles_are_allowed_from_the_configured_tile_host(client, sekretariat):
    client.force_login(sekretariat)
    policy = csp_directives(client.get(reverse("map")))
    assert policy["img-src"] == ["'self'", "data:", "https://tile.openstreetmap.org"]


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", ["https://*.tile.example.org"]),
        ("https://peta.contoh.go.id:8443/t/{z}/{x}/{y}.png", ["https://peta.contoh.go.id:8443"]),
        ("", []),
    ],
)
def test_tile_source_follows_the_tile_url(url, source):
    from jombang_portal.settings import tile_source

    assert tile_source(url) == source


def test_pages_of_a_signed_in_user_are_never_cached(client, sekretariat):
    incident = IncidentFactory()
    client.force_login(sekretariat)
    for url in (reverse("incidents:detail", args=[incident.pk]), reverse("incidents:list")):
        response = client.get(url)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]


def test_exports_are_never_cached(client, sekretariat):
    IncidentFactory()
    client.force_login(sekretariat)
    response = client.get(reverse("incidents:export_csv"))
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]


def test_evidence_pdf_is_downloaded_not_opened_and_never_cached(client, sekretariat):
    evidence = EvidenceFactory(
        file=ContentFile(PDF, name="notulen.pdf"),
        original_name="notulen rapat.pdf",
        content_type="application/pdf",
    )
    client.force_login(sekretariat)
    response = client.get(reverse("incidents:evidence", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "notulen" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]


def test_evidence_photo_still_opens_in_the_page(client, sekretariat):
    evidence = EvidenceFactory()
    client.force_login(sekretariat)
    response = client.get(reverse("incidents:evidence", args=[evidence.pk]))
    assert response["Content-Disposition"].startswith("inline;")
    assert "no-store" in response["Cache-Control"]


def test_a_stored_file_runs_and_loads_nothing_but_its_image_shows_styled(client, sekretariat):
    evidence = EvidenceFactory()
    client.force_login(sekretariat)
    response = client.get(reverse("incidents:evidence", args=[evidence.pk]))
    policy = csp_directives(response)
    assert policy["default-src"] == ["'none'"]
    assert "script-src" not in policy  # so 'none', from default-src
    assert policy["img-src"] == ["'self'"]
    # Chromium's image viewer styles the photo inline (the browser audit saw it blocked).
    assert policy["style-src"] == ["'unsafe-inline'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "sandbox" in policy
