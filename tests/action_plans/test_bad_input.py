"""Bad input on the action-plan forms, the Excel import and the matrix query string.

Each refusal must be a 400 with a message in Indonesian next to the field concerned (or at the
top of the form when it is about no single field), save nothing, keep what else the user typed,
and never be a 500. Every test starts from a payload that is first proven valid and breaks one
thing.
"""

import html
import io
import re
import zipfile
from datetime import date
from decimal import Decimal
from html import unescape

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from action_plans import services
from action_plans.choices import Pillar, RealisationStatus
from action_plans.forms import MAX_PERIODS
from action_plans.models import (
    ActionPlan,
    Activity,
    Period,
    Realisation,
    RealisationEvidence,
    Target,
)
from core.forms import format_number
from directory.models import Agency
from tests import personas as build
from tests.action_plans.conftest import realisation_log, revisions
from tests.factories import IncidentFactory, jpeg_bytes
from tests.helpers import add_activity, assert_field_error, field_errors

BAD_DATE = "Tanggal tidak valid; gunakan format HH/BB/TTTT."
pytestmark = pytest.mark.django_db

NARRATIVE = "Rapat koordinasi deteksi dini terlaksana di pendopo kabupaten."
OBSTACLES = "Sebagian undangan terlambat diterima kecamatan."
TITLE = "Sosialisasi pencegahan konflik di sekolah"
INDICATOR = "Sosialisasi terlaksana"
NOT_EXCEL = "Berkas bukan Excel (.xlsx) yang valid."
MIN_ZERO = "Angka tidak boleh negatif."
NOT_A_NUMBER = "Tulis angka saja, misalnya 1.500 atau 2,5."
NEGATIVE_RUPIAH = "Jumlah rupiah tidak boleh negatif."


# --- reading the re-rendered page ---------------------------------------------------------------


def import_problems(response) -> list[str]:
    """The rejected import's problem list, one entry per line of the list."""
    html = response.content.decode()
    start = html.index('data-testid="import-problems"')
    section = html[start : html.index("</div>", start)]
    return [" ".join(unescape(item).split()) for item in re.findall(r"<li>(.*?)</li>", section)]


