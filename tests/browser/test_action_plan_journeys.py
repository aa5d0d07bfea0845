"""The RAT journeys: the secretariat builds and establishes a plan, an agency operator reports
realisations with evidence, lateness is shown, a return for correction and the resubmission."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from accounts.choices import Role
from action_plans.models import ActionPlan, Realisation
from tests import helpers
from tests.factories import AgencyFactory, UserFactory

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


@pytest.fixture
def agencies(db):
    return {
        "bakesbangpol": AgencyFactory(
            name="Badan Kesatuan Bangsa dan Politik", acronym="Bakesbangpol"
        ),
        "polres": AgencyFactory(name="Kepolisian Resor Jombang", acronym="Polres Jombang"),
        "dinsos": AgencyFactory(name="Dinas Sosial", acronym="Dinsos"),
    }


@pytest.fixture
def operator(roles, agencies):
    return UserFactory(
        username="operator",
        first_name="Ani",
        last_name="Dinsos",
        agency=agencies["dinsos"],
        roles=[Role.PETUGAS],
    )


def add_activity(page, *, code, stage, title, responsible, supporting=None, pillar):
    page.get_by_role("link", name="Tambah kegiatan").click()
    page.get_by_label("Kode").fill(code)
    page.get_by_label("Tahap").select_option(stage)
    page.get_by_label(pillar).check()
    page.get_by_label("Kegiatan", exact=True).fill(title)
    page.get_by_label("Penanggung jawab").select_option(label=responsible)
    if supporting:
        page.get_by_label("Instansi pendukung").select_option(label=supporting)
    page.get_by_label("Indikator keberhasilan").fill("Kegiatan terlaksana")
    page.get_by_label("Satuan").fill("kali")
    for period, value in (("B04", "1"), ("B08", "1"), ("B12", "2")):
        page.get_by_label(f"Target {period}").fill(value)
    page.get_by_label("Anggaran (Rp)").fill("15000000")
    page.get_by_role("button", name="Simpan kegiatan").click()
    expect(page.locator(".alert-success")).to_contain_text(f"Kegiatan {code} tersimpan")


def test_secretariat_builds_and_establishes_a_plan_with_all_three_stages(
    sign_in, page, sekretariat, agencies
):
    sign_in(page, sekretariat.username)
    page.goto("/rat/")
    page.get_by_label("Tahun").fill("2024")
    page.get_by_role("button", name="Buat draf rencana").click()
    expect(page.get_by_role("heading", name="Matriks RAT 2024")).to_be_visible()
    expect(page.get_by_test_id("plan-status")).to_have_text("Draf")

    add_activity(
        page,
        code="1.1",
        stage="pencegahan",
        title="Rapat koordinasi deteksi dini",
        responsible="Bakesbangpol — Badan Kesatuan Bangsa dan Politik",
        supporting="Polres Jombang — Kepolisian Resor Jombang",
        pillar="Kolaborasi lintas sektor",
    )
    add_activity(
        page,
        code="2.1",
        stage="penghentian",
        title="Patroli gabungan titik rawan",
        responsible="Polres Jombang — Kepolisian Resor Jombang",
        pillar="Komunikasi efektif",
    )
    add_activity(
        page,
        code="3.1",
        stage="pemulihan",
        title="Pendampingan psikososial korban",
        responsible="Dinsos — Dinas Sosial",
        pillar="Inklusivitas",
    )

    matrix = page.get_by_test_id("matrix")
    for stage in ("Pencegahan", "Penghentian", "Pemulihan pascakonflik"):
        expect(matrix).to_contain_text(stage)
    expect(page.get_by_test_id("activity-row")).to_have_count(3)

    page.get_by_label("Nomor SK penetapan").fill("188/123/415.10.1.3/2024")
    page.get_by_label("Tanggal SK").fill("2024-01-15")
    page.get_by_label("Saya mengerti: rencana dikunci").check()
    page.get_by_role("button", name="Tetapkan rencana").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("Ditetapkan")
    plan = ActionPlan.objects.get(year=2024)
    assert plan.status == "ditetapkan" and plan.decree_reference.startswith("188/")

    # The filter narrows the matrix to one agency's activities (responsible or supporting); it
    # is the agency picker, labelled as on the activity form.
    page.get_by_label("Instansi", exact=True).select_option(
        label="Polres Jombang — Kepolisian Resor Jombang"
    )
    page.get_by_role("button", name="Terapkan").click()
    expect(page.get_by_test_id("activity-row")).to_have_count(2)


@pytest.fixture
def established(sekretariat, agencies):
    from action_plans import services

    plan = services.plan_create(year=2024, scheme="caturwulan", by=sekretariat)
    helpers.add_activity(
        plan, sekretariat, code="3.1", agency=agencies["dinsos"], stage="pemulihan"
    )
    helpers.add_activity(plan, sekretariat, code="1.1", agency=agencies["bakesbangpol"])
    services.plan_establish(
        plan=plan, by=sekretariat, decree_reference="SK 188/2024", decree_date=date(2024, 1, 2)
    )
    # The B08 report is due far in the future here, so a report now is on time.
    plan.periods.filter(code="B08").update(due_date="2099-01-10")
    return plan


def report(page, activity, period, tmp_path, narrative):
    page.goto(f"/rat/kegiatan/{activity.pk}/realisasi/{period}/")
    page.get_by_label("Capaian").fill("1")
    page.get_by_label("Realisasi anggaran (Rp)").fill("2500000")
    page.get_by_label("Uraian pelaksanaan").fill(narrative)
    evidence = tmp_path / f"notulen-{period}.pdf"
    evidence.write_bytes(MINIMAL_PDF)
    page.get_by_label("Data dukung (foto, notulen, daftar hadir)").set_input_files(str(evidence))
    page.get_by_role("button", name="Serahkan").click()


def test_operator_reports_lateness_shows_and_a_return_is_resubmitted(
    sign_in, browser, live_server, phone_page, operator, sekretariat, established, tmp_path
):
    activity = established.activities.get(code="3.1")
    page = phone_page
    sign_in(page, operator.username)
    page.goto("/")
    page.get_by_role("button", name="Buka menu").click()
    # The menu slides open; a tap on a link still sliding can miss it.
    expect(page.locator("#mainNav")).to_have_class(re.compile(r"\bshow\b"))
    page.locator("#mainNav").get_by_role("link", name="Kegiatan saya").click()
    expect(page.get_by_test_id("my-activities")).to_contain_text("3.1")
    expect(page.get_by_test_id("my-activities")).not_to_contain_text("1.1")

    # B04 (due 10 May 2024) is reported now: late.
    report(page, activity, "B04", tmp_path, "Pendampingan 12 keluarga korban")
    expect(page.locator(".alert-success")).to_contain_text("terlambat")
    b04 = page.get_by_test_id("period-B04")
    expect(b04.get_by_test_id("late")).to_be_visible()
    expect(b04).to_contain_text("notulen-B04.pdf")

    # B08 is reported before its due date: on time.
    report(page, activity, "B08", tmp_path, "Pendampingan lanjutan")
    b08 = page.get_by_test_id("period-B08")
    expect(b08).to_contain_text("Tepat waktu")
    expect(b08.get_by_test_id("late")).to_have_count(0)

    # The secretariat returns B08 for correction.
    context = browser.new_context(base_url=live_server.url, locale="id-ID")
    desk = context.new_page()
    sign_in(desk, sekretariat.username)
    desk.goto(f"/rat/2024/kegiatan/{activity.pk}/")
    desk.get_by_test_id("period-B08").get_by_label("Catatan perbaikan").fill(
        "Lampirkan daftar hadir"
    )
    desk.get_by_test_id("period-B08").get_by_role("button", name="Kembalikan").click()
    expect(desk.get_by_test_id("period-B08").get_by_test_id("realisation-status")).to_have_text(
        "Dikembalikan untuk perbaikan"
    )
    context.close()

    # The operator sees the note, corrects and resubmits.
    page.goto(f"/rat/2024/kegiatan/{activity.pk}/")
    expect(page.get_by_test_id("period-B08")).to_contain_text("Lampirkan daftar hadir")
    page.get_by_test_id("period-B08").get_by_role("link", name="Perbaiki realisasi").click()
    page.get_by_label("Uraian pelaksanaan").fill("Pendampingan lanjutan; daftar hadir terlampir")
    page.get_by_role("button", name="Serahkan").click()
    events = page.get_by_test_id("period-B08").get_by_test_id("events")
    expect(events).to_contain_text("Realisasi diserahkan")
    expect(events.locator("li").nth(1)).to_contain_text("Realisasi dikembalikan untuk perbaikan")
    expect(events.locator("li").nth(1)).to_contain_text("Lampirkan daftar hadir")
    expect(events).to_contain_text("Realisasi diserahkan ulang")

    saved = Realisation.objects.get(activity=activity, period__code="B08")
    assert saved.status == "diserahkan" and not saved.is_late
    assert saved.evidence.count() == 1
    assert saved.evidence.get().content_type == "application/pdf"
    assert Realisation.objects.get(activity=activity, period__code="B04").is_late


def test_operator_on_a_phone_types_rupiah_with_thousands_dots(
    sign_in, phone_page, operator, established, tmp_path
):
    """ "2.500.000" typed as the portal writes money is Rp 2.500.000: in a number box Chromium
    dropped a dot and Django answered that it wanted a whole number ("750.000" was Rp 750)."""
    activity = established.activities.get(code="3.1")
    page = phone_page
    sign_in(page, operator.username)
    page.goto(f"/rat/kegiatan/{activity.pk}/realisasi/B08/")
    page.get_by_label("Capaian").fill("1")
    spent = page.get_by_label("Realisasi anggaran (Rp)")
    spent.clear()  # a new realisation's form offers 0
    spent.press_sequentially("2.500.000")  # key by key, as on the phone's number pad
    expect(spent).to_have_value("2.500.000")
    page.get_by_label("Uraian pelaksanaan").fill("Pendampingan keluarga korban")
    evidence = tmp_path / "notulen.pdf"
    evidence.write_bytes(MINIMAL_PDF)
    page.get_by_label("Data dukung (foto, notulen, daftar hadir)").set_input_files(str(evidence))
    page.get_by_role("button", name="Serahkan").click()

    expect(page.get_by_test_id("period-B08")).to_contain_text("Rp 2.500.000")
    saved = Realisation.objects.get(activity=activity, period__code="B08")
    assert saved.budget_spent == 2_500_000
