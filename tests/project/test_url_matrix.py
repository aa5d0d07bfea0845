"""Every named URL by every persona, generated from the URLconf (issue 7 item 2).

Each named URL of the portal (the apps' namespaces and the dashboard; the admin and the language
switch excepted) declares in EXPECTATIONS what a GET answers to an anonymous visitor, a signed-in
account without a role, and each role. A URL added without a declaration fails
`test_every_named_url_declares_what_each_persona_gets`, naming it. The per-app permission tests
go deeper (POSTs, lists, exports); this one makes sure nothing is left out.
"""

import hashlib
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.choices import Role
from action_plans import services as plan_services
from action_plans.choices import PeriodScheme
from action_plans.models import Realisation
from incidents import services as incident_services
from incidents.models import ConflictStatus, HandlingStep
from reports.models import IssuedReport, Letterhead
from tests.action_plans.conftest import add_activity
from tests.factories import AgencyFactory, IncidentFactory, UserFactory, jpeg_bytes

pytestmark = pytest.mark.django_db

PERSONAS = ["anonymous", "no_role", "petugas", "operator", "sekretariat", "pimpinan", "admin"]
ROLE_PERSONAS = PERSONAS[2:]
LOGIN = "login"  # 302 to the login page
NO_ROLE = "no-role"  # 403 with the page asking to contact an administrator

# Not the portal's own pages: the admin checks its own model permissions, and the language
# switch is Django's.
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_NAMES = {"set_language"}


def members(code=200, **overrides):
    """Anonymous visitors go to the login page, an account without a role gets the no-role
    page, every role gets `code` unless overridden."""
    codes = {"anonymous": LOGIN, "no_role": NO_ROLE, **dict.fromkeys(ROLE_PERSONAS, code)}
    return codes | overrides


def only(code, *personas):
    """`code` for the given personas, 403 for the other roles."""
    return members(403, **dict.fromkeys(personas, code))


def everyone(code, **overrides):
    return dict.fromkeys(PERSONAS, code) | overrides