def stored_files(media_root) -> list:
    return [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []


# --- the realisation form -----------------------------------------------------------------------


@pytest.fixture
def as_operator(client, operator):
    client.force_login(operator)
    return client


@pytest.fixture
def activity(established):
    """Activity 1.1 of the established 2024 plan: Dinsos, budget Rp 10.000.000."""
    return established.activities.get(code="1.1")


def realisation_url(activity, period="B04"):
    return f"/rat/kegiatan/{activity.pk}/realisasi/{period}/"


def report(**changes):
    data = {
        "achieved_value": "1,5",
        "narrative": NARRATIVE,
        "budget_spent": "2500000",
        "obstacles": OBSTACLES,
        "follow_up": "",
        "submit": "1",
    }
    data.update(changes)
    return data


def assert_no_realisation(media_root):
    assert Realisation.objects.count() == 0
    assert not realisation_log().exists()
    assert RealisationEvidence.objects.count() == 0
    assert stored_files(media_root) == []


def assert_report_kept(response, *, broken=()):
    html = response.content.decode()
    if "narrative" not in broken:
        assert NARRATIVE in html
    if "obstacles" not in broken:
        assert OBSTACLES in html
    if "achieved_value" not in broken:
        assert 'value="1,5"' in html


def test_valid_report_is_saved_with_its_evidence(as_operator, activity, operator):
    photo = SimpleUploadedFile("rapat.jpg", jpeg_bytes(), content_type="image/jpeg")
    response = as_operator.post(realisation_url(activity), report(files=[photo]))
    assert response.status_code == 302
    realisation = Realisation.objects.get()
    assert realisation.achieved_value == Decimal("1.5")
    assert realisation.budget_spent == 2_500_000
    assert realisation.status == RealisationStatus.DISERAHKAN
    assert realisation.submitted_by == operator
    assert realisation.evidence.get().original_name == "rapat.jpg"


@pytest.mark.parametrize("method", ["get", "post"])
def test_period_the_plan_does_not_have_is_a_404(as_operator, activity, method, fast_and_isolated):
    response = getattr(as_operator, method)(realisation_url(activity, "B99"), report())
    assert response.status_code == 404
    assert_no_realisation(fast_and_isolated)


@pytest.mark.parametrize("method", ["get", "post"])
def test_period_of_another_plan_is_a_404(
    as_operator, activity, sekretariat, method, fast_and_isolated
):
    other = services.plan_create(year=2025, scheme="triwulan", by=sekretariat)
    assert other.periods.filter(code="TW1").exists()
    response = getattr(as_operator, method)(realisation_url(activity, "TW1"), report())
    assert response.status_code == 404
    assert_no_realisation(fast_and_isolated)


def test_period_not_started_yet_is_refused(as_operator, sekretariat, dinsos, fast_and_isolated):
    future = services.plan_create(year=2099, scheme="caturwulan", by=sekretariat)
    later = add_activity(future, sekretariat, code="1.1", agency=dinsos)
    services.plan_establish(
        plan=future, by=sekretariat, decree_reference="SK 188/2099", decree_date=date(2099, 1, 2)
    )
    response = as_operator.post(realisation_url(later, "B12"), report())
    assert_field_error(response, None, "Periode B12 belum dimulai.")
    assert_report_kept(response)
    assert_no_realisation(fast_and_isolated)


BAD_REPORTS = [
    # id, changes, field, message shown under the field
    ("negative-achieved", {"achieved_value": "-1"}, "achieved_value", MIN_ZERO),
    ("achieved-in-words", {"achieved_value": "dua"}, "achieved_value", NOT_A_NUMBER),
    ("achieved-nan", {"achieved_value": "NaN"}, "achieved_value", NOT_A_NUMBER),
    ("negative-spent", {"budget_spent": "-500000"}, "budget_spent", NEGATIVE_RUPIAH),
    (
        "spent-over-budget",
        {"budget_spent": "10000001"},
        "budget_spent",
        "Realisasi anggaran melebihi pagu kegiatan (Rp 10.000.000).",
    ),
    (
        "spent-beyond-integer",
        {"budget_spent": "99999999999999999999999"},
        "budget_spent",
        "Jumlah rupiah terlalu besar.",
    ),
    (
        "huge-narrative",
        {"narrative": "N" * 10001},
        "narrative",
        "Pastikan nilai ini mengandung paling banyak 10000 karakter (sekarang 10001 karakter).",
    ),
    ("empty-narrative", {"narrative": "   "}, "narrative", "Bidang ini tidak boleh kosong."),
    (
        "html-named-pdf",
        {
            "files": [
                SimpleUploadedFile("laporan.pdf", b"<html><body>hai</body></html>", "text/html")
            ]
        },
        "files",
        "Isi berkas laporan.pdf tidak sesuai dengan jenisnya (.pdf). Unggah berkas asli.",
    ),
    (
        "oversized-file",
        {
            "files": [
                SimpleUploadedFile(
                    "foto-besar.jpg", b"\xff\xd8\xff" + b"\0" * (10 * 1024 * 1024), "image/jpeg"
                )
            ]
        },
        "files",
        "Berkas foto-besar.jpg terlalu besar",
    ),
    (
        "program-file",
        {"files": [SimpleUploadedFile("bukti.exe", b"MZ\x90\x00", "application/octet-stream")]},
        "files",
        "Jenis berkas bukti.exe tidak diterima. Gunakan JPEG, PNG, PDF, DOCX, XLSX.",
    ),
]


class OnTheEstablishedPlan:
    """The established plan of tests/personas.py, made once for each test class
    (tests/conftest.py `shared`)."""

    build_records = staticmethod(build.established_plan)

    @pytest.fixture
    def established(self, records):
        return records["established"]


class TestBadReport(OnTheEstablishedPlan):
    @pytest.fixture
    def as_operator(self, client, records):
        client.force_login(records["operator"])
        return client

    @pytest.fixture
    def activity(self, established):
        return established.activities.get(code="1.1")

    @pytest.mark.parametrize(
        ("changes", "field", "message"),
        [case[1:] for case in BAD_REPORTS],
        ids=[case[0] for case in BAD_REPORTS],
    )
    def test_bad_report_is_refused_next_to_the_field(
        self, as_operator, activity, changes, field, message, fast_and_isolated
    ):
        for upload in changes.get("files", []):
            upload.seek(0)  # the parametrized file objects are shared between runs
        response = as_operator.post(realisation_url(activity), report(**changes))
        assert_field_error(response, field, message)
        assert_report_kept(response, broken={field})
        assert_no_realisation(fast_and_isolated)


def test_good_file_is_not_stored_when_another_is_refused(as_operator, activity, fast_and_isolated):
    files = [
        SimpleUploadedFile("rapat.jpg", jpeg_bytes(), "image/jpeg"),
        SimpleUploadedFile("daftar-hadir.pdf", b"<script>alert(1)</script>", "application/pdf"),
    ]
    response = as_operator.post(realisation_url(activity), report(files=files))
    assert_field_error(response, "files", "Isi berkas daftar-hadir.pdf tidak sesuai")
    assert_no_realisation(fast_and_isolated)


def test_too_many_files_at_once(as_operator, activity, fast_and_isolated):
    files = [SimpleUploadedFile(f"foto-{i}.jpg", jpeg_bytes(), "image/jpeg") for i in range(11)]
    response = as_operator.post(realisation_url(activity), report(files=files))
    assert_field_error(response, "files", "Paling banyak 10 berkas sekali simpan.")
    assert_no_realisation(fast_and_isolated)


def test_spending_is_capped_over_all_periods(as_operator, activity, operator):
    """B04 already spent Rp 6.000.000 of the Rp 10.000.000; B08 may not spend 5.000.000."""
    first = Realisation(
        activity=activity,
        period=activity.plan.periods.get(code="B04"),
        achieved_value=Decimal(1),
        narrative=NARRATIVE,
        budget_spent=6_000_000,
    )
    services.realisation_save(realisation=first, by=operator, submit=True)
    response = as_operator.post(realisation_url(activity, "B08"), report(budget_spent="5000000"))
    assert_field_error(response, "budget_spent", "melebihi pagu kegiatan (Rp 10.000.000)")
    assert Realisation.objects.count() == 1
    response = as_operator.post(realisation_url(activity, "B08"), report(budget_spent="4000000"))
    assert response.status_code == 302
    assert Realisation.objects.count() == 2


# --- the activity form --------------------------------------------------------------------------


@pytest.fixture
def as_planner(client, sekretariat):
    client.force_login(sekretariat)
    return client


@pytest.fixture
def draft_plan(plan, sekretariat, dinsos, polres):
    add_activity(plan, sekretariat, code="1.1", agency=dinsos)
    add_activity(plan, sekretariat, code="2.1", agency=polres, stage="penghentian")
    return plan


def new_activity(agency, **changes):
    data = {
        "code": "4.1",
        "stage": "pencegahan",
        "pillars": ["kolaborasi", "komunikasi"],
        "title": TITLE,
        "responsible_agency": agency.pk,
        "supporting_agencies": [],
        "indicator": INDICATOR,
        "unit": "kali",
        "budget": "5000000",
        "budget_source": "apbd",
        "location": "",
        "target_B04": "1",
        "target_B08": "2",
        "target_B12": "",
    }
    data.update(changes)
    return data


def edit_activity(activity, **changes):
    """The edit form as the browser posts it back: the checkboxes in the order of the choices."""
    targets = {t.period.code: t.value for t in activity.targets.select_related("period")}
    data = {
        "code": activity.code,
        "stage": activity.stage,
        "pillars": [p for p in Pillar.values if p in activity.pillars],
        "title": activity.title,
        "responsible_agency": activity.responsible_agency_id,
        "supporting_agencies": [a.pk for a in activity.supporting_agencies.all()],
        "indicator": activity.indicator,
        "unit": activity.unit,
        "budget": activity.budget,
        "budget_source": activity.budget_source,
        "location": activity.location_id or "",
        **{f"target_{code}": format_number(value) for code, value in targets.items()},
    }
    data.update(changes)
    return data


def targets_of(activity) -> dict:
    return {
        t.period.code: t.value.normalize()
        for t in Target.objects.filter(activity=activity).select_related("period")
    }


def test_valid_new_activity_is_saved_with_its_targets(as_planner, draft_plan, dinsos):
    response = as_planner.post("/rat/2024/kegiatan/baru/", new_activity(dinsos))
    assert response.status_code == 302
    created = Activity.objects.get(code="4.1")
    assert created.plan == draft_plan
    assert created.pillars == ["kolaborasi", "komunikasi"]
    assert targets_of(created) == {"B04": 1, "B08": 2}


BAD_ACTIVITIES = [
    # id, changes, field, message
    ("negative-budget", {"budget": "-1000"}, "budget", NEGATIVE_RUPIAH),
    (
        "budget-in-words",
        {"budget": "lima juta"},
        "budget",
        "Tulis jumlah rupiah dengan angka saja, misalnya 1.500.000 (bukan “1,5 juta”).",
    ),
    ("negative-target", {"target_B08": "-2"}, "target_B08", MIN_ZERO),
    ("target-in-words", {"target_B04": "satu"}, "target_B04", NOT_A_NUMBER),
    (
        "target-three-decimals",
        {"target_B04": "1,2555"},  # not "1,255": that one reads as 1255 too, refused as such
        "target_B04",
        "Paling banyak 2 angka di belakang koma.",
    ),
    ("duplicate-code", {"code": "2.1"}, "code", "Kode kegiatan sudah dipakai di rencana ini."),
    ("empty-code", {"code": "  "}, "code", "Bidang ini tidak boleh kosong."),
    ("empty-indicator", {"indicator": ""}, "indicator", "Bidang ini tidak boleh kosong."),
    (
        "stage-not-offered",
        {"stage": "persiapan"},
        "stage",
        "Masukkan pilihan yang valid. persiapan bukan salah satu dari pilihan yang tersedia.",
    ),
    (
        "pillar-not-offered",
        {"pillars": ["kolaborasi", "kekuatan"]},
        "pillars",
        "Masukkan pilihan yang valid. kekuatan bukan salah satu dari pilihan yang tersedia.",
    ),
    (
        "responsible-also-supporting",
        {"supporting_agencies": ["__responsible__"]},
        "supporting_agencies",
        "Penanggung jawab tidak perlu dicantumkan lagi sebagai pendukung.",
    ),
]


class TestBadActivity:
    """The draft plan of tests/personas.py, made once for the class (tests/conftest.py
    `shared`)."""

    build_records = staticmethod(build.draft_plan)

    @pytest.fixture
    def as_planner(self, client, records):
        client.force_login(records["sekretariat"])
        return client

    @pytest.fixture
    def draft_plan(self, records):
        return records["draft_plan"]

    @pytest.fixture
    def dinsos(self, records):
        return records["dinsos"]

    @pytest.mark.parametrize(
        ("changes", "field", "message"),
        [case[1:] for case in BAD_ACTIVITIES],
        ids=[case[0] for case in BAD_ACTIVITIES],
    )
    def test_bad_activity_is_refused_next_to_the_field(
        self, as_planner, draft_plan, dinsos, changes, field, message
    ):
        if changes.get("supporting_agencies") == ["__responsible__"]:
            changes = {"supporting_agencies": [dinsos.pk]}
        response = as_planner.post("/rat/2024/kegiatan/baru/", new_activity(dinsos, **changes))
        assert_field_error(response, field, message)
        assert sorted(Activity.objects.values_list("code", flat=True)) == ["1.1", "2.1"]
        assert Target.objects.count() == 6
        html = response.content.decode()
        assert f'value="{TITLE}"' in html
        if field != "indicator":
            assert f'value="{INDICATOR}"' in html


def test_changing_a_code_to_one_already_used_is_refused(as_planner, draft_plan):
    second = draft_plan.activities.get(code="2.1")
    response = as_planner.post(
        f"/rat/2024/kegiatan/{second.pk}/ubah/", edit_activity(second, code="1.1")
    )
    assert_field_error(response, "code", "Kode kegiatan sudah dipakai di rencana ini.")
    second.refresh_from_db()
    assert second.code == "2.1"


def test_an_agency_deactivated_since_it_was_linked_stays_linked_on_an_unrelated_edit(
    as_planner, draft_plan, dinsos, polres
):
    # Inactive agencies are not offered: the page left them out, so the browser sent the
    # supporting one no more (dropped without a word) and the responsible one as a bad choice.
    activity = draft_plan.activities.get(code="1.1")
    activity.supporting_agencies.set([polres])
    Agency.objects.filter(pk__in=[dinsos.pk, polres.pk]).update(active=False)
    url = f"/rat/2024/kegiatan/{activity.pk}/ubah/"
    page = as_planner.get(url).content.decode()
    for agency in (dinsos, polres):
        assert re.search(rf'<option value="{agency.pk}"[^>]* selected', page), agency

    response = as_planner.post(url, edit_activity(activity, title="Judul diperbaiki"))

    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "Judul diperbaiki" and activity.responsible_agency == dinsos
    assert list(activity.supporting_agencies.all()) == [polres]
    # Still not offered for a new activity.
    new_page = as_planner.get("/rat/2024/kegiatan/baru/").content.decode()
    assert f'<option value="{polres.pk}"' not in new_page


def opened_field(page: str) -> str:
    return html.unescape(re.search(r'name="opened" value="([^"]*)"', page).group(1))


def test_an_edit_made_meanwhile_is_not_undone_by_a_form_opened_before_it(
    client, draft_plan, sekretariat
):
    # Two planners open the same activity; the first raises a target, the second fixes the
    # title. The second form sent back the old target whole and undid the first change.
    activity = draft_plan.activities.get(code="1.1")
    url = f"/rat/2024/kegiatan/{activity.pk}/ubah/"
    client.force_login(sekretariat)
    first = opened_field(client.get(url).content.decode())
    second = opened_field(client.get(url).content.decode())
    raised = edit_activity(activity, target_B04="8", opened=first)
    assert client.post(url, raised).status_code == 302

    retitled = edit_activity(activity, title="Judul diperbaiki", opened=second)
    response = client.post(url, retitled)

    assert response.status_code == 400
    page = " ".join(html.unescape(response.content.decode()).split())
    assert "Kegiatan ini diubah orang lain sejak Anda membukanya: target B04: 1 → 8." in page
    assert 'value="Judul diperbaiki"' in page  # what this planner typed is still there
    activity.refresh_from_db()
    assert activity.title == "Kegiatan 1.1" and targets_of(activity)["B04"] == 8
    # Sent again from the page that said so, it saves, knowingly.
    again = {**retitled, "opened": opened_field(response.content.decode()), "target_B04": "8"}
    assert client.post(url, again).status_code == 302
    activity.refresh_from_db()
    assert activity.title == "Judul diperbaiki" and targets_of(activity)["B04"] == 8


def test_a_report_linked_meanwhile_is_not_unlinked_by_a_form_opened_before_it(
    client, draft_plan, sekretariat, kecamatan
):
    activity = draft_plan.activities.get(code="1.1")
    report = IncidentFactory(kecamatan=kecamatan, status="diverifikasi")
    url = f"/rat/2024/kegiatan/{activity.pk}/ubah/"
    client.force_login(sekretariat)
    first = opened_field(client.get(url).content.decode())
    second = opened_field(client.get(url).content.decode())
    linked = edit_activity(activity, incidents=[report.pk], opened=first)
    assert client.post(url, linked).status_code == 302
    assert list(activity.incidents.all()) == [report]

    response = client.post(url, edit_activity(activity, title="Judul baru", opened=second))

    assert response.status_code == 400
    page = " ".join(html.unescape(response.content.decode()).split())
    assert f"laporan terkait: — → {report.reference}" in page
    assert list(activity.incidents.all()) == [report]


def test_target_edit_on_an_established_plan_needs_a_reason(as_planner, established):
    activity = established.activities.get(code="1.1")
    url = f"/rat/2024/kegiatan/{activity.pk}/ubah/"
    response = as_planner.post(url, edit_activity(activity, target_B04="5", reason="  "))
    assert_field_error(response, "reason", "Rencana sudah ditetapkan: tuliskan alasan perubahan.")
    assert 'name="target_B04"' in response.content.decode()
    assert re.search(r'name="target_B04" value="5"', response.content.decode())
    assert targets_of(activity) == {"B04": 1, "B08": 1, "B12": 2}
    assert not revisions().exists()


def test_target_edit_with_a_reason_is_recorded_as_a_revision(as_planner, established, sekretariat):
    activity = established.activities.get(code="1.1")
    response = as_planner.post(
        f"/rat/2024/kegiatan/{activity.pk}/ubah/",
        edit_activity(activity, target_B04="5", reason="Hasil rapat evaluasi triwulan."),
    )
    assert response.status_code == 302
    assert targets_of(activity) == {"B04": 5, "B08": 1, "B12": 2}
    revision = revisions().get()
    assert revision.object_id == str(established.pk)
    assert revision.actor == sekretariat
    assert revision.data["reason"] == "Hasil rapat evaluasi triwulan."
    assert revision.data["changes"] == [
        {"item": "1.1", "field": "target B04", "old": "1", "new": "5"}
    ]
    matrix = as_planner.get("/rat/2024/").content.decode()
    assert "Hasil rapat evaluasi triwulan." in matrix
    assert "1.1 · target B04: 1 → 5" in " ".join(matrix.split())


def test_saving_an_unchanged_activity_needs_no_reason(as_planner, established):
    activity = established.activities.get(code="1.1")
    response = as_planner.post(f"/rat/2024/kegiatan/{activity.pk}/ubah/", edit_activity(activity))
    assert response.status_code == 302
    assert not revisions().exists()


def test_saving_an_unchanged_activity_with_two_pillars_needs_no_reason(as_planner, established):
    activity = established.activities.get(code="3.1")
    response = as_planner.post(f"/rat/2024/kegiatan/{activity.pk}/ubah/", edit_activity(activity))
    assert response.status_code == 302
    assert not revisions().exists()


def test_revision_records_only_what_changed(as_planner, established):
    activity = established.activities.get(code="3.1")
    response = as_planner.post(
        f"/rat/2024/kegiatan/{activity.pk}/ubah/",
        edit_activity(activity, target_B12="3", reason="Tambah sesi pemulihan."),
    )
    assert response.status_code == 302
    assert revisions().get().data["changes"] == [
        {"item": "3.1", "field": "target B12", "old": "2", "new": "3"}
    ]


@pytest.mark.parametrize("what", ["edit", "new"])
def test_nothing_changes_on_a_closed_plan(as_planner, established, sekretariat, dinsos, what):
    services.plan_close(plan=established, by=sekretariat)
    activity = established.activities.get(code="1.1")
    if what == "edit":
        url = f"/rat/2024/kegiatan/{activity.pk}/ubah/"
        data = edit_activity(activity, title="Judul baru", target_B04="9", reason="Koreksi.")
    else:
        url = "/rat/2024/kegiatan/baru/"
        data = new_activity(dinsos, reason="Kegiatan tambahan.")
    response = as_planner.post(url, data)
    assert_field_error(response, None, "Rencana sudah ditutup dan tidak dapat diubah lagi.")
    activity.refresh_from_db()
    assert activity.title == "Kegiatan 1.1"
    assert targets_of(activity) == {"B04": 1, "B08": 1, "B12": 2}
    assert Activity.objects.count() == 3
    assert not revisions().exists()


# --- the period form ----------------------------------------------------------------------------


def periods_form(plan, **changes):
    periods = list(plan.periods.all())
    data = {
        "form-TOTAL_FORMS": len(periods),
        "form-INITIAL_FORMS": len(periods),
        "form-MIN_NUM_FORMS": 0,
        "form-MAX_NUM_FORMS": 1000,
    }
    for index, period in enumerate(periods):
        data.update(
            {
                f"form-{index}-id": period.pk,
                f"form-{index}-name": period.name,
                f"form-{index}-start_date": period.start_date.isoformat(),
                f"form-{index}-end_date": period.end_date.isoformat(),
                f"form-{index}-due_date": period.due_date.isoformat(),
            }
        )
    data.update(changes)
    return data


def period_dates(plan) -> list:
    return list(plan.periods.values_list("code", "start_date", "end_date", "due_date"))


BAD_PERIODS = [
    (
        "due-before-end",
        {"form-0-due_date": "2024-04-15"},
        "due_date",
        "Batas laporan tidak boleh sebelum periode berakhir.",
    ),
    (
        "start-in-another-year",
        {"form-0-start_date": "2023-12-01"},
        "start_date",
        "Tanggal harus di tahun 2024.",
    ),
    (
        "end-in-another-year",
        {"form-2-end_date": "2025-01-31", "form-2-due_date": "2025-02-10"},
        "end_date",
        "Tanggal harus di tahun 2024.",
    ),
    (
        "end-before-start",
        {"form-1-end_date": "2024-04-30"},
        "end_date",
        "Periode tidak boleh berakhir sebelum dimulai.",
    ),
    (
        "not-a-date",
        {"form-1-due_date": "31/13/2024"},
        "due_date",
        "Tanggal tidak valid; gunakan format HH/BB/TTTT.",
    ),
]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [case[1:] for case in BAD_PERIODS],
    ids=[case[0] for case in BAD_PERIODS],
)
def test_bad_period_is_refused_next_to_the_field(as_planner, plan, changes, field, message):
    before = period_dates(plan)
    response = as_planner.post("/rat/2024/periode/", periods_form(plan, **changes))
    assert_field_error(response, field, message)
    assert period_dates(plan) == before
    typed = next(iter(changes.values()))
    assert f'value="{typed}"' in response.content.decode()


