"""Who may see and do what in the Integrated Action Plan (RAT), over every /rat/ URL.

The expected answers are restated from the rules (not read from the app's own helpers), so the
matrix fails when the app drifts from them:

- the secretariat, leadership and admins read every activity; an agency operator (a petugas
  tied to an agency) reads only the activities their agency is responsible for (supporting one
  is not enough); a petugas without an agency reads none;
- an invisible activity is a 404 on its pages, its realisation form and its evidence, and is
  absent from the matrix, the print view, the overview and the Excel export;
- only those working for the responsible agency report a realisation, whatever their role (403
  to those who see the activity but work elsewhere);
- only the secretariat plans (creates, edits, imports, establishes, closes) and returns a
  realisation for correction; everybody else gets a 403 and nothing changes.
"""

import io
import re
from datetime import date
from decimal import Decimal
from html import unescape

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from action_plans import services
from action_plans.choices import PlanStatus, RealisationStatus
from action_plans.models import (
    ActionPlan,
    Activity,
    Period,
    Realisation,
    RealisationEvidence,
    Target,
)
from core.forms import format_number
from tests import personas as build
from tests.action_plans.conftest import (
    realisation_actions,
    realisation_events,
    realisation_log,
    revisions,
)
from tests.factories import jpeg_bytes
from tests.helpers import add_activity, assert_field_error

pytestmark = pytest.mark.django_db

LOGIN_URL = "/akun/masuk/"
PERSONAS = ["petugas", "operator", "other_operator", "sekretariat", "pimpinan", "admin_user"]
READERS = {"sekretariat", "pimpinan", "admin_user"}
AGENCY_OF = {"operator": "dinsos", "other_operator": "polres"}
# The established fixture: code -> responsible agency.
OWNERS = {"1.1": "dinsos", "2.1": "polres", "3.1": "dinsos"}
NARRATIVE = "Rapat koordinasi deteksi dini terlaksana di pendopo kabupaten."


# --- the rules, restated ------------------------------------------------------------------------


def should_see(persona: str, owner: str) -> bool:
    return persona in READERS or AGENCY_OF.get(persona) == owner


def should_report(persona: str, owner: str) -> bool:
    return AGENCY_OF.get(persona) == owner


def expected_code(endpoint: str, persona: str, owner: str) -> int:
    """The HTTP status a request to `endpoint` about an activity of `owner` should get."""
    if endpoint == "return":
        return 302 if persona == "sekretariat" else 403
    if not should_see(persona, owner):
        return 404
    if endpoint in ("detail", "evidence"):
        return 200
    if endpoint == "report_get":
        return 200 if should_report(persona, owner) else 403
    if endpoint == "report_post":
        return 302 if should_report(persona, owner) else 403
    raise AssertionError(endpoint)


def visible_codes(persona: str) -> list[str]:
    return sorted(code for code, owner in OWNERS.items() if should_see(persona, owner))


def test_expectations_read_as_intended():
    """Guards the expectation functions themselves against a silent all-200 or all-404."""
    assert expected_code("detail", "operator", "dinsos") == 200
    assert expected_code("detail", "operator", "polres") == 404
    assert expected_code("detail", "petugas", "dinsos") == 404
    assert expected_code("report_get", "sekretariat", "dinsos") == 403
    assert expected_code("report_post", "other_operator", "polres") == 302
    assert expected_code("return", "petugas", "polres") == 403
    assert visible_codes("operator") == ["1.1", "3.1"]
    assert visible_codes("other_operator") == ["2.1"]
    assert visible_codes("petugas") == []
    assert visible_codes("pimpinan") == ["1.1", "2.1", "3.1"]


# --- helpers ------------------------------------------------------------------------------------


def jpeg_upload(name="bukti-rapat.jpg"):
    return SimpleUploadedFile(name, jpeg_bytes(), content_type="image/jpeg")


