"""Who may see and do what with a report, over every incident URL.

The expected answers are restated from the rules (not read from the app's own permission
helpers), so the matrix fails when the app drifts from them:

- drafts only to their author;
- `terbatas` only to sekretariat, pimpinan, users with `cleared_restricted`, and the author;
- a kecamatan-scoped user only within that kecamatan;
- handling steps only by the secretariat, the author, or an operator of an agency already
  handling the report;
- an invisible report is a 404 on every object URL and absent from the list, its count and
  the exports; a visible report the user may not change is a 403.
"""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.utils import timezone

from accounts.choices import Role
from core.models import ActivityLog
from incidents import services
from incidents.models import ConflictStatus, Evidence, HandlingStep, Incident
from tests import personas as build
from tests.factories import (
    ContactFactory,
    IncidentFactory,
    RegionFactory,
    UserFactory,
    jpeg_bytes,
)
from tests.helpers import local_input

pytestmark = pytest.mark.django_db

LOGIN_URL = "/akun/masuk/"
PERSONAS = ["petugas", "petugas_unscoped", "sekretariat", "pimpinan", "admin_user"]
REPORTER_PERSONAS = {"petugas", "petugas_unscoped", "sekretariat"}
RESTRICTED_ROLES = {Role.SEKRETARIAT, Role.PIMPINAN}


# --- the rules, restated ------------------------------------------------------------------------