def test_period_change_on_an_established_plan_needs_a_reason(as_planner, established):
    before = period_dates(established)
    data = periods_form(established, **{"form-0-due_date": "2024-05-31"})
    response = as_planner.post("/rat/2024/periode/", data)
    assert_field_error(response, None, "Rencana sudah ditetapkan: tuliskan alasan perubahan.")
    assert 'value="2024-05-31"' in response.content.decode()
    assert period_dates(established) == before
    assert not revisions().exists()

    data["reason"] = "Perpanjangan batas sesuai surat edaran."
    response = as_planner.post("/rat/2024/periode/", data)
    assert response.status_code == 302
    assert Period.objects.get(plan=established, code="B04").due_date.isoformat() == "2024-05-31"
    revision = revisions().get()
    assert revision.data["reason"] == "Perpanjangan batas sesuai surat edaran."
    assert revision.data["changes"] == [
        {
            "item": "B04",
            "field": "batas laporan realisasi",
            "old": "10 Mei 2024",
            "new": "31 Mei 2024",
        }
    ]


def test_period_change_on_a_closed_plan_is_refused(as_planner, established, sekretariat):
    services.plan_close(plan=established, by=sekretariat)
    before = period_dates(established)
    data = periods_form(established, reason="Koreksi.", **{"form-0-due_date": "2024-05-31"})
    response = as_planner.post("/rat/2024/periode/", data)
    assert_field_error(response, None, "Rencana sudah ditutup dan tidak dapat diubah lagi.")
    assert period_dates(established) == before