def submit_realisation(activity, period_code, by, *, achieved="1", spent=1_000_000, files=()):
    """A realisation submitted through the service, as the responsible operator would."""
    realisation = Realisation(
        activity=activity,
        period=activity.plan.periods.get(code=period_code),
        achieved_value=Decimal(achieved),
        narrative=NARRATIVE,
        budget_spent=spent,
    )
    # Evidence files are written when the transaction commits; a test's transaction never does.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.realisation_save(realisation=realisation, by=by, files=files, submit=True)


def report_payload(**changes):
    data = {
        "achieved_value": "2",
        "narrative": NARRATIVE,
        "budget_spent": "2500000",
        "obstacles": "",
        "follow_up": "",
        "submit": "1",
    }
    data.update(changes)
    return data


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def matrix_codes(html: str) -> list[str]:
    """Codes in the first column of the matrix table (screen and print view)."""
    return sorted(
        re.findall(r'<tr data-testid="activity-row">\s*<td class="text-nowrap">([^<]*)</td>', html)
    )


def export_codes(client, year=2024, query="") -> list[str]:
    response = client.get(f"/rat/{year}/ekspor.xlsx{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["B3"].value == "Kode"
    return sorted(row[1] for row in sheet.iter_rows(min_row=4, values_only=True) if row[1])


def alerts(html: str) -> str:
    """The text of the page with tags removed and whitespace collapsed, for message checks."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture
def reporters(operator, other_operator):
    """The operator who reports for each agency."""
    return {"dinsos": operator, "polres": other_operator}


# --- the object matrix ---------------------------------------------------------------------------

OBJECT_ENDPOINTS = ["detail", "report_get", "report_post", "evidence", "return"]


class TestEstablishedPlan:
    """The established plan and the personas are made once for the class (tests/conftest.py
    `shared`); every test still starts from them as made, its own changes rolled back."""

    build_records = staticmethod(build.established_plan)

    @pytest.fixture
    def established(self, records):
        return records["established"]

    @pytest.fixture
    def reporters(self, records):
        """The operator who reports for each agency."""
        return {"dinsos": records["operator"], "polres": records["other_operator"]}

    @pytest.mark.parametrize("owner", ["dinsos", "polres"])
    @pytest.mark.parametrize("persona", PERSONAS)
    @pytest.mark.parametrize("endpoint", OBJECT_ENDPOINTS)
    def test_activity_permission_matrix(
        self, client, records, established, reporters, endpoint, persona, owner
    ):
        """Activity 1.1 (Dinsos, supported by Polres) or 2.1 (Polres), each with a submitted B04
        realisation carrying a photo, requested by every role."""
        code = "1.1" if owner == "dinsos" else "2.1"
        activity = established.activities.get(code=code)
        realisation = submit_realisation(activity, "B04", reporters[owner], files=[jpeg_upload()])
        user = records[persona]
        expected = expected_code(endpoint, persona, owner)
        client.force_login(user)

        if endpoint == "detail":
            response = client.get(f"/rat/2024/kegiatan/{activity.pk}/")
            assert response.status_code == expected
            assert (f"Kegiatan {code}" in response.content.decode()) == (expected == 200)

        elif endpoint == "report_get":
            response = client.get(f"/rat/kegiatan/{activity.pk}/realisasi/B08/")
            assert response.status_code == expected
            if expected == 200:
                assert 'data-testid="realisation-form"' in response.content.decode()

        elif endpoint == "report_post":
            response = client.post(f"/rat/kegiatan/{activity.pk}/realisasi/B08/", report_payload())
            assert response.status_code == expected
            saved = Realisation.objects.filter(activity=activity, period__code="B08").first()
            if expected == 302:
                assert response.url == f"/rat/2024/kegiatan/{activity.pk}/"
                assert saved.status == RealisationStatus.DISERAHKAN
                assert saved.achieved_value == Decimal(2)
                assert saved.submitted_by == user
                assert realisation_actions(saved) == ["diserahkan"]
            else:
                assert saved is None

        elif endpoint == "evidence":
            evidence = realisation.evidence.get()
            response = client.get(f"/rat/bukti/{evidence.pk}/")
            assert response.status_code == expected
            if expected == 200:
                assert b"".join(response.streaming_content) == jpeg_bytes()

        elif endpoint == "return":
            response = client.post(
                f"/rat/realisasi/{realisation.pk}/kembalikan/", {"note": "Lampirkan daftar hadir."}
            )
            assert response.status_code == expected
            realisation.refresh_from_db()
            actions = realisation_actions(realisation)
            if expected == 302:
                assert response.url == f"/rat/2024/kegiatan/{activity.pk}/"
                assert realisation.status == RealisationStatus.DIKEMBALIKAN
                assert realisation.return_note == "Lampirkan daftar hadir."
                assert actions == ["diserahkan", "dikembalikan"]
            else:
                assert realisation.status == RealisationStatus.DISERAHKAN
                assert realisation.return_note == ""
                assert actions == ["diserahkan"]

    # --- the lists: matrix, print view, overview, export ----------------------------------------

    @pytest.mark.parametrize("persona", PERSONAS)
    def test_lists_show_only_visible_activities(self, client, records, established, persona):
        client.force_login(records[persona])
        expected = visible_codes(persona)
        hidden = sorted(set(OWNERS) - set(expected))

        matrix = page(client, "/rat/2024/")
        assert matrix_codes(matrix) == expected
        assert f"{len(expected)} kegiatan" in alerts(matrix)

        printed = page(client, "/rat/2024/?cetak=1")
        assert "data-print-on-load" in printed and "js/portal.js" in printed
        assert matrix_codes(printed) == expected

        overview = page(client, "/rat/2024/ringkasan/")
        for code in expected:
            assert f"Kegiatan {code}" in overview
        for code in hidden:
            assert f"Kegiatan {code}" not in overview

        assert export_codes(client) == expected

        # Asking for the other agency's activities through the filter widens nothing.
        polres = established.activities.get(code="2.1").responsible_agency
        filtered = page(client, f"/rat/2024/?agency={polres.pk}")
        assert set(matrix_codes(filtered)) <= set(expected)
        assert set(export_codes(client, query=f"?agency={polres.pk}")) <= set(expected)


def test_supporting_agency_does_not_see_the_activity(client, established, other_operator):
    """Polres supports 1.1 but is not responsible for it: it neither sees nor reports it."""
    supported = established.activities.get(code="1.1")
    assert list(supported.supporting_agencies.values_list("acronym", flat=True)) == [
        "Polres Jombang"
    ]
    client.force_login(other_operator)
    assert client.get(f"/rat/2024/kegiatan/{supported.pk}/").status_code == 404
    assert client.get(f"/rat/kegiatan/{supported.pk}/realisasi/B04/").status_code == 404
    assert "1.1" not in matrix_codes(page(client, "/rat/2024/"))


def test_activity_of_another_year_is_not_reached_through_this_years_url(
    client, established, sekretariat
):
    other = services.plan_create(year=2025, scheme="caturwulan", by=sekretariat)
    activity = established.activities.get(code="1.1")
    client.force_login(sekretariat)
    assert client.get(f"/rat/{other.year}/kegiatan/{activity.pk}/").status_code == 404
    assert client.get(f"/rat/{other.year}/kegiatan/{activity.pk}/ubah/").status_code == 404


def test_revisions_of_invisible_activities_are_not_shown_on_the_matrix(
    client, established, sekretariat, other_operator
):
    activity = established.activities.get(code="1.1")
    periods = {p.code: p for p in established.periods.all()}
    activity.title = "Pendampingan korban di pengungsian Dusun Rahasia"
    services.activity_save(
        activity=activity,
        targets={periods["B04"]: Decimal(5)},
        supporting=list(activity.supporting_agencies.all()),
        by=sekretariat,
        reason="Penyesuaian hasil rapat evaluasi.",
    )
    assert revisions().count() == 1
    client.force_login(other_operator)
    html = page(client, "/rat/2024/")
    assert matrix_codes(html) == ["2.1"]
    assert "Dusun Rahasia" not in html
    assert "1.1 · " not in alerts(html)


# --- planner-only pages and actions ---------------------------------------------------------------


def activity_payload(activity=None, **changes):
    """The activity form as the browser posts it (an existing activity unchanged, or a new one)."""
    if activity is None:
        data = {
            "code": "4.1",
            "stage": "pencegahan",
            "pillars": ["kolaborasi"],
            "title": "Sosialisasi pencegahan konflik di sekolah",
            "responsible_agency": "",
            "supporting_agencies": [],
            "indicator": "Sosialisasi terlaksana",
            "unit": "kali",
            "budget": "5000000",
            "budget_source": "apbd",
            "location": "",
            "target_B04": "1",
            "target_B08": "1",
            "target_B12": "1",
        }
    else:
        targets = {t.period.code: t.value for t in activity.targets.select_related("period")}
        data = {
            "code": activity.code,
            "stage": activity.stage,
            "pillars": list(activity.pillars),
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


def periods_payload(plan, **changes):
    data = {
        "form-TOTAL_FORMS": plan.periods.count(),
        "form-INITIAL_FORMS": plan.periods.count(),
        "form-MIN_NUM_FORMS": 0,
        "form-MAX_NUM_FORMS": 1000,
    }
    for index, period in enumerate(plan.periods.all()):
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


def import_file(rows, name="rat.xlsx"):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        [
            "kode", "tahap", "pilar", "kegiatan", "penanggung_jawab", "pendukung", "indikator",
            "satuan", "anggaran", "sumber_anggaran", "kecamatan", "target_B04", "target_B08",
            "target_B12",
        ]
    )  # fmt: skip
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.fixture
def draft_plan(plan, sekretariat, dinsos, polres):
    """The draft 2024 plan with one Dinsos and one Polres activity."""
    add_activity(plan, sekretariat, code="1.1", agency=dinsos)
    add_activity(plan, sekretariat, code="2.1", agency=polres, stage="penghentian")
    return plan


PLANNER_PAGES = [
    "/rat/baru/",
    "/rat/2024/kegiatan/baru/",
    "/rat/2024/kegiatan/{activity}/ubah/",
    "/rat/2024/periode/",
    "/rat/2024/impor/",
    "/rat/2024/impor/templat.xlsx",
]


def check_planner_pages(client, draft_plan, user, persona):
    activity = draft_plan.activities.get(code="1.1")
    client.force_login(user)
    for url in PLANNER_PAGES:
        response = client.get(url.format(activity=activity.pk))
        assert response.status_code == (200 if persona == "sekretariat" else 403), url
    if persona == "sekretariat":
        template = client.get("/rat/2024/impor/templat.xlsx")
        header = next(openpyxl.load_workbook(io.BytesIO(template.content)).active.values)
        assert header[:2] == ("Kode", "Tahap")
        assert header[-3:] == ("Target B04", "Target B08", "Target B12")


def _plan_create(client, ctx):
    data = {"year": "2030", "period_scheme": "caturwulan", "decree_reference": ""}
    response = client.post("/rat/baru/", data)
    return response, ActionPlan.objects.filter(year=2030).exists()


def _activity_create(client, ctx):
    data = activity_payload(responsible_agency=ctx["dinsos"].pk)
    response = client.post("/rat/2024/kegiatan/baru/", data)
    return response, Activity.objects.filter(code="4.1").exists()


def _activity_update(client, ctx):
    activity = ctx["activity"]
    data = activity_payload(activity, title="Judul diubah lewat formulir", target_B04="7")
    response = client.post(f"/rat/2024/kegiatan/{activity.pk}/ubah/", data)
    activity.refresh_from_db()
    changed = activity.title == "Judul diubah lewat formulir"
    target = Target.objects.get(activity=activity, period__code="B04").value
    assert (target == Decimal(7)) == changed
    return response, changed


def _periods(client, ctx):
    data = periods_payload(ctx["plan"], **{"form-0-due_date": "2024-05-31"})
    response = client.post("/rat/2024/periode/", data)
    due = Period.objects.get(plan=ctx["plan"], code="B04").due_date.isoformat()
    return response, due == "2024-05-31"


def _import(client, ctx):
    upload = import_file(
        [["5.1", "pemulihan", "", "Trauma healing anak", "Dinsos", "", "Sesi", "kali", 0, "", "",
          1, 1, 1]]
    )  # fmt: skip
    response = client.post("/rat/2024/impor/", {"file": upload})
    return response, Activity.objects.filter(code="5.1").exists()


ESTABLISH = {"decree": "SK 188/12/2024", "decree_date": "2024-01-15", "confirm": "on"}


def _establish(client, ctx):
    response = client.post("/rat/2024/tetapkan/", ESTABLISH)
    ctx["plan"].refresh_from_db()
    return response, ctx["plan"].status == PlanStatus.DITETAPKAN


def _close(client, ctx):
    services.plan_establish(
        plan=ctx["plan"],
        by=ctx["sekretariat"],
        decree_reference="SK 188/12/2024",
        decree_date=date(2024, 1, 15),
    )
    response = client.post("/rat/2024/tutup/", {"confirm": "on"})
    ctx["plan"].refresh_from_db()
    return response, ctx["plan"].status == PlanStatus.DITUTUP


def _next_year(client, ctx):
    response = client.post("/rat/2024/lanjutkan/", {"confirm": "on"})
    return response, ActionPlan.objects.filter(year=2025).exists()


# name: a POST returning (response, whether the change was made)
PLANNER_ACTIONS = {
    "plan_create": _plan_create,
    "activity_create": _activity_create,
    "activity_update": _activity_update,
    "periods": _periods,
    "import": _import,
    "establish": _establish,
    "close": _close,
    "next_year": _next_year,
}


def check_planner_action(client, records, persona, action):
    draft_plan = records["draft_plan"]
    ctx = {
        "plan": draft_plan,
        "sekretariat": records["sekretariat"],
        "dinsos": records["dinsos"],
        "activity": draft_plan.activities.get(code="1.1"),
    }
    client.force_login(records[persona])
    response, changed = PLANNER_ACTIONS[action](client, ctx)
    if persona == "sekretariat":
        assert response.status_code == 302, response.content.decode()[:2000]
        assert changed is True
    else:
        assert response.status_code == 403
        assert changed is False


class TestDraftPlan:
    """The draft plan and the personas (tests/personas.py `draft_plan`) are made once for the
    class (tests/conftest.py `shared`); every test still starts from them as made, its own
    changes rolled back."""

    build_records = staticmethod(build.draft_plan)

    @pytest.mark.parametrize("persona", PERSONAS)
    def test_planner_pages_by_role(self, client, records, persona):
        check_planner_pages(client, records["draft_plan"], records[persona], persona)

    @pytest.mark.parametrize("persona", PERSONAS)
    @pytest.mark.parametrize("action", list(PLANNER_ACTIONS))
    def test_only_the_secretariat_plans(self, client, records, persona, action):
        check_planner_action(client, records, persona, action)


def test_planner_actions_say_what_happened(client, draft_plan, sekretariat):
    client.force_login(sekretariat)
    # Without the confirmation, the decree's date or number: refused next to what is missing.
    for missing, message in (
        ("confirm", "Centang konfirmasi untuk menetapkan rencana."),
        ("decree_date", "Isi tanggal SK penetapan rencana."),
        ("decree", "Isi nomor SK penetapan rencana."),
    ):
        data = {key: value for key, value in ESTABLISH.items() if key != missing}
        response = client.post("/rat/2024/tetapkan/", data)
        assert_field_error(response, missing, message)
        draft_plan.refresh_from_db()
        assert draft_plan.status == PlanStatus.DRAFT
    response = client.post("/rat/2024/tetapkan/", ESTABLISH)
    assert response.url == "/rat/2024/"
    assert "RAT 2024 ditetapkan dan dikunci." in alerts(page(client, response.url))
    draft_plan.refresh_from_db()
    assert draft_plan.decree_reference == "SK 188/12/2024"
    assert draft_plan.decree_date == date(2024, 1, 15)
    # Establishing twice (a second press) says it is done, not an error page.
    response = client.post("/rat/2024/tetapkan/", ESTABLISH)
    assert response.status_code == 302
    assert "Tindakan ini sudah tercatat sebelumnya. Status RAT 2024 kini: Ditetapkan." in alerts(
        page(client, response.url)
    )
    response = client.post("/rat/2024/lanjutkan/", {"confirm": "on"})
    assert response.url == "/rat/2025/"
    new = ActionPlan.objects.get(year=2025)
    assert new.status == PlanStatus.DRAFT
    assert sorted(new.activities.values_list("code", flat=True)) == ["1.1", "2.1"]
    assert Target.objects.filter(activity__plan=new).count() == 6
    # A second "next year" finds 2025 already there.
    response = client.post("/rat/2024/lanjutkan/", {"confirm": "on"})
    assert response.status_code == 302
    assert ActionPlan.objects.filter(year=2025).count() == 1


def test_the_page_of_a_refused_establishing_leads_to_the_matrix_s_own_address(
    client, plan, sekretariat
):
    # Shown at the form-only address /rat/2024/tetapkan/: its filter form, "Cetak" and the
    # language switch must lead to the matrix, which answers a GET (not a 405).
    client.force_login(sekretariat)
    html = client.post("/rat/2024/tetapkan/", ESTABLISH).content.decode()
    assert (
        'action="/rat/2024/" class="row g-2 align-items-end mb-3" data-testid="matrix-filters"'
        in html
    )
    assert 'href="/rat/2024/?cetak=1"' in html
    assert 'name="next" type="hidden" value="/rat/2024/"' in html


def test_empty_draft_cannot_be_established(client, plan, sekretariat):
    client.force_login(sekretariat)
    response = client.post("/rat/2024/tetapkan/", ESTABLISH)
    assert_field_error(response, None, "Rencana tanpa kegiatan tidak dapat ditetapkan.")
    # The decree as typed stays in the form.
    html = response.content.decode()
    assert 'value="SK 188/12/2024"' in html and 'value="2024-01-15"' in html
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_unknown_plan_action_is_a_404(client, draft_plan, sekretariat):
    client.force_login(sekretariat)
    assert client.post("/rat/2024/hapus/").status_code == 404
    assert ActionPlan.objects.filter(year=2024).exists()


# --- reporting along the plan's and the realisation's life ----------------------------------------


@pytest.fixture
def as_operator(client, operator):
    client.force_login(operator)
    return client


REPORTING_REFUSED = (
    "Realisasi hanya dapat dilaporkan untuk rencana yang sudah ditetapkan dan belum ditutup."
)


def test_reporting_on_a_draft_plan_is_refused(as_operator, draft_plan):
    activity = draft_plan.activities.get(code="1.1")
    response = as_operator.post(f"/rat/kegiatan/{activity.pk}/realisasi/B04/", report_payload())
    assert response.status_code == 400
    assert REPORTING_REFUSED in alerts(response.content.decode())
    assert NARRATIVE in response.content.decode()  # what was typed is kept
    assert not Realisation.objects.exists()


def test_reporting_on_a_closed_plan_is_refused(as_operator, established, sekretariat):
    services.plan_close(plan=established, by=sekretariat)
    activity = established.activities.get(code="1.1")
    response = as_operator.post(f"/rat/kegiatan/{activity.pk}/realisasi/B04/", report_payload())
    assert response.status_code == 400
    assert REPORTING_REFUSED in alerts(response.content.decode())
    assert not Realisation.objects.exists()
    assert not realisation_log().exists()


def test_draft_then_submit_then_locked(as_operator, established, operator):
    activity = established.activities.get(code="1.1")
    url = f"/rat/kegiatan/{activity.pk}/realisasi/B04/"
    draft = report_payload(achieved_value="1")
    del draft["submit"]
    draft["draft"] = "1"
    response = as_operator.post(url, draft)
    assert response.status_code == 302
    realisation = Realisation.objects.get()
    assert realisation.status == RealisationStatus.DRAFT
    assert not realisation_events(realisation)
    assert "Draf realisasi tersimpan." in alerts(page(as_operator, response.url))

    response = as_operator.post(url, report_payload(achieved_value="2"))
    assert response.status_code == 302
    realisation.refresh_from_db()
    assert realisation.status == RealisationStatus.DISERAHKAN
    assert realisation.achieved_value == Decimal(2)
    # The 2024 B04 deadline has long passed: the operator is told it is late.
    assert (
        "Realisasi B04 diserahkan. Penyerahan ini melewati batas 10 Mei 2024 (terlambat)."
        in alerts(page(as_operator, response.url))
    )

    # Submitted: the form is locked and a further change is refused.
    locked = as_operator.get(url)
    assert locked.status_code == 200
    assert 'data-testid="locked"' in locked.content.decode()
    assert 'data-testid="realisation-form"' not in locked.content.decode()
    response = as_operator.post(url, report_payload(achieved_value="9", narrative="Diubah."))
    assert response.status_code == 400
    assert "sudah diserahkan" in alerts(response.content.decode())
    realisation.refresh_from_db()
    assert realisation.achieved_value == Decimal(2)
    assert realisation.narrative == NARRATIVE
    assert realisation_actions(realisation) == ["diserahkan"]


def test_returned_realisation_can_be_corrected_and_resubmitted(
    client, established, operator, sekretariat
):
    activity = established.activities.get(code="1.1")
    realisation = submit_realisation(activity, "B04", operator)
    first_submitted = realisation.first_submitted_at

    client.force_login(sekretariat)
    response = client.post(
        f"/rat/realisasi/{realisation.pk}/kembalikan/", {"note": "Lampirkan foto kegiatan."}
    )
    assert response.status_code == 302
    assert "Realisasi dikembalikan untuk perbaikan." in alerts(page(client, response.url))

    client.force_login(operator)
    url = f"/rat/kegiatan/{activity.pk}/realisasi/B04/"
    form = page(client, url)
    assert "Lampirkan foto kegiatan." in form
    response = client.post(
        url, report_payload(achieved_value="3", files=[jpeg_upload("daftar-hadir.jpg")])
    )
    assert response.status_code == 302
    realisation.refresh_from_db()
    assert realisation.status == RealisationStatus.DISERAHKAN
    assert realisation.achieved_value == Decimal(3)
    assert realisation.first_submitted_at == first_submitted  # lateness is judged on the first
    assert realisation.evidence.get().original_name == "daftar-hadir.jpg"
    events = realisation_events(realisation)
    assert events == [
        ("diserahkan", "operator", ""),
        ("dikembalikan", "sekretariat", "Lampirkan foto kegiatan."),
        ("diserahkan_ulang", "operator", ""),
    ]
    detail = alerts(page(client, f"/rat/2024/kegiatan/{activity.pk}/"))
    assert "Realisasi diserahkan ulang" in detail
    assert "Realisasi dikembalikan untuk perbaikan" in detail


@pytest.mark.parametrize(
    ("submitted", "note", "message"),
    [
        (True, "   ", "Tuliskan catatan perbaikan untuk operator."),
        (False, "Lengkapi.", "Hanya realisasi yang sudah diserahkan yang dapat dikembalikan."),
    ],
    ids=["blank-note", "not-submitted"],
)
def test_refused_return_keeps_the_realisation(
    client, established, operator, sekretariat, submitted, note, message
):
    activity = established.activities.get(code="1.1")
    realisation = Realisation(
        activity=activity,
        period=established.periods.get(code="B04"),
        achieved_value=Decimal(1),
        narrative=NARRATIVE,
    )
    services.realisation_save(realisation=realisation, by=operator, submit=submitted)
    status = realisation.status
    client.force_login(sekretariat)
    response = client.post(f"/rat/realisasi/{realisation.pk}/kembalikan/", {"note": note})
    # The activity page again, the reason shown (next to the note while the form is offered).
    assert response.status_code == 400
    assert message in alerts(response.content.decode())
    realisation.refresh_from_db()
    assert realisation.status == status
    assert "dikembalikan" not in realisation_actions(realisation)


def test_realisation_of_a_closed_plan_cannot_be_returned(
    client, established, operator, sekretariat
):
    activity = established.activities.get(code="1.1")
    realisation = submit_realisation(activity, "B04", operator, achieved="1")
    services.plan_close(plan=established, by=sekretariat)
    client.force_login(sekretariat)
    client.post(f"/rat/realisasi/{realisation.pk}/kembalikan/", {"note": "Perbaiki angka."})
    realisation.refresh_from_db()
    assert realisation.status == RealisationStatus.DISERAHKAN


def test_secretariat_and_leadership_see_no_report_button(
    client, established, operator, sekretariat, pimpinan
):
    activity = established.activities.get(code="1.1")
    report_link = f'href="/rat/kegiatan/{activity.pk}/realisasi/B04/"'
    client.force_login(operator)
    assert report_link in page(client, f"/rat/2024/kegiatan/{activity.pk}/")
    for user in (sekretariat, pimpinan):
        client.force_login(user)
        assert report_link not in page(client, f"/rat/2024/kegiatan/{activity.pk}/")


def test_evidence_of_an_invisible_activity_is_not_served(
    client, established, operator, other_operator, petugas
):
    activity = established.activities.get(code="1.1")
    realisation = submit_realisation(activity, "B04", operator, files=[jpeg_upload()])
    evidence = RealisationEvidence.objects.get(realisation=realisation)
    for user in (other_operator, petugas):
        client.force_login(user)
        assert client.get(f"/rat/bukti/{evidence.pk}/").status_code == 404
    client.force_login(operator)
    response = client.get(f"/rat/bukti/{evidence.pk}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert client.get("/rat/bukti/999999/").status_code == 404


# --- anonymous visitors ------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_login_everywhere(client, established, operator):
    activity = established.activities.get(code="1.1")
    realisation = submit_realisation(activity, "B04", operator, files=[jpeg_upload()])
    evidence = realisation.evidence.get()
    gets = [
        "/rat/",
        "/rat/baru/",
        "/rat/saya/",
        "/rat/2024/",
        "/rat/2024/?cetak=1",
        "/rat/2024/ringkasan/",
        "/rat/2024/ekspor.xlsx",
        "/rat/2024/impor/",
        "/rat/2024/impor/templat.xlsx",
        "/rat/2024/periode/",
        "/rat/2024/kegiatan/baru/",
        f"/rat/2024/kegiatan/{activity.pk}/",
        f"/rat/2024/kegiatan/{activity.pk}/ubah/",
        f"/rat/kegiatan/{activity.pk}/realisasi/B08/",
        f"/rat/bukti/{evidence.pk}/",
        "/rat/2031/",  # a year without a plan: no hint that it does not exist
    ]
    posts = [
        "/rat/baru/",
        "/rat/2024/tetapkan/",
        "/rat/2024/tutup/",
        "/rat/2024/lanjutkan/",
        "/rat/2024/impor/",
        "/rat/2024/periode/",
        "/rat/2024/kegiatan/baru/",
        f"/rat/2024/kegiatan/{activity.pk}/ubah/",
        f"/rat/kegiatan/{activity.pk}/realisasi/B08/",
        f"/rat/realisasi/{realisation.pk}/kembalikan/",
    ]
    for method, url in [("get", url) for url in gets] + [("post", url) for url in posts]:
        data = report_payload(note="x") if method == "post" else {}
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, (method, url, response.status_code)
        assert response.url.startswith(LOGIN_URL + "?next="), (method, url)
    established.refresh_from_db()
    assert established.status == PlanStatus.DITETAPKAN
    realisation.refresh_from_db()
    assert realisation.status == RealisationStatus.DISERAHKAN
    assert Realisation.objects.count() == 1
    assert ActionPlan.objects.count() == 1
