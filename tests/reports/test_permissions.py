"""Who may reach each page of the reports app. The expected answers are restated here from
the roles (secretariat builds and issues; leadership and secretariat download), not read
from reports/rules.py."""

import html
import re
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.test import Client

from accounts.choices import Role
from directory.choices import RegionLevel
from reports import documents
from reports.models import AnnualNarrative, IssuedReport, Letterhead
from tests import personas as build
from tests.factories import RegionFactory, UserFactory, jpeg_bytes
from tests.helpers import submission_token
from tests.reports.conftest import build_year_2024
from tests.reports.helpers import FAKE_PDF

pytestmark = pytest.mark.django_db

SEK, PIM, PET, ADM = Role.SEKRETARIAT, Role.PIMPINAN, Role.PETUGAS, Role.ADMIN


@pytest.fixture(autouse=True)
def fast_pdf(monkeypatch):
    monkeypatch.setattr(documents, "render_pdf", lambda html, resources: FAKE_PDF)


GETS = [
    ("/laporan-resmi/", {SEK: 200, PIM: 200, PET: 403, ADM: 403}),
    ("/laporan-resmi/2024/periode/?periode=B08", {SEK: 200, PIM: 403, PET: 403, ADM: 403}),
    ("/laporan-resmi/2024/tahunan/", {SEK: 200, PIM: 403, PET: 403, ADM: 403}),
    ("/laporan-resmi/2024/rat/", {SEK: 200, PIM: 403, PET: 403, ADM: 403}),
    ("/laporan-resmi/2024/periode/draf.pdf?periode=B08", {SEK: 200, PIM: 403, PET: 403, ADM: 403}),
    ("/laporan-resmi/2024/rat/draf.pdf", {SEK: 200, PIM: 403, PET: 403, ADM: 403}),
    ("/laporan-resmi/2024/narasi/", {SEK: 200, PIM: 403, PET: 403, ADM: 403}),
    ("/laporan-resmi/kop/logo/", {SEK: 200, PIM: 200, PET: 403, ADM: 403}),
    ("download", {SEK: 200, PIM: 200, PET: 404, ADM: 404}),
]


class TestGetMatrix:
    """The year, the issued report and the logo are made once for the class (tests/conftest.py
    `shared`); every test still starts from them as made, its own changes rolled back."""

    @staticmethod
    def build_records():
        from reports import services

        records = build.personas()
        sekretariat = records["sekretariat"]
        regency = records["kecamatan"].parent
        other_kecamatan = RegionFactory(
            code="35.17.05", name="Wonosalam", level=RegionLevel.KECAMATAN, parent=regency
        )
        dinsos, polres = build.dinsos(), build.polres()
        plan = build.plan(sekretariat)
        build_year_2024(plan, sekretariat, dinsos, polres, records["kecamatan"], other_kecamatan)
        with mock.patch.object(documents, "render_pdf", lambda html, resources: FAKE_PDF):
            records["issued"] = services.report_issue(
                kind="period", year=2024, period_code="B08", by=sekretariat
            )
        letterhead = Letterhead()
        letterhead.logo.save("logo.jpg", ContentFile(jpeg_bytes()), save=True)
        return records

    @pytest.fixture
    def personas(self, records):
        return {
            SEK: records["sekretariat"],
            PIM: records["pimpinan"],
            PET: records["petugas"],
            ADM: records["admin_user"],
        }

    @pytest.mark.parametrize(("url", "expected"), GETS, ids=[g[0] for g in GETS])
    @pytest.mark.parametrize("role", [SEK, PIM, PET, ADM])
    def test_get_matrix(self, client, records, personas, url, expected, role):
        if url == "download":
            url = f"/laporan-resmi/terbit/{records['issued'].pk}/unduh/"
        client.force_login(personas[role])
        response = client.get(url)
        if expected[role] == 404:
            # A user who may not download gets a refusal, never the file.
            assert response.status_code in (403, 404)
        else:
            assert response.status_code == expected[role]