# --- a new plan ---------------------------------------------------------------------------------

BAD_PLANS = [
    ("duplicate-year", {"year": "2024"}, "year", "Rencana aksi untuk tahun ini sudah ada."),
    (
        "year-1999",
        {"year": "1999"},
        "year",
        "Pastikan nilai ini lebih besar dari atau sama dengan 2012.",
    ),
    (
        "year-3000",
        {"year": "3000"},
        "year",
        "Pastikan nilai ini lebih kecil dari atau sama dengan 2100.",
    ),
    ("year-in-words", {"year": "dua ribu"}, "year", "Masukkan keseluruhan angka bilangan."),
    (
        "scheme-not-offered",
        {"period_scheme": "bulanan"},
        "period_scheme",
        "Masukkan pilihan yang valid. bulanan bukan salah satu dari pilihan yang tersedia.",
    ),
]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [case[1:] for case in BAD_PLANS],
    ids=[case[0] for case in BAD_PLANS],
)
def test_bad_plan_is_refused_next_to_the_field(as_planner, plan, changes, field, message):
    data = {"year": "2026", "period_scheme": "caturwulan", "decree_reference": "SK 188/1/2026"}
    data.update(changes)
    response = as_planner.post("/rat/baru/", data)
    assert_field_error(response, field, message)
    assert list(ActionPlan.objects.values_list("year", flat=True)) == [2024]
    assert Period.objects.count() == 3
    assert 'value="SK 188/1/2026"' in response.content.decode()


