"""Journeys of the authorization rules: an account without a role, and an agency operator
recording a handling step on a report their agency already handles."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.choices import Role
from incidents import services
from incidents.models import HandlingStep
from tests.browser.conftest import login
from tests.factories import AgencyFactory, IncidentFactory, UserFactory


def test_account_without_role_is_asked_to_contact_an_administrator(phone_page, roles, petugas):
    IncidentFactory(kecamatan=petugas.kecamatan, reported_by=petugas, title="Sengketa batas desa")
    UserFactory(username="tanpa-peran")
    page = phone_page
    login(page, "tanpa-peran")

    expect(page.get_by_test_id("no-role")).to_contain_text("Akun Anda belum punya peran")
    expect(page.get_by_test_id("no-role")).to_contain_text("Minta administrator portal")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # Typing a data page's address leads to the same page, without the data.
    page.goto("/laporan/")
    expect(page.get_by_test_id("no-role")).to_be_visible()
    expect(page.get_by_text("Sengketa batas desa")).to_have_count(0)

    # The menu keeps only signing out, which works.
    page.get_by_role("button", name="Buka menu").click()
    expect(page.get_by_role("link", name="Laporan konflik")).to_have_count(0)
    page.get_by_test_id("no-role").get_by_role("button", name="Keluar").click()
    expect(page.get_by_label("Nama pengguna")).to_be_visible()


@pytest.fixture
def handled_report(petugas, sekretariat):
    dinsos = AgencyFactory(name="Dinas Sosial", acronym="Dinsos")
    report = IncidentFactory(
        kecamatan=petugas.kecamatan,
        reported_by=petugas,
        status="diverifikasi",
        stage="pencegahan",
        title="Ketegangan warga soal bantuan sosial",
    )
    services.step_add(
        incident=report,
        step=HandlingStep(
            date=timezone.localdate(),
            stage="pencegahan",
            action_type="rapat_koordinasi",
            description="Rapat koordinasi dengan Dinas Sosial.",
        ),
        agencies=[dinsos],
        by=sekretariat,
    )
    return report


def test_operator_of_a_handling_agency_records_a_step(sign_in, phone_page, handled_report):
    UserFactory(
        username="operator-dinsos",
        agency=handled_report.steps.get().agencies.get(),
        roles=[Role.PETUGAS],
    )
    page = phone_page
    sign_in(page, "operator-dinsos")
    page.goto(handled_report.get_absolute_url())
    page.get_by_role("link", name="Tambah tindak lanjut").click()
    page.get_by_label("Tahap").select_option("pemulihan")
    page.get_by_label("Jenis tindakan").select_option("bantuan")
    page.get_by_label("Uraian").fill("Penyaluran bantuan sembako kepada warga terdampak.")
    page.get_by_role("button", name="Simpan tindak lanjut").click()

    expect(page.locator(".alert-success")).to_contain_text("Tindak lanjut tersimpan.")
    expect(page.get_by_test_id("step")).to_have_count(2)
    expect(page.get_by_test_id("step").filter(has_text="sembako")).to_contain_text(
        "Pemulihan pascakonflik"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # Only the secretariat moves the report to another stage.
    handled_report.refresh_from_db()
    assert handled_report.stage == "pencegahan"
