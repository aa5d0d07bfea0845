"""Attack corpus (issue 13 item 14): junk in every list parameter and every form field is answered,
never a 500; script and HTML typed into text fields come back escaped in pages and neutralised in
exports; another unit's object ids on object URLs are a 404.

Hypothesis draws the junk; examples are few and bounded so the whole file stays well under a
minute. A failure prints the request that broke, to be kept below as an explicit example.
"""

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.choices import Role
from action_plans import services as plan_services
from action_plans.forms import ActivityForm, PlanForm, RealisationForm
from action_plans.models import Realisation
from incidents.filters import IncidentFilter
from incidents.forms import ConflictStatusForm, HandlingStepForm, IncidentForm, PartyForm
from incidents.models import Incident
from tests.action_plans.conftest import add_activity
from tests.factories import AgencyFactory, IncidentFactory, UserFactory

pytestmark = pytest.mark.django_db

NASTY = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR '1'='1' --",
    "9" * 40,
    "-1",
    "0",
    "²",
    "1e309",
    "NaN",
    "2026-02-30",
    "../../etc/passwd",
    "%",
    '=HYPERLINK("http://x.invalid")',
    "\x00",
    " ",
    "😀" * 30,
    "a" * 3000,
]
JUNK = st.one_of(
    st.sampled_from(NASTY),
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30),
)
FUZZ = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def field_names(form_class):
    return [name for name in form_class.base_fields if name != "files"]


def junk_dict(names):
    return st.fixed_dictionaries({}, optional={name: JUNK for name in names})


@pytest.fixture
def world(sekretariat, petugas, kecamatan, other_kecamatan, desa):
    """A plan with an activity of Dinas Sosial (and a realisation), a report in the officer's
    kecamatan and one in another."""
    dinsos = AgencyFactory(name="Dinas Sosial", acronym="Dinsos")
    operator = UserFactory(username="operator", agency=dinsos, roles=[Role.PETUGAS])
    plan = plan_services.plan_create(year=2024, scheme="caturwulan", by=sekretariat)
    activity = add_activity(plan, sekretariat, code="1.1", agency=dinsos)
    plan = plan_services.plan_establish(
        plan=plan, by=sekretariat, decree_reference="SK 1/2024", decree_date=date(2024, 1, 2)
    )
    activity.plan = plan
    realisation = plan_services.realisation_save(
        realisation=Realisation(
            activity=activity,
            period=plan.periods.get(code="B04"),
            achieved_value=1,
            narrative="Rapat",
            budget_spent=0,
        ),
        by=operator,
        submit=True,
    )
    own = IncidentFactory(kecamatan=kecamatan, desa=desa, reported_by=petugas, status="draft")
    elsewhere = IncidentFactory(kecamatan=other_kecamatan, reported_by=sekretariat)
    return {
        "plan": plan,
        "activity": activity,
        "realisation": realisation,
        "operator": operator,
        "own": own,
        "elsewhere": elsewhere,
    }