def test_valid_plan_is_created_with_its_periods(as_planner, plan):
    data = {"year": "2026", "period_scheme": "triwulan", "decree_reference": ""}
    response = as_planner.post("/rat/baru/", data)
    assert response.status_code == 302
    assert response.url == "/rat/2026/"
    created = ActionPlan.objects.get(year=2026)
    assert list(created.periods.values_list("code", flat=True)) == ["TW1", "TW2", "TW3", "TW4"]


# --- the Excel import ---------------------------------------------------------------------------

COLUMNS = [
    "kode", "tahap", "pilar", "kegiatan", "penanggung_jawab", "pendukung", "indikator", "satuan",
    "anggaran", "sumber_anggaran", "kecamatan", "target_B04", "target_B08", "target_B12",
]  # fmt: skip


def row(code, **values):
    """A good import row; `values` replaces columns by name."""
    data = {
        "kode": code,
        "tahap": "pencegahan",
        "pilar": "kolaborasi",
        "kegiatan": f"Kegiatan impor {code}",
        "penanggung_jawab": "Dinsos",
        "pendukung": "",
        "indikator": "Rapat terlaksana",
        "satuan": "kali",
        "anggaran": 1_000_000,
        "sumber_anggaran": "APBD",
        "kecamatan": "",
        "target_B04": 1,
        "target_B08": 1,
        "target_B12": 1,
    }
    data.update(values)
    return [data.get(column) for column in COLUMNS]