def role_names(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def should_see(user, incident) -> bool:
    is_author = incident.reported_by_id == user.pk
    if incident.status == "draft" and not is_author:
        return False
    if incident.confidentiality == "terbatas" and not (
        is_author or user.cleared_restricted or role_names(user) & RESTRICTED_ROLES
    ):
        return False
    return not (user.kecamatan_id and incident.kecamatan_id != user.kecamatan_id)


def should_edit(user, incident) -> bool:
    if incident.status in ("selesai", "ditutup"):
        return False
    is_author = incident.reported_by_id == user.pk
    if Role.SEKRETARIAT in role_names(user):
        return incident.status != "draft" or is_author
    return is_author and incident.status in ("draft", "diajukan", "ditolak")


def should_add_step(user, incident) -> bool:
    """The secretariat, the report's author, or an operator of an agency already named in one of
    its handling steps; only once the report is verified and until it is closed."""
    if incident.status not in ("diverifikasi", "ditangani", "selesai"):
        return False
    names = role_names(user)
    if Role.SEKRETARIAT in names:
        return True
    handling = incident.pk and user.agency_id and incident.steps.filter(agencies=user.agency_id)
    return Role.PETUGAS in names and (
        incident.reported_by_id == user.pk or bool(handling and handling.exists())
    )


def expected_code(endpoint: str, user, incident) -> int:
    """The HTTP status a request to `endpoint` about `incident` should get."""
    if endpoint in ("list", "csv", "xlsx"):
        return 200
    if not should_see(user, incident):
        return 404
    if endpoint in ("detail", "evidence"):
        return 200
    if endpoint == "transition":
        return 302  # refusals too: back to the detail page with a message
    if endpoint.startswith("edit"):
        return (302 if endpoint == "edit_post" else 200) if should_edit(user, incident) else 403
    if endpoint.startswith("step"):
        return (302 if endpoint == "step_post" else 200) if should_add_step(user, incident) else 403
    raise AssertionError(endpoint)


# --- helpers ------------------------------------------------------------------------------------


def build_reporter():
    """The author of the reports in the matrix: an officer who is none of the personas."""
    return UserFactory(username="pelapor-lain", roles=[Role.PETUGAS])


@pytest.fixture
def reporter(roles):
    return build_reporter()


def edit_payload(incident, **changes):
    """The edit form as a browser would post it back unchanged, plus `changes`."""
    parties = list(incident.parties.all())
    data = {
        "version": incident.version,
        "kind": incident.kind,
        "title": incident.title,
        "chronology": incident.chronology,
        "occurred_at": local_input(incident.occurred_at),
        "occurred_precision": incident.occurred_precision,
        "information_source": incident.information_source,
        "kecamatan": incident.kecamatan_id,
        "desa": incident.desa_id or "",
        "address": incident.address,
        "latitude": "",
        "longitude": "",
        "location_precision": incident.location_precision,
        "conflict_source": incident.conflict_source,
        "aspect": incident.aspect,
        "form": incident.form,
        "likelihood": incident.likelihood or "",
        "impact": incident.impact or "",
        "stage": incident.stage,
        "confidentiality": incident.confidentiality,
        "conflict_status": "",
        "parties-TOTAL_FORMS": len(parties),
        "parties-INITIAL_FORMS": len(parties),
        "parties-MIN_NUM_FORMS": 0,
        "parties-MAX_NUM_FORMS": 1000,
    }
    for index, party in enumerate(parties):
        data.update(
            {
                f"parties-{index}-id": party.pk,
                f"parties-{index}-name": party.name,
                f"parties-{index}-party_type": party.party_type,
                f"parties-{index}-estimated_size": party.estimated_size or "",
            }
        )
    data.update(changes)
    return data


def step_payload(**changes):
    data = {
        "date": timezone.localdate().isoformat(),
        "stage": "pencegahan",
        "action_type": "mediasi",
        "description": "Mediasi tokoh dua dusun di balai desa.",
    }
    data.update(changes)
    return data


def photo_upload():
    return SimpleUploadedFile("foto-lokasi.jpg", jpeg_bytes(), content_type="image/jpeg")


def attach_photo(incident, by):
    # The file is written when the transaction commits; a test's transaction never does.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.evidence_attach(incident=incident, upload=photo_upload(), by=by)


def list_page(client) -> tuple[list[str], str]:
    """The references the report list shows and its result count, from one request."""
    response = client.get("/laporan/")
    assert response.status_code == 200
    html = response.content.decode()
    start = html.index('data-testid="result-count"')
    count = html[html.index(">", start) + 1 : html.index("</p>", start)].strip()
    return [incident.reference for incident in response.context["incidents"]], count


def listed_references(client) -> list[str]:
    return list_page(client)[0]


def csv_references(client) -> list[str]:
    response = client.get("/laporan/ekspor.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the BOM to read UTF-8"
    header, *rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert header[0] == "Nomor laporan"
    return [row[0] for row in rows]


def xlsx_references(client) -> list[str]:
    response = client.get("/laporan/ekspor.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    header, *rows = list(book.active.iter_rows(values_only=True))
    assert header[0] == "Nomor laporan"
    return [row[0] for row in rows]


def page_text(client, url) -> str:
    return client.get(url).content.decode()


# --- the matrix ---------------------------------------------------------------------------------

ENDPOINTS = [
    "detail",
    "edit_get",
    "edit_post",
    "transition",
    "step_get",
    "step_post",
    "evidence",
    "list",
    "csv",
    "xlsx",
]


PLACES = ["diwek", "wonosalam"]
CONFIDENTIALITIES = ["internal", "terbatas"]
MATRIX_TITLE = "Ketegangan warga soal irigasi sawah"


class TestMatrix:
    """Four verified reports by a third person, in the scoped officer's kecamatan (Diwek) or
    another one (Wonosalam), internal or restricted, each with a photo, requested by each role.
    The reports and personas are made once for the class (tests/conftest.py `shared`); every
    test still starts from them as made, its own changes rolled back."""

    @staticmethod
    def build_records():
        records = build.personas()
        records["petugas_unscoped"] = build.petugas_unscoped()
        reporter = records["reporter"] = build_reporter()
        regions = {
            "diwek": records["kecamatan"],
            "wonosalam": build.other_kecamatan(records["kecamatan"].parent),
        }
        records["incidents"], records["evidence"] = {}, {}
        for place, region in regions.items():
            for confidentiality in CONFIDENTIALITIES:
                incident = IncidentFactory(
                    kecamatan=region,
                    reported_by=reporter,
                    status="diverifikasi",
                    confidentiality=confidentiality,
                    title=MATRIX_TITLE,
                )
                records["incidents"][place, confidentiality] = incident
                # `shared` runs the on-commit file write itself; read back, the record holds
                # the stored file instead of the upload, and can be copied for each test.
                stored = services.evidence_attach(
                    incident=incident, upload=photo_upload(), by=reporter
                )
                records["evidence"][place, confidentiality] = Evidence.objects.get(pk=stored.pk)
        return records

    @pytest.mark.parametrize("confidentiality", CONFIDENTIALITIES)
    @pytest.mark.parametrize("place", PLACES)
    @pytest.mark.parametrize("persona", PERSONAS)
    @pytest.mark.parametrize("endpoint", ENDPOINTS)
    def test_permission_matrix(self, client, records, endpoint, persona, place, confidentiality):
        user = records[persona]
        incident = records["incidents"][place, confidentiality]
        expected = expected_code(endpoint, user, incident)
        visible = should_see(user, incident)
        client.force_login(user)
        detail_url = f"/laporan/{incident.pk}/"

        if endpoint == "detail":
            response = client.get(detail_url)
            assert response.status_code == expected
            assert (MATRIX_TITLE in response.content.decode()) == visible

        elif endpoint == "edit_get":
            assert client.get(f"/laporan/{incident.pk}/ubah/").status_code == expected

        elif endpoint == "edit_post":
            payload = edit_payload(incident, title="Judul diubah lewat formulir")
            response = client.post(f"/laporan/{incident.pk}/ubah/", payload)
            assert response.status_code == expected
            incident.refresh_from_db()
            changed = incident.title == "Judul diubah lewat formulir"
            assert changed == (expected == 302)
            if expected == 302:
                assert response.url == detail_url

        elif endpoint == "transition":
            response = client.post(f"/laporan/{incident.pk}/status/", {"action": "handle"})
            assert response.status_code == expected
            incident.refresh_from_db()
            # Only the secretariat may mark a verified report as being handled.
            may_handle = visible and persona == "sekretariat"
            assert incident.status == ("ditangani" if may_handle else "diverifikasi")
            if visible:
                assert response.url == detail_url
                page = page_text(client, detail_url)
                if may_handle:
                    assert "Status laporan kini: Ditangani." in page
                else:
                    assert "Anda tidak berwenang melakukan tindakan ini." in page

        elif endpoint == "step_get":
            assert client.get(f"/laporan/{incident.pk}/tindak-lanjut/").status_code == expected

        elif endpoint == "step_post":
            response = client.post(f"/laporan/{incident.pk}/tindak-lanjut/", step_payload())
            assert response.status_code == expected
            saved = HandlingStep.objects.filter(incident=incident).count()
            assert saved == (1 if expected == 302 else 0)

        elif endpoint == "evidence":
            evidence = records["evidence"][place, confidentiality]
            response = client.get(f"/laporan/bukti/{evidence.pk}/")
            assert response.status_code == expected
            if expected == 200:
                assert b"".join(response.streaming_content) == jpeg_bytes()

        elif endpoint == "list":
            references, count = list_page(client)
            assert (incident.reference in references) == visible
            # The count covers all four reports of the class.
            seen = sum(should_see(user, i) for i in records["incidents"].values())
            assert count == f"{seen} laporan"

        elif endpoint == "csv":
            assert (incident.reference in csv_references(client)) == visible

        elif endpoint == "xlsx":
            assert (incident.reference in xlsx_references(client)) == visible

    def test_the_class_reports_are_seen_as_the_rules_say(self, records):
        """The list counts above rest on this: each persona sees a different share of the
        four reports, so a count cannot pass by accident."""
        counts = {
            persona: sum(should_see(records[persona], i) for i in records["incidents"].values())
            for persona in PERSONAS
        }
        assert counts == {
            "petugas": 1,  # Diwek internal
            "petugas_unscoped": 2,  # both internal
            "sekretariat": 4,
            "pimpinan": 4,
            "admin_user": 2,
        }


def test_matrix_expectations_read_as_intended(
    petugas, petugas_unscoped, sekretariat, pimpinan, admin_user, reporter, kecamatan
):
    """Guards the expectation function itself against a silent all-200 or all-404."""
    own = IncidentFactory.build(kecamatan=kecamatan, reported_by=reporter, status="diverifikasi")
    secret = IncidentFactory.build(
        kecamatan=kecamatan, reported_by=reporter, status="diverifikasi", confidentiality="terbatas"
    )
    assert expected_code("detail", petugas, own) == 200
    assert expected_code("detail", petugas, secret) == 404
    assert expected_code("detail", pimpinan, secret) == 200
    assert expected_code("edit_get", sekretariat, own) == 200
    assert expected_code("edit_get", petugas_unscoped, own) == 403
    assert expected_code("step_post", admin_user, own) == 403
    assert expected_code("step_post", petugas, own) == 403  # not the author
    assert expected_code("step_post", sekretariat, own) == 302


# --- anonymous visitors and the non-object pages ------------------------------------------------


def test_anonymous_visitor_is_sent_to_login_everywhere(client, reporter, kecamatan):
    incident = IncidentFactory(kecamatan=kecamatan, reported_by=reporter, status="diverifikasi")
    evidence = attach_photo(incident, reporter)
    gets = [
        "/laporan/",
        "/laporan/ekspor.csv",
        "/laporan/ekspor.xlsx",
        "/laporan/baru/",
        f"/laporan/pilihan-desa/?kecamatan={kecamatan.pk}",
        f"/laporan/{incident.pk}/",
        f"/laporan/{incident.pk}/ubah/",
        f"/laporan/{incident.pk}/tindak-lanjut/",
        f"/laporan/bukti/{evidence.pk}/",
        "/laporan/status-keadaan-konflik/",
        "/laporan/status-keadaan-konflik/baru/",
    ]
    posts = [
        f"/laporan/{incident.pk}/status/",
        f"/laporan/{incident.pk}/ubah/",
        f"/laporan/{incident.pk}/tindak-lanjut/",
        "/laporan/baru/",
    ]
    for method, url in [("get", url) for url in gets] + [("post", url) for url in posts]:
        response = getattr(client, method)(url, {"action": "handle"} if method == "post" else {})
        assert response.status_code == 302, (method, url)
        assert response.url.startswith(LOGIN_URL + "?next="), (method, url)
    incident.refresh_from_db()
    assert incident.status == "diverifikasi"
    assert not incident.steps.exists()


PAGE_RULES = {
    # url: personas admitted (others get 403)
    "/laporan/": set(PERSONAS),
    "/laporan/baru/": REPORTER_PERSONAS,
    "/laporan/status-keadaan-konflik/": set(PERSONAS),
    "/laporan/status-keadaan-konflik/baru/": {"sekretariat"},
    "/laporan/status-keadaan-konflik/{status}/ubah/": {"sekretariat"},
}


class TestNonObjectPages:
    """The personas and one conflict status, made once for the class."""

    @staticmethod
    def build_records():
        records = build.personas()
        records["petugas_unscoped"] = build.petugas_unscoped()
        records["status"] = ConflictStatus.objects.create(
            decree_number="188/45/415.10.1.3/2026",
            scope="Kecamatan Diwek",
            start_date=timezone.localdate(),
            end_date=timezone.localdate(),
        )
        return records

    @pytest.mark.parametrize("persona", PERSONAS)
    @pytest.mark.parametrize("url", list(PAGE_RULES))
    def test_non_object_pages_by_role(self, client, records, persona, url):
        client.force_login(records[persona])
        response = client.get(url.format(status=records["status"].pk))
        assert response.status_code == (200 if persona in PAGE_RULES[url] else 403)


@pytest.mark.parametrize("persona", ["pimpinan", "admin_user"])
def test_non_reporters_cannot_post_a_report(request, client, persona, kecamatan):
    client.force_login(request.getfixturevalue(persona))
    response = client.post("/laporan/baru/", {"title": "Coba", "kecamatan": kecamatan.pk})
    assert response.status_code == 403
    assert not Incident.objects.exists()


@pytest.mark.parametrize("persona", ["petugas", "pimpinan"])
def test_non_secretariat_cannot_post_a_conflict_status(request, client, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(
        "/laporan/status-keadaan-konflik/baru/",
        {
            "decree_number": "188/1/2026",
            "scope": "Seluruh kabupaten",
            "start_date": "2026-01-01",
            "end_date": "2026-01-31",
        },
    )
    assert response.status_code == 403
    assert not ConflictStatus.objects.exists()


def test_desa_options_stay_within_the_officers_kecamatan(
    client, petugas, petugas_unscoped, kecamatan, other_kecamatan, desa
):
    far_desa = RegionFactory(
        code="35.17.05.2003", name="Carangwulung", level="desa", parent=other_kecamatan
    )
    client.force_login(petugas)
    assert "Ceweng" in page_text(client, f"/laporan/pilihan-desa/?kecamatan={kecamatan.pk}")
    other = page_text(client, f"/laporan/pilihan-desa/?kecamatan={other_kecamatan.pk}")
    assert far_desa.name not in other
    assert f'value="{far_desa.pk}"' not in other

    client.force_login(petugas_unscoped)
    assert far_desa.name in page_text(
        client, f"/laporan/pilihan-desa/?kecamatan={other_kecamatan.pk}"
    )


def test_create_form_offers_a_scoped_officer_only_their_kecamatan(
    client, petugas, kecamatan, other_kecamatan, desa
):
    client.force_login(petugas)
    page = page_text(client, "/laporan/baru/")
    assert f'<option value="{kecamatan.pk}" selected>' in page
    assert f'value="{other_kecamatan.pk}"' not in page
    assert "Wonosalam" not in page
    assert f'<option value="{desa.pk}">' in page


# --- restricted reports beyond the roles --------------------------------------------------------


def test_cleared_officer_sees_restricted_reports_of_their_kecamatan_only(
    client, petugas, reporter, kecamatan, other_kecamatan
):
    petugas.cleared_restricted = True
    petugas.save()
    here = IncidentFactory(kecamatan=kecamatan, reported_by=reporter, confidentiality="terbatas")
    there = IncidentFactory(
        kecamatan=other_kecamatan, reported_by=reporter, confidentiality="terbatas"
    )
    client.force_login(petugas)
    assert client.get(f"/laporan/{here.pk}/").status_code == 200
    assert client.get(f"/laporan/{there.pk}/").status_code == 404
    assert listed_references(client) == [here.reference]
    assert csv_references(client) == [here.reference]
    assert xlsx_references(client) == [here.reference]


def test_same_officer_without_clearance_does_not_see_restricted(
    client, petugas, reporter, kecamatan
):
    hidden = IncidentFactory(kecamatan=kecamatan, reported_by=reporter, confidentiality="terbatas")
    client.force_login(petugas)
    assert client.get(f"/laporan/{hidden.pk}/").status_code == 404
    assert listed_references(client) == []


def test_author_of_a_restricted_report_sees_and_may_edit_it(client, petugas, kecamatan):
    mine = IncidentFactory(
        kecamatan=kecamatan, reported_by=petugas, confidentiality="terbatas", status="diajukan"
    )
    evidence = attach_photo(mine, petugas)
    client.force_login(petugas)
    assert client.get(f"/laporan/{mine.pk}/").status_code == 200
    assert client.get(f"/laporan/{mine.pk}/ubah/").status_code == 200
    assert client.get(f"/laporan/bukti/{evidence.pk}/").status_code == 200
    assert list_page(client) == ([mine.reference], "1 laporan")
    assert csv_references(client) == [mine.reference]


def test_restricted_report_of_a_colleague_is_not_shared_with_other_officers(
    client, petugas, kecamatan, roles
):
    colleague = UserFactory(username="petugas-diwek-2", kecamatan=kecamatan, roles=[Role.PETUGAS])
    theirs = IncidentFactory(kecamatan=kecamatan, reported_by=colleague, confidentiality="terbatas")
    client.force_login(petugas)
    assert client.get(f"/laporan/{theirs.pk}/").status_code == 404


# --- drafts -------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["sekretariat", "pimpinan", "petugas_unscoped"])
def test_drafts_of_others_are_invisible_even_to_the_secretariat(
    request, client, petugas, kecamatan, persona
):
    draft = IncidentFactory(kecamatan=kecamatan, reported_by=petugas, status="draft")
    evidence = attach_photo(draft, petugas)
    client.force_login(request.getfixturevalue(persona))
    for url in [
        f"/laporan/{draft.pk}/",
        f"/laporan/{draft.pk}/ubah/",
        f"/laporan/{draft.pk}/tindak-lanjut/",
        f"/laporan/bukti/{evidence.pk}/",
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/laporan/{draft.pk}/status/", {"action": "verify"}).status_code == 404
    assert client.post(f"/laporan/{draft.pk}/ubah/", edit_payload(draft)).status_code == 404
    references, count = list_page(client)
    assert draft.reference not in references
    assert count == "0 laporan"
    assert draft.reference not in csv_references(client)
    assert draft.reference not in xlsx_references(client)
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_author_sees_and_edits_their_own_draft(client, petugas, kecamatan):
    draft = IncidentFactory(kecamatan=kecamatan, reported_by=petugas, status="draft")
    client.force_login(petugas)
    assert client.get(f"/laporan/{draft.pk}/").status_code == 200
    assert client.get(f"/laporan/{draft.pk}/ubah/").status_code == 200
    assert listed_references(client) == [draft.reference]


def test_step_contacts_outside_the_officers_scope_are_not_shown(
    client, petugas, sekretariat, kecamatan, other_kecamatan
):
    incident = IncidentFactory(kecamatan=kecamatan, reported_by=petugas, status="diverifikasi")
    near = ContactFactory(name="Kiai Ceweng", region=kecamatan)
    far = ContactFactory(name="Kiai Wonosalam", region=other_kecamatan)
    step = HandlingStep(
        date=timezone.localdate(),
        stage="pencegahan",
        action_type="mediasi",
        description="Mediasi bersama tokoh agama.",
    )
    services.step_add(incident=incident, step=step, contacts=[near, far], by=sekretariat)
    client.force_login(sekretariat)
    page = page_text(client, f"/laporan/{incident.pk}/")
    assert "Kiai Ceweng" in page
    assert "Kiai Wonosalam" in page
    client.force_login(petugas)
    page = page_text(client, f"/laporan/{incident.pk}/")
    assert "Kiai Ceweng" in page
    assert "Kiai Wonosalam" not in page


# --- counts on the list -------------------------------------------------------------------------


def mixed_reports(reporter, petugas, kecamatan, other_kecamatan):
    """Every combination the visibility rules distinguish."""
    made = []
    for place in (kecamatan, other_kecamatan):
        for confidentiality in ("internal", "terbatas"):
            for status in ("diajukan", "draft"):
                made.append(
                    IncidentFactory(
                        kecamatan=place,
                        reported_by=reporter,
                        confidentiality=confidentiality,
                        status=status,
                    )
                )
    # The scoped officer's own restricted draft and own restricted submitted report.
    made.append(
        IncidentFactory(
            kecamatan=kecamatan, reported_by=petugas, confidentiality="terbatas", status="draft"
        )
    )
    made.append(
        IncidentFactory(
            kecamatan=kecamatan, reported_by=petugas, confidentiality="terbatas", status="diajukan"
        )
    )
    return made


class TestListCounts:
    """The mixed reports and the personas, made once for the class."""

    @staticmethod
    def build_records():
        records = build.personas()
        records["petugas_unscoped"] = build.petugas_unscoped()
        kecamatan = records["kecamatan"]
        records["reports"] = mixed_reports(
            build_reporter(),
            records["petugas"],
            kecamatan,
            build.other_kecamatan(kecamatan.parent),
        )
        return records

    @pytest.mark.parametrize(
        ("persona", "count"),
        [
            # Diwek internal + own restricted draft + own restricted submitted.
            ("petugas", 3),
            # Internal submitted in both kecamatan.
            ("petugas_unscoped", 2),
            # Internal and restricted submitted in both kecamatan, plus the officer's
            # restricted one.
            ("sekretariat", 5),
            ("pimpinan", 5),
            ("admin_user", 2),
        ],
    )
    def test_list_count_and_exports_match_what_the_user_may_see(
        self, client, records, persona, count
    ):
        user = records[persona]
        expected = sorted(i.reference for i in records["reports"] if should_see(user, i))
        assert len(expected) == count  # the rules and the hand count agree
        client.force_login(user)
        references, count_text = list_page(client)
        assert sorted(references) == expected
        assert count_text == f"{count} laporan"
        assert sorted(csv_references(client)) == expected
        assert sorted(xlsx_references(client)) == expected


def test_filters_cannot_widen_what_a_scoped_officer_sees(
    client, petugas, reporter, other_kecamatan
):
    """Asking the list or export for another kecamatan by id gives nothing, not its reports."""
    there = IncidentFactory(kecamatan=other_kecamatan, reported_by=reporter)
    client.force_login(petugas)
    query = f"?kecamatan={other_kecamatan.pk}&q=Ketegangan"
    response = client.get(f"/laporan/{query}")
    assert response.status_code == 200
    assert there.reference not in response.content.decode()
    # Another kecamatan is no choice of theirs: no file, the list says which filter is wrong.
    export = client.get(f"/laporan/ekspor.csv{query}", follow=True)
    assert not export.streaming and there.reference not in export.text
    assert "Ekspor tidak dibuat" in export.text


# --- edit and handling steps along the workflow -------------------------------------------------

STATUSES = ["draft", "diajukan", "ditolak", "diverifikasi", "ditangani", "selesai", "ditutup"]


class TestAlongTheWorkflow:
    """A report of the scoped officer in each status, made once for the class; the officer is
    the author, everybody else is not."""

    @staticmethod
    def build_records():
        records = build.personas()
        records["petugas_unscoped"] = build.petugas_unscoped()
        records["incidents"] = {
            status: IncidentFactory(
                kecamatan=records["kecamatan"],
                reported_by=records["petugas"],
                status=status,
                rejection_reason="Lokasi tidak jelas." if status == "ditolak" else "",
            )
            for status in STATUSES
        }
        return records

    @pytest.mark.parametrize("status", STATUSES)
    @pytest.mark.parametrize("persona", ["petugas", "petugas_unscoped", "sekretariat", "pimpinan"])
    def test_edit_and_step_pages_follow_the_status(self, client, records, status, persona):
        incident = records["incidents"][status]
        user = records[persona]
        client.force_login(user)
        edit = client.get(f"/laporan/{incident.pk}/ubah/").status_code
        step = client.get(f"/laporan/{incident.pk}/tindak-lanjut/").status_code
        assert edit == expected_code("edit_get", user, incident)
        assert step == expected_code("step_get", user, incident)


def test_detail_offers_only_the_buttons_the_user_may_use(client, petugas, sekretariat, kecamatan):
    incident = IncidentFactory(kecamatan=kecamatan, reported_by=petugas, status="diverifikasi")
    edit_link = f'href="/laporan/{incident.pk}/ubah/"'
    client.force_login(petugas)
    page = page_text(client, f"/laporan/{incident.pk}/")
    assert edit_link not in page
    assert 'data-testid="workflow-actions"' not in page
    client.force_login(sekretariat)
    page = page_text(client, f"/laporan/{incident.pk}/")
    assert edit_link in page
    assert 'value="handle"' in page


# --- workflow refusals --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "action", "persona", "message"),
    [
        ("diajukan", "verify", "petugas", "Anda tidak berwenang melakukan tindakan ini."),
        ("diajukan", "verify", "pimpinan", "Anda tidak berwenang melakukan tindakan ini."),
        ("diajukan", "verify", "admin_user", "Anda tidak berwenang melakukan tindakan ini."),
        ("ditolak", "submit", "sekretariat", "Hanya pelapor yang dapat mengajukan laporannya."),
        (
            "diverifikasi",
            "verify",
            "sekretariat",
            "“Verifikasi” tidak tersedia untuk laporan berstatus Diverifikasi",
        ),
        (
            "selesai",
            "handle",
            "sekretariat",
            "“Tandai ditangani” tidak tersedia untuk laporan berstatus Selesai",
        ),
        ("selesai", "close", "pimpinan", "Anda tidak berwenang melakukan tindakan ini."),
    ],
)
def test_refused_transition_keeps_status_and_says_why(
    request, client, reporter, kecamatan, status, action, persona, message
):
    incident = IncidentFactory(
        kecamatan=kecamatan,
        reported_by=reporter,
        status=status,
        rejection_reason="Lokasi tidak jelas." if status == "ditolak" else "",
    )
    client.force_login(request.getfixturevalue(persona))
    response = client.post(f"/laporan/{incident.pk}/status/", {"action": action})
    assert response.status_code == 302
    assert response.url == f"/laporan/{incident.pk}/"
    assert message in page_text(client, response.url)
    incident.refresh_from_db()
    assert incident.status == status
    # Reading the page is logged (personal data); no workflow event is.
    assert (
        not ActivityLog.objects.for_object(incident)
        .filter(action__startswith="incidents.report.")
        .exists()
    )


def test_closing_a_report_asks_for_a_confirmation_first(client, sekretariat, reporter, kecamatan):
    incident = IncidentFactory(kecamatan=kecamatan, reported_by=reporter, status="selesai")
    client.force_login(sekretariat)
    url = f"/laporan/{incident.pk}/status/"
    response = client.post(url, {"action": "close", "version": incident.version})
    assert "Centang pernyataan konfirmasi dulu" in page_text(client, response.url)
    incident.refresh_from_db()
    assert incident.status == "selesai"

    client.post(url, {"action": "close", "version": incident.version, "confirm": "1"})
    incident.refresh_from_db()
    assert incident.status == "ditutup"


def test_secretariat_may_not_verify_its_own_report(client, sekretariat, kecamatan):
    own = IncidentFactory(kecamatan=kecamatan, reported_by=sekretariat, status="diajukan")
    client.force_login(sekretariat)
    response = client.post(f"/laporan/{own.pk}/status/", {"action": "verify"})
    assert response.status_code == 302
    assert "tidak boleh diverifikasi atau ditolak oleh pelapornya sendiri" in page_text(
        client, response.url
    )
    own.refresh_from_db()
    assert own.status == "diajukan"


def test_another_secretariat_member_verifies_it(client, sekretariat, sekretariat2, kecamatan):
    own = IncidentFactory(kecamatan=kecamatan, reported_by=sekretariat, status="diajukan")
    client.force_login(sekretariat2)
    response = client.post(f"/laporan/{own.pk}/status/", {"action": "verify"})
    assert response.status_code == 302
    assert "Status laporan kini: Diverifikasi." in page_text(client, response.url)
    own.refresh_from_db()
    assert own.status == "diverifikasi"