# name -> (URL kwargs from the fixture objects, query string, expected answer per persona)
EXPECTATIONS = {
    "dashboard": (None, "", members()),
    "hotspots": (None, "", members()),
    "map": (None, "", members()),
    "map_data": (None, "", members()),
    "map_areas": (None, "", members()),
    "notifications": (None, "", members()),
    "notification_bell": (None, "", members()),
    # Sign-in, sign-out and the password pages stay open to an account without a role.
    "accounts:login": (None, "", everyone(302, anonymous=200)),
    "accounts:logout": (None, "", everyone(405)),  # POST only
    "accounts:password_change": (None, "", everyone(200, anonymous=LOGIN)),
    "accounts:password_change_done": (None, "", everyone(200, anonymous=LOGIN)),
    # Password reset by email: open to all (a stale link shows a page saying so).
    "accounts:password_reset": (None, "", everyone(200)),
    "accounts:password_reset_done": (None, "", everyone(200)),
    "accounts:password_reset_confirm": (
        lambda o: {"uidb64": "MQ", "token": "cz1a2b-0123456789abcdef"},
        "",
        everyone(200),
    ),
    "accounts:password_reset_complete": (None, "", everyone(200)),
    # Data-subject requests about parties: administrators only; anonymising is POST only.
    "incidents:party_subject_report": (None, "", only(200, "admin")),
    "incidents:party_anonymise": (None, "", only(405, "admin")),
    "incidents:party_text_redact": (None, "", only(405, "admin")),
    # Two-factor login: every account may set it up; the code step sends an account without an
    # authenticator on to the portal; new recovery codes are made by POST only.
    "accounts:two_factor": (None, "", everyone(200, anonymous=LOGIN)),
    "accounts:two_factor_setup": (None, "", everyone(200, anonymous=LOGIN)),
    "accounts:two_factor_verify": (None, "", everyone(302, anonymous=LOGIN)),
    "accounts:two_factor_recovery": (None, "", everyone(405, anonymous=LOGIN)),
    # Reports of conflict: a verified internal report in the scoped officer's kecamatan, by a
    # third officer, with a handling step naming the operator's agency.
    # The load balancer's health check: open to all, no data (tests/ops/test_serving.py).
    "health": (None, "", everyone(200)),
    # The searchable pickers' options: every member; each picker narrows to what the user may
    # see (tests/core/test_pickers.py).
    "picker": (lambda o: {"name": "instansi"}, "", members()),
    "incidents:list": (None, "", members()),
    "incidents:export_csv": (None, "", members()),
    "incidents:export_csv_semicolon": (None, "", members()),
    "incidents:export_xlsx": (None, "", members()),
    "incidents:create": (None, "", only(200, "petugas", "operator", "sekretariat")),
    "incidents:quick_report": (None, "", only(200, "petugas", "operator", "sekretariat")),
    "incidents:desa_options": (None, "kecamatan", members()),
    "incidents:detail": (lambda o: {"pk": o["incident"].pk}, "", members()),
    "incidents:update": (lambda o: {"pk": o["incident"].pk}, "", only(200, "sekretariat")),
    "incidents:transition": (lambda o: {"pk": o["incident"].pk}, "", members(405)),  # POST only
    "incidents:step_create": (
        lambda o: {"pk": o["incident"].pk},
        "",
        only(200, "sekretariat", "operator"),
    ),
    "incidents:evidence": (lambda o: {"pk": o["incident_evidence"].pk}, "", members()),
    "incidents:conflict_status_list": (None, "", members()),
    "incidents:conflict_status_create": (None, "", only(200, "sekretariat")),
    "incidents:conflict_status_update": (
        lambda o: {"pk": o["conflict_status"].pk},
        "",
        only(200, "sekretariat"),
    ),
    # The action plan: the established 2024 plan, activity 1.1 of the operator's agency with a
    # submitted realisation and its evidence.
    "action_plans:plans": (None, "", members()),
    "action_plans:plan_create": (None, "", only(200, "sekretariat")),
    "action_plans:mine": (None, "", members()),
    "action_plans:matrix": (lambda o: {"year": 2024}, "", members()),
    "action_plans:overview": (lambda o: {"year": 2024}, "", members()),
    "action_plans:export": (lambda o: {"year": 2024}, "", members()),
    "action_plans:import": (lambda o: {"year": 2024}, "", only(200, "sekretariat")),
    "action_plans:import_template": (lambda o: {"year": 2024}, "", only(200, "sekretariat")),
    "action_plans:periods": (lambda o: {"year": 2024}, "", only(200, "sekretariat")),
    "action_plans:activity_create": (lambda o: {"year": 2024}, "", only(200, "sekretariat")),
    "action_plans:activity": (
        lambda o: {"year": 2024, "pk": o["activity"].pk},
        "",
        members(petugas=404),
    ),
    "action_plans:activity_update": (
        lambda o: {"year": 2024, "pk": o["activity"].pk},
        "",
        only(200, "sekretariat"),
    ),
    "action_plans:plan_action": (
        lambda o: {"year": 2024, "action": "tutup"},
        "",
        only(405, "sekretariat"),  # POST only
    ),
    "action_plans:realisation": (
        lambda o: {"pk": o["activity"].pk, "period": "B04"},
        "",
        members(403, petugas=404, operator=200),
    ),
    "action_plans:realisation_return": (
        lambda o: {"pk": o["realisation"].pk},
        "",
        only(405, "sekretariat"),  # POST only
    ),
    "action_plans:evidence": (
        lambda o: {"pk": o["realisation_evidence"].pk},
        "",
        members(petugas=404),
    ),
    "action_plans:realisation_evidence": (
        lambda o: {"pk": o["realisation"].pk},
        "",
        members(405),  # POST only
    ),
    # The four-pillar evaluation: the leadership reads, the secretariat also writes.
    "evaluations:index": (None, "", only(200, "sekretariat", "pimpinan")),
    "evaluations:readiness": (
        lambda o: {"year": 2024},
        "",
        only(200, "sekretariat", "pimpinan"),
    ),
    "evaluations:framework": (
        lambda o: {"year": 2024},
        "",
        only(200, "sekretariat", "pimpinan"),
    ),
    "evaluations:detail": (
        lambda o: {"year": 2024, "scope": "B04"},
        "",
        only(200, "sekretariat", "pimpinan"),
    ),
    "evaluations:drilldown": (
        lambda o: {"year": 2024, "scope": "tahun", "code": "evaluasi.laporan_tepat_waktu"},
        "",
        only(200, "sekretariat", "pimpinan"),
    ),
    "evaluations:manual_score": (
        lambda o: {"year": 2024, "scope": "B04", "code": "kolaborasi.solusi_bersama"},
        "",
        only(200, "sekretariat"),
    ),
    "evaluations:finalise": (
        lambda o: {"year": 2024, "scope": "B04"},
        "",
        only(405, "sekretariat", "pimpinan"),  # POST only
    ),
    "evaluations:refresh": (
        lambda o: {"year": 2024, "scope": "B04"},
        "",
        only(405, "sekretariat", "pimpinan"),  # POST only (and the secretariat's)
    ),
    "evaluations:province_result": (
        lambda o: {"year": 2024, "scope": "B04"},
        "",
        only(200, "sekretariat"),
    ),
    "evaluations:evidence": (
        lambda o: {"pk": 999_999},  # the evidence files' own tests are in tests/evaluations
        "",
        only(404, "sekretariat", "pimpinan"),
    ),
    # Official documents: the 2024 plan's annual report, an issued RAT document, the letterhead.
    "reports:index": (None, "", only(200, "sekretariat", "pimpinan")),
    "reports:logo": (None, "", only(200, "sekretariat", "pimpinan")),
    "reports:download": (
        lambda o: {"pk": o["issued_report"].pk},
        "",
        only(200, "sekretariat", "pimpinan"),
    ),
    "reports:narrative": (lambda o: {"year": 2024}, "", only(200, "sekretariat")),
    "reports:preview": (lambda o: {"year": 2024, "kind": "tahunan"}, "", only(200, "sekretariat")),
    "reports:draft": (lambda o: {"year": 2024, "kind": "tahunan"}, "", only(200, "sekretariat")),
    "reports:issue": (
        lambda o: {"year": 2024, "kind": "tahunan"},
        "",
        only(405, "sekretariat"),  # POST only
    ),
}