@pytest.mark.parametrize("role", [SEK, PIM])
def test_an_account_scoped_to_a_kecamatan_gets_no_regency_document(
    client, year_2024, sekretariat, kecamatan, role
):
    # The documents list every kecamatan's notable cases; such an account reads its own only.
    from reports import services

    issued = services.report_issue(kind="period", year=2024, period_code="B08", by=sekretariat)
    client.force_login(UserFactory(roles=[role], kecamatan=kecamatan))
    for url, _expected in GETS:
        if url == "download":
            url = f"/laporan-resmi/terbit/{issued.pk}/unduh/"
        assert client.get(url).status_code in (403, 404), url


@pytest.mark.parametrize("url", [g[0] for g in GETS if g[0] != "download"])
def test_anonymous_is_sent_to_login(client, year_2024, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/akun/")


@pytest.mark.parametrize(("role", "status"), [(SEK, 302), (PIM, 403), (PET, 403), (ADM, 403)])
def test_issue_matrix(client, personas, year_2024, role, status):
    client.force_login(personas[role])
    response = client.post("/laporan-resmi/2024/periode/terbitkan/", {"periode": "B08"})
    assert response.status_code == status
    assert IssuedReport.objects.exists() == (status == 302)


def test_issue_needs_post(client, sekretariat, year_2024):
    client.force_login(sekretariat)
    assert client.get("/laporan-resmi/2024/periode/terbitkan/?periode=B08").status_code == 405
    assert not IssuedReport.objects.exists()


@pytest.mark.parametrize(("role", "status"), [(SEK, 302), (PIM, 403), (PET, 403), (ADM, 403)])
def test_narrative_matrix(client, personas, year_2024, role, status):
    client.force_login(personas[role])
    response = client.post("/laporan-resmi/2024/narasi/", {"summary": "Tahun yang kondusif."})
    assert response.status_code == status
    assert AnnualNarrative.objects.filter(year=2024).exists() == (status == 302)


@pytest.mark.parametrize(
    "url",
    [
        "/laporan-resmi/2024/kuartal/",
        "/laporan-resmi/1999/rat/",
        "/laporan-resmi/99999/rat/",
        "/laporan-resmi/terbit/999999/unduh/",
        "/laporan-resmi/2024/narasi/x/",
    ],
)
def test_bad_urls_are_404(client, sekretariat, year_2024, url):
    client.force_login(sekretariat)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("url", "told"),
    [
        (
            "/laporan-resmi/2024/periode/?periode=B99",
            "Periode B99 tidak ada di RAT 2024. Pilihan: B04, B08, B12.",
        ),
        ("/laporan-resmi/2024/periode/", "Pilih periode laporan RAT 2024: B04, B08, B12."),
        ("/laporan-resmi/2031/tahunan/", "Belum ada Rencana Aksi Terpadu untuk tahun 2031."),
        ("/laporan-resmi/2024/periode/?periode=%FF%FE", "tidak ada di RAT 2024."),
        ("/laporan-resmi/?tahun=abc", None),
        ("/laporan-resmi/?tahun=²", None),
        ("/laporan-resmi/?page=999&per_page=x", None),
    ],
)
def test_bad_input_is_a_message_not_an_error(client, sekretariat, year_2024, url, told):
    client.force_login(sekretariat)
    response = client.get(url, follow=True)
    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    if told is None:  # a list page that ignores what it cannot read
        assert not response.redirect_chain and not messages
    else:
        assert response.redirect_chain[-1][0].startswith("/laporan-resmi/?tahun=")
        assert any(told in message for message in messages), messages


@pytest.mark.parametrize("typed", ["b08", "B08%0A", "%0D%0AB08 "])
def test_a_period_code_typed_loosely_names_the_draft_by_the_period_found(
    client, sekretariat, year_2024, typed
):
    # A line break in the code reached the download's header and failed it after the render.
    client.force_login(sekretariat)
    response = client.get(f"/laporan-resmi/2024/periode/draf.pdf?periode={typed}")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('-2024-B08.pdf"')


def test_issue_twice_makes_two_versions(client, sekretariat, year_2024):
    client.force_login(sekretariat)
    for _ in range(2):
        client.post("/laporan-resmi/2024/rat/terbitkan/")
    versions = IssuedReport.objects.values_list("version", flat=True).order_by("version")
    assert list(versions) == [1, 2]