def download(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


# --- every list parameter -----------------------------------------------------------------------

LIST_PARAMS = [*IncidentFilter.base_filters, "page", "per_page", "sort", "q", "cetak"]
LISTS = [
    "/",
    "/laporan/",
    "/laporan/ekspor.csv",
    "/laporan/ekspor.xlsx",
    "/laporan/pilihan-desa/",
    "/laporan/status-keadaan-konflik/",
    "/rat/",
    "/rat/saya/",
    "/rat/2024/",
    "/rat/2024/ringkasan/",
    "/rat/2024/ekspor.xlsx",
    "/admin/directory/contact/",
    "/admin/core/activitylog/",
]


@pytest.mark.parametrize("url", LISTS)
def test_junk_in_list_parameters_is_never_a_server_error(url, world, sekretariat, admin_user):
    client = client_for(admin_user if url.startswith("/admin/") else sekretariat)
    params = [*LIST_PARAMS, "stage", "pillar", "agency", "kecamatan", "action", "o", "e"]

    @FUZZ
    @given(query=junk_dict(params))
    def probe(query):
        response = client.get(url, query)
        assert response.status_code < 500, (url, query)

    probe()


# --- every form ---------------------------------------------------------------------------------

PARTY_FIELDS = [f"parties-0-{name}" for name in PartyForm.base_fields] + [
    "parties-TOTAL_FORMS",
    "parties-INITIAL_FORMS",
]


def form_targets(world):
    plan, activity = world["plan"], world["activity"]
    own, realisation = world["own"], world["realisation"]
    return {
        "incident_create": (
            "petugas",
            "/laporan/baru/",
            [*field_names(IncidentForm), *PARTY_FIELDS, "submit"],
        ),
        "incident_update": (
            "petugas",
            f"/laporan/{own.pk}/ubah/",
            [*field_names(IncidentForm), *PARTY_FIELDS],
        ),
        "transition": (
            "sekretariat",
            f"/laporan/{world['elsewhere'].pk}/status/",
            ["action", "note", "resolution", "version"],
        ),
        "step": (
            "sekretariat",
            f"/laporan/{world['elsewhere'].pk}/tindak-lanjut/",
            field_names(HandlingStepForm),
        ),
        "conflict_status": (
            "sekretariat",
            "/laporan/status-keadaan-konflik/baru/",
            field_names(ConflictStatusForm),
        ),
        "plan_create": ("sekretariat", "/rat/baru/", [*field_names(PlanForm), "submission_token"]),
        "activity_create": (
            "sekretariat",
            f"/rat/{plan.year}/kegiatan/baru/",
            [*field_names(ActivityForm), "reason", "target_B04"],
        ),
        "periods": (
            "sekretariat",
            f"/rat/{plan.year}/periode/",
            [
                "form-TOTAL_FORMS",
                "form-INITIAL_FORMS",
                "form-0-id",
                "form-0-start_date",
                "form-0-end_date",
                "form-0-due_date",
                "reason",
            ],
        ),
        "plan_action": (
            "sekretariat",
            f"/rat/{plan.year}/tetapkan/",
            ["decree", "decree_date", "confirm"],
        ),
        "realisation": (
            "operator",
            f"/rat/kegiatan/{activity.pk}/realisasi/B08/",
            [*field_names(RealisationForm), "submit", "submission_token"],
        ),
        "return": ("sekretariat", f"/rat/realisasi/{realisation.pk}/kembalikan/", ["note"]),
        "password": (
            "petugas",
            "/akun/kata-sandi/",
            ["old_password", "new_password1", "new_password2"],
        ),
        "login": (None, "/akun/masuk/", ["username", "password"]),
    }


@pytest.mark.parametrize(
    "name",
    [
        "incident_create",
        "incident_update",
        "transition",
        "step",
        "conflict_status",
        "plan_create",
        "activity_create",
        "periods",
        "plan_action",
        "realisation",
        "return",
        "password",
        "login",
    ],
)
def test_junk_in_every_form_field_is_never_a_server_error(name, world, sekretariat, petugas):
    persona, url, names = form_targets(world)[name]
    users = {"sekretariat": sekretariat, "petugas": petugas, "operator": world["operator"]}
    client = client_for(users[persona]) if persona else Client()

    @FUZZ
    @given(data=junk_dict(names))
    def probe(data):
        response = client.post(url, data)
        assert response.status_code < 500, (url, data)

    probe()


# --- script and HTML come back escaped ----------------------------------------------------------

SCRIPT = '<script>alert("xss")</script><img src=x onerror=alert(1)>'


def test_script_in_every_text_field_is_escaped_in_pages_and_neutral_in_exports(
    world, sekretariat, kecamatan
):
    text_fields = ["title", "chronology", "address"]
    incident = IncidentFactory(
        kecamatan=kecamatan,
        reported_by=sekretariat,
        parties=[SCRIPT],
        **{name: SCRIPT for name in text_fields},
    )
    realisation = world["realisation"]
    Realisation.objects.filter(pk=realisation.pk).update(
        narrative=SCRIPT, obstacles=SCRIPT, follow_up=SCRIPT
    )
    client = client_for(sekretariat)
    activity = world["activity"]
    for url in [
        incident.get_absolute_url(),
        "/laporan/",
        f"/laporan/?q={incident.reference}",
        f"/rat/2024/kegiatan/{activity.pk}/",
        "/rat/2024/",
        "/",
    ]:
        html = client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "<img src=x onerror" not in html, url
    assert "&lt;script&gt;alert" in client.get(incident.get_absolute_url()).content.decode()

    rows = list(
        csv.reader(io.StringIO(download(client, "/laporan/ekspor.csv").decode("utf-8-sig")))
    )
    cells = [cell for row in rows[1:] for cell in row]
    assert SCRIPT in cells  # kept whole: a spreadsheet does not run HTML
    book = openpyxl.load_workbook(io.BytesIO(download(client, "/laporan/ekspor.xlsx")))
    for row in book.active.iter_rows():
        for cell in row:
            assert cell.data_type != "f"  # text is a string cell, never a formula


def test_formula_payload_in_a_report_is_neutralised_in_both_exports(sekretariat, kecamatan):
    payload = '=HYPERLINK("http://x.invalid","klik")'
    IncidentFactory(kecamatan=kecamatan, reported_by=sekretariat, title=payload)
    client = client_for(sekretariat)
    text = download(client, "/laporan/ekspor.csv").decode("utf-8-sig")
    assert "'" + payload.replace('"', '""') in text
    book = openpyxl.load_workbook(io.BytesIO(download(client, "/laporan/ekspor.xlsx")))
    cells = {c.value: c.data_type for row in book.active.iter_rows() for c in row}
    assert cells[payload] == "s"  # a string cell, kept as typed: no formula, no apostrophe


# --- another unit's object ids ------------------------------------------------------------------


def test_another_units_object_ids_are_a_404(world, petugas, roles):
    elsewhere = world["elsewhere"]
    activity, realisation = world["activity"], world["realisation"]
    officer = client_for(petugas)  # scoped to another kecamatan than `elsewhere`
    for url in [f"/laporan/{elsewhere.pk}/", f"/laporan/{elsewhere.pk}/ubah/"]:
        assert officer.get(url).status_code == 404, url
    for url in [
        f"/laporan/{elsewhere.pk}/ubah/",
        f"/laporan/{elsewhere.pk}/status/",
        f"/laporan/{elsewhere.pk}/tindak-lanjut/",
    ]:
        assert officer.post(url, {"action": "verify", "title": "x"}).status_code == 404, url
    assert Incident.objects.get(pk=elsewhere.pk).status == elsewhere.status

    polres = AgencyFactory(name="Polres Jombang", acronym="Polres")
    other_operator = client_for(
        UserFactory(username="op-polres", agency=polres, roles=[Role.PETUGAS])
    )
    for url in [
        f"/rat/kegiatan/{activity.pk}/realisasi/B04/",
        f"/rat/2024/kegiatan/{activity.pk}/",
    ]:
        assert other_operator.get(url).status_code == 404, url
    assert other_operator.post(
        f"/rat/realisasi/{realisation.pk}/kembalikan/", {"note": "x"}
    ).status_code in (403, 404)
    assert Realisation.objects.get(pk=realisation.pk).status == realisation.status