# --- the URLconf, walked ------------------------------------------------------------------------


def named_urls(urlconf=None) -> set[str]:
    """Every named URL of the portal, as `namespace:name`."""

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in SKIPPED_NAMESPACES:
                    continue
                namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
                yield from walk(pattern.url_patterns, namespace)
            elif isinstance(pattern, URLPattern) and pattern.name not in {None, *SKIPPED_NAMES}:
                yield prefix + pattern.name

    return set(walk(get_resolver(urlconf).url_patterns, ""))


def undeclared_urls(urlconf=None) -> set[str]:
    return named_urls(urlconf) - set(EXPECTATIONS)


def test_every_named_url_declares_what_each_persona_gets():
    missing = undeclared_urls()
    assert not missing, (
        "No expected answer per persona declared in tests/project/test_url_matrix.py "
        "EXPECTATIONS for: " + ", ".join(sorted(missing))
    )
    stale = set(EXPECTATIONS) - named_urls()
    assert not stale, "EXPECTATIONS names URLs that no longer exist: " + ", ".join(sorted(stale))
    for name, (_kwargs, _query, codes) in EXPECTATIONS.items():
        assert set(codes) == set(PERSONAS), name


def test_a_url_added_without_expectation_is_named():
    assert undeclared_urls("tests.project.url_matrix_urls") == {"probe:undeclared"}


# --- the fixture objects ------------------------------------------------------------------------


def jpeg_upload(name="bukti.jpg"):
    return SimpleUploadedFile(name, jpeg_bytes(), content_type="image/jpeg")