def test_narrative_too_long_is_refused_with_a_message(client, sekretariat, year_2024):
    client.force_login(sekretariat)
    response = client.post("/laporan-resmi/2024/narasi/", {"summary": "x" * 10001})
    assert response.status_code == 400
    assert "10000" in response.content.decode() or "10.000" in response.content.decode()
    assert not AnnualNarrative.objects.exists()


NARRATIVE = "/laporan-resmi/2024/narasi/"


def narrative_page(client) -> dict:
    """The narrative form as the browser would send it back unchanged."""
    page = html.unescape(client.get(NARRATIVE).content.decode())
    fields = dict(re.findall(r'<textarea name="(\w+)"[^>]*>\n?(.*?)</textarea>', page, re.S))
    fields["opened"] = re.search(r'name="opened" value="([^"]*)"', page).group(1)
    return fields


def test_a_colleagues_narrative_saved_meanwhile_is_kept_or_shown_never_overwritten(
    client, sekretariat, sekretariat2, year_2024
):
    # Every save wrote all four sections from the form: a page opened before a colleague
    # saved "Rekomendasi" put the old text back without a word.
    client.force_login(sekretariat)
    client.post(NARRATIVE, {"summary": "Ringkasan awal.", "recommendations": "Rekomendasi awal."})
    colleague = Client()
    colleague.force_login(sekretariat2)
    mine, theirs = narrative_page(client), narrative_page(colleague)
    theirs["recommendations"] = "Rekomendasi dari rekan."
    theirs["summary"] = "Ringkasan dari rekan."
    assert colleague.post(NARRATIVE, theirs).status_code == 302

    # This page changed "Kendala" only: the colleague's sections stay.
    mine["obstacles"] = "Kendala dari saya."
    assert client.post(NARRATIVE, {**mine}).status_code == 302
    narrative = AnnualNarrative.objects.get(year=2024)
    assert (narrative.summary, narrative.obstacles, narrative.recommendations) == (
        "Ringkasan dari rekan.",
        "Kendala dari saya.",
        "Rekomendasi dari rekan.",
    )

    # Both changed "Ringkasan": refused there, the stored text shown, mine kept in the box.
    mine["summary"] = "Ringkasan dari saya."
    response = client.post(NARRATIVE, mine)
    assert response.status_code == 400
    page = " ".join(html.unescape(response.content.decode()).split())
    assert (
        "Bagian ini diubah oleh" in page and "Tersimpan sekarang: “Ringkasan dari rekan.”" in page
    )
    assert "Ringkasan dari saya.</textarea>" in page
    assert AnnualNarrative.objects.get(year=2024).summary == "Ringkasan dari rekan."
    # Sent again from that page, it replaces the colleague's text knowingly.
    again = {**mine, "opened": re.search(r'name="opened" value="([^"]*)"', page).group(1)}
    assert client.post(NARRATIVE, again).status_code == 302
    narrative.refresh_from_db()
    assert (narrative.summary, narrative.recommendations) == (
        "Ringkasan dari saya.",
        "Rekomendasi dari rekan.",
    )


def test_a_double_tap_on_one_preview_issues_one_version(client, sekretariat, year_2024):
    """Issuing from a fresh preview makes the next version (above); the same preview's form
    sent twice (a double tap, a resend) issues once and says the second was not stored."""
    client.force_login(sekretariat)
    token = submission_token(client.get("/laporan-resmi/2024/rat/"))
    first = client.post("/laporan-resmi/2024/rat/terbitkan/", {"submission_token": token})
    second = client.post(
        "/laporan-resmi/2024/rat/terbitkan/", {"submission_token": token}, follow=True
    )
    assert first.status_code == 302
    assert second.status_code == 200
    assert "tidak disimpan dua kali" in second.content.decode()
    assert list(IssuedReport.objects.values_list("version", flat=True)) == [1]
    again = submission_token(client.get("/laporan-resmi/2024/rat/"))
    client.post("/laporan-resmi/2024/rat/terbitkan/", {"submission_token": again})
    assert IssuedReport.objects.count() == 2