def workbook(rows, header=COLUMNS) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for line in rows:
        sheet.append(line)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name="rat-2024.xlsx"):
    return SimpleUploadedFile(name, content)


def zipped(parts: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def with_part(content: bytes, part: str, replace) -> bytes:
    """An xlsx with one of its inner files replaced by `replace(original)`."""
    source = zipfile.ZipFile(io.BytesIO(content))
    return zipped(
        {
            name: replace(source.read(name)) if name == part else source.read(name)
            for name in source.namelist()
        }
    )


@pytest.fixture
def importing(as_planner, plan, dinsos, polres, kecamatan):
    """Posts a file to the import of the draft 2024 plan."""

    def post(content: bytes, name="rat-2024.xlsx"):
        return as_planner.post("/rat/2024/impor/", {"file": upload(content, name)})

    return post


def test_good_file_imports_every_row_with_targets(importing, as_planner, plan, dinsos, polres):
    rows = [
        row(
            "1.1",
            pilar="Kolaborasi lintas sektor, komunikasi",
            penanggung_jawab="Dinas Sosial",
            pendukung="Polres Jombang",
            anggaran=15_000_000,
            sumber_anggaran="apbn",
            kecamatan="Diwek",
            target_B12=None,
        ),
        [None] * len(COLUMNS),  # a blank line is ignored
        row(
            "2.1",
            tahap="Penghentian",
            pilar="",
            penanggung_jawab="kepolisian resor jombang",
            pendukung="Dinsos",
            anggaran=None,
            sumber_anggaran=None,
            target_B04=0.5,
        ),
    ]
    response = importing(workbook(rows))
    assert response.status_code == 302
    assert response.url == "/rat/2024/"
    assert "2 kegiatan diimpor." in as_planner.get(response.url).content.decode()

    first = Activity.objects.get(plan=plan, code="1.1")
    assert first.title == "Kegiatan impor 1.1"
    assert first.stage == "pencegahan"
    assert first.pillars == ["kolaborasi", "komunikasi"]
    assert first.responsible_agency == dinsos
    assert list(first.supporting_agencies.all()) == [polres]
    assert (first.budget, first.budget_source) == (15_000_000, "apbn")
    assert first.location.name == "Diwek"
    assert targets_of(first) == {"B04": 1, "B08": 1}

    second = Activity.objects.get(plan=plan, code="2.1")
    assert second.stage == "penghentian"
    assert second.responsible_agency == polres
    assert list(second.supporting_agencies.all()) == [dinsos]
    assert (second.budget, second.budget_source) == (0, "apbd")
    assert targets_of(second) == {"B04": Decimal("0.5"), "B08": 1, "B12": 1}


def test_mixed_file_lists_every_bad_row_and_imports_nothing(importing, plan, sekretariat, dinsos):
    add_activity(plan, sekretariat, code="9.9", agency=dinsos)
    rows = [
        row("1.1"),  # line 2: good
        row("1.2", penanggung_jawab="Dinas Entah"),  # 3
        row("1.3"),  # 4: good
        [None] * len(COLUMNS),  # 5: blank
        row("9.9"),  # 6: already in the plan
        row("1.1"),  # 7: same as line 2
        row("1.4", indikator="", target_B04=-1),  # 8
        row("1.5", tahap="persiapan", anggaran="lima juta"),  # 9
        row("1.6", kecamatan="Atlantis", pendukung="Dinsos; Ormas Fiktif"),  # 10
    ]
    response = importing(workbook(rows))
    assert response.status_code == 400
    problems = import_problems(response)
    assert [problem.split(":")[0] for problem in problems] == [
        "Baris 3",
        "Baris 6",
        "Baris 7",
        "Baris 8",
        "Baris 9",
        "Baris 10",
    ]
    assert "kolom “Penanggung jawab”: instansi “Dinas Entah” tidak ditemukan" in problems[0]
    assert "kolom “Kode”: 9.9 sudah ada di rencana" in problems[1]
    assert "kolom “Kode”: 1.1 sama dengan baris 2" in problems[2]
    assert "kolom “Indikator keberhasilan” wajib diisi" in problems[3]
    assert "kolom “Target B04” tidak boleh negatif" in problems[3]
    assert "kolom “Tahap”: “persiapan” tidak dikenal (lihat lembar Pilihan)" in problems[4]
    assert "kolom “Anggaran (Rp)” harus berupa angka" in problems[4]
    assert "kolom “Kecamatan”: “Atlantis” tidak dikenal" in problems[5]
    assert "kolom “Instansi pendukung”: instansi “Ormas Fiktif” tidak ditemukan" in problems[5]
    assert "Berkas ditolak: tidak ada kegiatan yang diimpor." in response.content.decode()
    assert list(Activity.objects.values_list("code", flat=True)) == ["9.9"]
    assert Target.objects.count() == 3


def good_xlsx() -> bytes:
    return workbook([row("1.1")])


NOT_EXCEL_FILES = {
    "html-named-xlsx": lambda: b"<!doctype html><html><body>RAT 2024</body></html>",
    "random-zip": lambda: zipped({"catatan.txt": "bukan excel"}),
    "docx-named-xlsx": lambda: zipped(
        {"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"}
    ),
    "truncated-xlsx": lambda: good_xlsx()[:2000],
    "zip-signature-only": lambda: b"PK\x03\x04" + b"\0" * 64,
}


@pytest.mark.parametrize("content", NOT_EXCEL_FILES.values(), ids=NOT_EXCEL_FILES.keys())
def test_file_that_is_no_excel_workbook(importing, content):
    response = importing(content())
    assert response.status_code == 400
    assert any(NOT_EXCEL in problem for problem in import_problems(response))
    assert not Activity.objects.exists()


BROKEN_XLSX = {
    "content-types-not-xml": lambda: with_part(
        good_xlsx(), "[Content_Types].xml", lambda original: b"garbage<"
    ),
    "sheet-cut-short": lambda: with_part(
        good_xlsx(), "xl/worksheets/sheet1.xml", lambda original: original[: len(original) // 2]
    ),
}


@pytest.mark.parametrize("content", BROKEN_XLSX.values(), ids=BROKEN_XLSX.keys())
def test_damaged_excel_file_is_refused_with_a_message(importing, content):
    response = importing(content())
    assert response.status_code == 400
    assert any(NOT_EXCEL in problem for problem in import_problems(response))
    assert not Activity.objects.exists()


def test_empty_upload_is_refused_next_to_the_field(importing):
    response = importing(b"")
    assert_field_error(response, "file", "Berkas yang dikirimkan kosong.")
    assert not Activity.objects.exists()


def test_missing_file_is_refused_next_to_the_field(as_planner, plan):
    response = as_planner.post("/rat/2024/impor/", {})
    assert_field_error(response, "file", "Bidang ini tidak boleh kosong.")


@pytest.mark.parametrize(
    ("header", "rows", "message"),
    [
        (
            [c for c in COLUMNS if c not in ("tahap", "satuan")],
            [["1.1"]],
            "Kolom wajib tidak ada di baris 1: Tahap, Satuan.",
        ),
        (
            [*COLUMNS, "target_B99"],
            [[*row("1.1"), 3]],
            "Kolom “target_B99” tidak sesuai periode rencana (B04, B08, B12).",
        ),
        (COLUMNS, [], "Tidak ada baris kegiatan di berkas."),
        ([], [], "Berkas kosong."),
    ],
    ids=["missing-columns", "target-b99", "header-only", "empty-sheet"],
)
def test_bad_file_layout(importing, header, rows, message):
    response = importing(workbook(rows, header=header) if header else workbook([], header=[]))
    assert response.status_code == 400
    assert message in import_problems(response)
    assert not Activity.objects.exists()


def test_duplicate_codes_within_the_file(importing):
    response = importing(workbook([row("1.1"), row("1.2"), row("1.1"), row("1.2")]))
    assert response.status_code == 400
    assert import_problems(response) == [
        "Baris 4: kolom “Kode”: 1.1 sama dengan baris 2.",
        "Baris 5: kolom “Kode”: 1.2 sama dengan baris 3.",
    ]
    assert not Activity.objects.exists()


def test_unknown_agency(importing):
    response = importing(workbook([row("1.1", penanggung_jawab="Dinas Perikanan")]))
    assert response.status_code == 400
    assert import_problems(response) == [
        "Baris 2: kolom “Penanggung jawab”: instansi “Dinas Perikanan” tidak ditemukan "
        "(lihat lembar Pilihan)."
    ]
    assert not Activity.objects.exists()


def test_import_into_an_established_plan_is_refused(as_planner, established):
    response = as_planner.post("/rat/2024/impor/", {"file": upload(workbook([row("7.1")]))})
    assert response.status_code == 400
    assert import_problems(response) == ["Impor hanya untuk rencana berstatus draf."]
    assert sorted(Activity.objects.values_list("code", flat=True)) == ["1.1", "2.1", "3.1"]
    assert not revisions().exists()


def test_every_too_large_budget_is_listed(importing):
    rows = [row("1.1", anggaran=10**20), row("1.2", anggaran=10**20)]
    response = importing(workbook(rows))
    assert response.status_code == 400
    problems = import_problems(response)
    assert [problem.split(":")[0] for problem in problems] == ["Baris 2", "Baris 3"]
    assert not any(problem.endswith("..") for problem in problems)
    assert not Activity.objects.exists()


def test_overlong_indicator_is_refused_not_cut(importing):
    response = importing(workbook([row("1.1", indikator="I" * 300, satuan="U" * 60)]))
    assert response.status_code == 400
    assert import_problems(response)[0].startswith("Baris 2:")
    assert not Activity.objects.exists()


def test_target_with_three_decimals_is_refused_not_rounded(importing):
    response = importing(workbook([row("1.1", target_B04=1.255)]))
    assert response.status_code == 400
    assert import_problems(response)[0].startswith("Baris 2:")
    assert not Activity.objects.exists()


# --- garbage in the URL -------------------------------------------------------------------------

GARBAGE = "?agency=abc&stage=x&pillar=%C2%B2"


def test_garbage_filters_on_the_matrix_are_explained_not_a_crash(as_planner, established):
    response = as_planner.get(f"/rat/2024/{GARBAGE}")
    assert response.status_code == 200
    errors = field_errors(response)
    assert errors["agency"] == [
        "Masukkan pilihan yang valid. Pilihan tersebut bukan salah satu dari pilihan yang tersedia."
    ]
    assert errors["stage"] == [
        "Masukkan pilihan yang valid. x bukan salah satu dari pilihan yang tersedia."
    ]
    assert errors["pillar"] == [
        "Masukkan pilihan yang valid. ² bukan salah satu dari pilihan yang tersedia."
    ]
    # The broken filters are ignored: every activity is still listed.
    assert response.content.decode().count('data-testid="activity-row"') == 3


class TestUrlsOnTheEstablishedPlan(OnTheEstablishedPlan):
    @pytest.fixture
    def as_planner(self, client, records):
        client.force_login(records["sekretariat"])
        return client

    @pytest.mark.parametrize(
        "url",
        [
            f"/rat/2024/{GARBAGE}&cetak=1",
            f"/rat/2024/ekspor.xlsx{GARBAGE}",
            "/rat/2024/?agency=%C2%B2",
            "/rat/2024/?agency=99999999999999999999",
            "/rat/2024/?agency=-1&stage=&pillar=",
            "/rat/2024/ringkasan/?agency=abc",
        ],
    )
    def test_garbage_filters_elsewhere_are_no_crash(self, as_planner, established, url):
        assert as_planner.get(url).status_code == 200

    @pytest.mark.parametrize(
        "url",
        [
            "/rat/99999/",
            "/rat/0000/",
            "/rat/2023/",
            "/rat/2023/ringkasan/",
            "/rat/2023/ekspor.xlsx",
            "/rat/2024/kegiatan/99999999999999999999/",
            "/rat/kegiatan/99999999999999999999/realisasi/B04/",
            "/rat/bukti/99999999999999999999/",
        ],
    )
    def test_unknown_year_or_object_is_a_404(self, as_planner, established, url):
        assert as_planner.get(url).status_code == 404


def test_return_of_an_unknown_realisation_is_a_404(as_planner, established):
    response = as_planner.post("/rat/realisasi/99999999999999999999/kembalikan/", {"note": "x"})
    assert response.status_code == 404


def test_overlapping_periods_are_refused(as_planner, plan):
    before = period_dates(plan)
    # B08 starting in April overlaps B04 (January to April).
    response = as_planner.post(
        "/rat/2024/periode/", periods_form(plan, **{"form-1-start_date": "2024-04-15"})
    )
    assert response.status_code == 400
    assert "Periode B04 dan B08 tumpang tindih." in response.content.decode()
    assert period_dates(plan) == before


def test_a_huge_tampered_period_count_builds_a_few_forms_and_changes_nothing(as_planner, plan):
    before = period_dates(plan)
    data = periods_form(plan, **{"form-TOTAL_FORMS": "100000"})
    response = as_planner.post("/rat/2024/periode/", data)
    assert response.status_code == 400
    assert len(response.context["formset"].forms) <= MAX_PERIODS
    assert period_dates(plan) == before