@pytest.fixture
def users(roles, petugas, sekretariat, pimpinan, admin_user):
    dinsos = AgencyFactory(name="Dinas Sosial", acronym="Dinsos")
    return {
        "anonymous": None,
        "no_role": UserFactory(username="tanpa-peran"),
        "petugas": petugas,
        "operator": UserFactory(username="operator", agency=dinsos, roles=[Role.PETUGAS]),
        "sekretariat": sekretariat,
        "pimpinan": pimpinan,
        "admin": admin_user,
    }


@pytest.fixture
def objects(users, kecamatan, django_capture_on_commit_callbacks):
    # Evidence files are written when the transaction commits; a test's transaction never does.
    with django_capture_on_commit_callbacks(execute=True):
        return _objects(users, kecamatan)


def _objects(users, kecamatan):
    secretariat, operator = users["sekretariat"], users["operator"]
    reporter = UserFactory(username="pelapor-lain", roles=[Role.PETUGAS])
    incident = IncidentFactory(kecamatan=kecamatan, reported_by=reporter, status="diverifikasi")
    incident_services.step_add(
        incident=incident,
        step=HandlingStep(
            date=date.today(),
            stage="pencegahan",
            action_type="mediasi",
            description="Mediasi di balai desa bersama Dinas Sosial.",
        ),
        agencies=[operator.agency],
        by=secretariat,
    )
    evidence = incident_services.evidence_attach(
        incident=incident, upload=jpeg_upload(), by=reporter
    )
    conflict_status = ConflictStatus.objects.create(
        decree_number="188/01/415.10.1.3/2024",
        scope="Kecamatan Diwek",
        start_date=date(2024, 3, 1),
        end_date=date(2024, 5, 29),
    )
    plan = plan_services.plan_create(year=2024, scheme=PeriodScheme.CATURWULAN, by=secretariat)
    add_activity(plan, secretariat, code="1.1", agency=operator.agency)
    plan = plan_services.plan_establish(
        plan=plan, by=secretariat, decree_reference="SK 188/2024", decree_date=date(2024, 1, 2)
    )
    activity = plan.activities.get(code="1.1")
    realisation = plan_services.realisation_save(
        realisation=Realisation(
            activity=activity,
            period=plan.periods.get(code="B04"),
            achieved_value=Decimal(1),
            narrative="Rapat koordinasi terlaksana.",
            budget_spent=1_000_000,
        ),
        by=operator,
        files=[jpeg_upload()],
        submit=True,
    )
    pdf = b"%PDF-1.7\n% issued for the URL matrix\n%%EOF\n"
    issued_report = IssuedReport(
        kind="rat",
        year=2024,
        version=1,
        title="Naskah RAT 2024",
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        issued_by=secretariat,
        issued_at=timezone.now(),
    )
    issued_report.file.save("rat.pdf", ContentFile(pdf), save=True)
    Letterhead().logo.save("logo.jpg", ContentFile(jpeg_bytes()), save=True)
    return {
        "kecamatan": kecamatan,
        "issued_report": issued_report,
        "incident": incident,
        "incident_evidence": evidence,
        "conflict_status": conflict_status,
        "activity": activity,
        "realisation": realisation,
        "realisation_evidence": realisation.evidence.get(),
    }


# --- the matrix ---------------------------------------------------------------------------------


def answer(response) -> int | str:
    if response.status_code == 302 and response.url.startswith("/akun/masuk/?next="):
        return LOGIN
    if response.status_code == 403 and "Akun Anda belum punya peran" in response.content.decode():
        return NO_ROLE
    return response.status_code


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_url_answers_each_persona_as_declared(client, users, objects, persona):
    if users[persona] is not None:
        client.force_login(users[persona])
    wrong = []
    for name, (kwargs, query, codes) in sorted(EXPECTATIONS.items()):
        url = reverse(name, kwargs=kwargs(objects) if kwargs else None)
        if query:
            url += f"?{query}={objects[query].pk}"
        got = answer(client.get(url))
        if got != codes[persona]:
            wrong.append(f"{name} ({url}): expected {codes[persona]}, got {got}")
    assert not wrong, f"{persona}:\n" + "\n".join(wrong)
