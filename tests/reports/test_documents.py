"""The figures in the PDFs equal the database (restated by hand from the fixture year)."""

import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import openpyxl
import pypdf
import pytest
import time_machine

from action_plans import services as plan_services
from action_plans.choices import PeriodScheme, RealisationStatus
from action_plans.models import Realisation
from incidents.models import Incident
from reports import documents
from tests.factories import (
    ActivityFactory,
    IncidentFactory,
    RealisationEvidenceFactory,
    TargetFactory,
)
from tests.reports.conftest import submit
from tests.reports.helpers import pdf_text, squash

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_period_report_figures_equal_the_database(year_2024):
    text = pdf_text(documents.build("period", 2024, "B08").pdf(draft=False))

    assert squash("Kabupaten Jombang Periode B08") in text
    # Class counts per stage: 1.1 200 % (melampaui), 1.2 75 % (mendekati), 2.1 100 %
    # (tercapai), 3.1 25 % and 3.2 nothing reported (di bawah).
    assert "Pencegahan10100" in text
    assert "Penghentian01000" in text
    assert "Pemulihanpascakonflik00020" in text
    assert "Jumlah11120" in text
    # Each activity capped at 100 % before the mean, as the evaluation counts it.
    assert squash("Rata-rata capaian kegiatan (tiap kegiatan dibatasi 100%): 60,0%") in text
    # Realisation, achievement, absorption and timeliness per activity.
    assert squash("1.1 Kegiatan 1.1") in text and "200,0%" in text and "25,0%" in text
    assert squash("20 September 2024, 10.00") in text and "terlambat" in text
    # Of the 5 reports owed: 3 on time, 1.2 late, 3.2 still missing after the due date.
    assert squash("Kegiatan yang wajib melapor 5 Disampaikan tepat waktu 3") in text
    assert squash("Disampaikan terlambat 1 Belum disampaikan, lewat batas 1") in text
    assert "Rp2.500.000" in text
    # The year's budget beside this period's spending, each named as what it is.
    assert squash("anggaran setahun Rp") in text and squash("terserap pada periode ini Rp") in text
    # Conflict situation: 5 official reports in May-August, 2 resolved.
    assert squash("Tercatat 5 laporan") in text
    assert squash("tingkat penyelesaian 40,0%") in text
    assert "Diwek4" in text and "Wonosalam1" in text
    assert "DRAF" not in text
    # Team from the decree, signature from the decree's secretary.
    assert squash("188/45/415.10.1.3/2024") in text
    assert "KepalaBadanUji" in text
    # The evidence annex lists the photo.
    assert "foto-rapat.jpg" in text


def test_an_activity_without_a_target_this_period_owes_no_realisation(year_2024, sekretariat):
    # A yearly meeting with a target in December only: the May-August report counted it among
    # the activities and marked it in red as not reported.
    meeting = ActivityFactory(plan=year_2024, code="1.3", title="Kegiatan 1.3", targets=False)
    TargetFactory(activity=meeting, period=year_2024.periods.get(code="B12"), value=1)
    # Reported in B08 anyway, and late: not counted among the activities that owed it ("5 of
    # 5", "2 late"), in the period report and in the annual one.
    b08 = year_2024.periods.get(code="B08")
    submit(meeting, b08, 1, when=datetime(2024, 9, 20, 10, tzinfo=WIB), by=sekretariat)
    yearly = ActivityFactory(plan=year_2024, code="1.4", title="Kegiatan 1.4", targets=False)
    TargetFactory(activity=yearly, period=year_2024.periods.get(code="B12"), value=1)

    text = pdf_text(documents.build("period", 2024, "B08").pdf(draft=False))

    assert squash("Kegiatan yang wajib melapor 5 Disampaikan tepat waktu 3") in text
    assert squash("Disampaikan terlambat 1 Belum disampaikan, lewat batas 1") in text
    assert squash("1.3 Kegiatan 1.3") in text
    assert squash("1.4 Kegiatan 1.4") in text and squash("tanpa target periode ini") in text
    assert text.count(squash("belum disampaikan")) == 1  # 3.2 only
    annual = pdf_text(documents.build("annual", 2024).pdf(draft=False))
    assert squash("B08 (Mei–Agustus) 10 September 2024 5 3 1 1 0") in annual


def test_notable_cases_carry_no_personal_data(year_2024):
    document = documents.build("period", 2024, "B08")
    text = pdf_text(document.pdf(draft=True))
    shown = Incident.objects.get(kecamatan__name="Wonosalam", kind="kejadian")
    restricted = Incident.objects.get(confidentiality="terbatas")
    assert shown.reference in text
    assert restricted.reference not in text
    assert squash(shown.title) not in text  # titles may name people: left out
    assert "PemudaDusunKrajan" not in text  # party names never appear
    assert "DRAF" in text


def test_a_quick_report_not_yet_classified_is_counted_as_such_so_the_tables_add_up(year_2024):
    # Submitted from the field, not completed yet: no conflict source, no form.
    IncidentFactory(
        status="diajukan",
        needs_completion=True,
        conflict_source="",
        aspect="",
        form="",
        occurred_at=datetime(2024, 6, 3, 10, tzinfo=WIB),
    )
    text = pdf_text(documents.build("period", 2024, "B08").pdf(draft=False))
    assert squash("Tercatat 6 laporan") in text
    assert text.count("Belumdiklasifikasi1") >= 2  # the tables by source and by form


def test_only_verified_events_are_described_and_unverified_reports_are_counted_as_such(
    year_2024,
):
    # A quick report of an event from the field, submitted and not verified yet: no form, no
    # conflict source, casualties unknown. It was the worst case listed, with blank cells.
    quick = IncidentFactory(
        kind="kejadian",
        status="diajukan",
        needs_completion=True,
        conflict_source="",
        aspect="",
        form="",
        likelihood=None,
        impact=None,
        killed=2,
        occurred_at=datetime(2024, 7, 20, 10, tzinfo=WIB),
    )
    verified = Incident.objects.get(kecamatan__name="Wonosalam", kind="kejadian")

    text = pdf_text(documents.build("period", 2024, "B08").pdf(draft=False))

    assert verified.reference in text
    assert quick.reference not in text
    assert "?/?/?" not in text and "2/?/?" not in text
    # Still counted in the period's figures (as the evaluation counts it), and said to be
    # unverified: the July potential conflict and this event.
    assert squash("Tercatat 6 laporan") in text
    assert (
        squash("Termasuk 2 laporan berstatus diajukan yang belum diverifikasi sekretariat.") in text
    )
    assert squash("1 laporan kejadian yang belum diverifikasi tidak dicantumkan.") in text
    assert squash("tanda ? pada jumlah korban berarti belum diketahui (bukan nol)") in text


def test_a_period_with_unverified_events_only_does_not_say_there_were_none(year_2024):
    IncidentFactory(event=True, status="diajukan", occurred_at=datetime(2024, 2, 5, tzinfo=WIB))

    text = pdf_text(documents.build("period", 2024, "B04").pdf(draft=False))

    assert squash("Belum ada kejadian konflik yang sudah diverifikasi.") in text
    assert squash("Tidak ada kejadian konflik pada periode ini.") not in text
    assert squash("1 laporan kejadian yang belum diverifikasi tidak dicantumkan.") in text


def test_annual_report_figures(year_2024, default_framework):
    text = pdf_text(documents.build("annual", 2024).pdf(draft=False))
    assert squash("Laporan Evaluasi Pelaporan Aksi Terpadu Penanganan Konflik Sosial") in text
    assert squash("Kabupaten Jombang Tahun 2024") in text
    # The year: 7 official reports (5 in B08, January, December), 3 resolved.
    assert squash("Tercatat 7 laporan") in text
    assert squash("tingkat penyelesaian 42,9%") in text
    assert "Diwek5" in text and "Wonosalam2" in text
    assert "Januari1" in text and "Agustus2" in text and "Desember1" in text
    # Periods side by side: B08 had 5 activities owing a report, 3 reported on time, 1 late,
    # 1 missing; 60 % achieved (each activity capped at 100 %).
    assert squash("B08 (Mei–Agustus) 10 September 2024 5 3 1 1 0") in text
    assert squash("B08 (Mei–Agustus) 60,0% 1 1 1 2 Rp2.500.000") in text
    # The four pillars come from the year's evaluation (live values while it is a draft).
    assert squash("Nilai empat pilar belum tersedia") not in text
    for pillar in ("Kolaborasi lintas sektor", "Komunikasi efektif", "Inklusivitas"):
        assert squash(pillar) in text
    assert squash("Nilai total") in text


def test_indicators_are_named_in_indonesian_not_by_their_code(year_2024, default_framework):
    text = pdf_text(documents.build("annual", 2024).pdf(draft=False))
    # Every activity of 2024 is run by one agency alone; the indicator reads as the evaluation
    # page names it, its raw value and score beside it.
    assert squash("Kegiatan RAT yang melibatkan dua instansi atau lebih 0% 0,0") in text
    assert squash("Dialog, mediasi, dan rapat koordinasi yang diselenggarakan") in text
    assert "kolaborasi." not in text and "komunikasi." not in text and "_" not in text


def test_a_draft_evaluation_is_printed_as_provisional_with_its_unscored_indicators(
    year_2024, default_framework
):
    # No evaluation of 2024 finalised, none of the four manual indicators scored.
    text = pdf_text(documents.build("annual", 2024).pdf(draft=False))
    assert squash("Nilai sementara — evaluasi belum final.") in text
    assert (
        squash(
            "Indikator yang dinilai sekretariat dan belum dinilai: "
            "Kesepakatan atau solusi bersama (win-win) yang dicapai "
            "Keterbukaan informasi dan komunikasi publik "
            "Suara kelompok rentan (perempuan, anak, penyandang disabilitas) didengar "
            "Pelajaran dicatat dan ditindaklanjuti dalam pencegahan"
        )
        in text
    )


@pytest.mark.parametrize(("day", "so_far"), [(5, True), (11, False)])
def test_the_year_s_figures_are_so_far_until_its_last_report_is_due(year_2024, day, so_far):
    # B12 of 2024 may still be reported until 10 January 2025.
    with time_machine.travel(datetime(2025, 1, day, 9, tzinfo=WIB), tick=False):
        text = pdf_text(documents.build("annual", 2024).pdf(draft=False))
    assert (squash("tahun 2024 (sampai saat ini)") in text) is so_far


def test_a_past_year_s_annual_report_names_its_year(year_2024):
    # Read in 2026: 2024 is over, its figures are not "so far".
    with time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=WIB), tick=False):
        text = pdf_text(documents.build("annual", 2024).pdf(draft=False))
    assert squash("Rata-rata capaian terhadap target tahun 2024") in text
    assert squash("Statistik konflik tahun 2024") in text
    assert "sampaisaatini" not in text and "tahunini" not in text


def test_this_year_s_annual_report_says_its_figures_are_so_far(year_2024):
    with time_machine.travel(datetime(2024, 12, 20, 9, tzinfo=WIB), tick=False):
        text = pdf_text(documents.build("annual", 2024).pdf(draft=True))
    assert squash("Rata-rata capaian terhadap target tahun 2024 (sampai saat ini)") in text


def test_a_year_without_conflict_says_so_for_the_year(plan):
    text = pdf_text(documents.build("annual", 2024).pdf(draft=False))
    assert squash("Tidak ada kejadian konflik pada tahun 2024.") in text
    assert "padaperiodeini" not in text


def test_the_annex_names_the_kind_of_each_file_not_its_mime_type(year_2024, sekretariat):
    realisation = Realisation.objects.get(activity__code="2.1")
    for name, content_type in [
        ("notulen.pdf", "application/pdf"),
        ("daftar-hadir.docx", DOCX),
    ]:
        RealisationEvidenceFactory(
            realisation=realisation,
            original_name=name,
            content_type=content_type,
            uploaded_by=sekretariat,
        )
    text = pdf_text(documents.build("period", 2024, "B08").pdf(draft=True))
    assert squash("1.1 foto-rapat.jpg Foto") in text
    assert squash("2.1 notulen.pdf PDF") in text
    assert squash("2.1 daftar-hadir.docx Dokumen") in text
    assert "image/jpeg" not in text and "application/" not in text


def test_annual_report_counts_evidence_of_submitted_realisations_only(year_2024, sekretariat):
    # 1.1's submitted realisation has a photo. 3.2's is a draft with a photo, and 1.2's was
    # returned to its agency after its photo: neither is evidence given to the secretariat.
    b08 = year_2024.periods.get(code="B08")
    draft = Realisation.objects.create(
        activity=year_2024.activities.get(code="3.2"),
        period=b08,
        achieved_value=1,
        narrative="Belum selesai",
        status=RealisationStatus.DRAFT,
    )
    returned = Realisation.objects.get(activity__code="1.2", period=b08)
    Realisation.objects.filter(pk=returned.pk).update(status=RealisationStatus.DIKEMBALIKAN)
    for realisation in (draft, returned):
        RealisationEvidenceFactory(realisation=realisation, uploaded_by=sekretariat)

    text = pdf_text(documents.build("annual", 2024).pdf(draft=False))

    assert squash("Kegiatan dengan data dukung 1 / 5") in text


def test_rat_document_lists_the_plan(year_2024):
    text = pdf_text(documents.build("rat", 2024).pdf(draft=False))
    title = "Rencana Aksi Terpadu Penanganan Konflik Sosial Kabupaten Jombang Tahun 2024"
    assert squash(title) in text
    for code in ("1.1", "1.2", "2.1", "3.1", "3.2"):
        assert squash(f"{code} Kegiatan {code}") in text
    assert "Rp50.000.000" in text  # five activities of Rp 10.000.000


def test_second_regency(second_regency, sekretariat):
    plan_services.plan_create(year=2025, scheme=PeriodScheme.CATURWULAN, by=sekretariat)
    karang, wonocolo = second_regency.children.order_by("code")
    when = datetime(2025, 2, 3, 9, tzinfo=WIB)
    for kecamatan, status in ((karang, "selesai"), (karang, "diajukan"), (wonocolo, "ditutup")):
        IncidentFactory(kecamatan=kecamatan, occurred_at=when, status=status)

    text = pdf_text(documents.build("period", 2025, "B04").pdf(draft=False))

    assert "PEMERINTAHKOTASURABAYA" in text  # the letterhead prints in capitals
    assert squash("Kota Surabaya Periode B04") in text
    assert "KarangPilang2" in text and "Wonocolo1" in text
    assert squash("tingkat penyelesaian 66,7%") in text
    assert "Jombang" not in text


def test_unknown_period_or_year_is_a_clear_message(year_2024):
    with pytest.raises(documents.DocumentUnavailable) as error:
        documents.build("period", 2024, "B99")
    assert "B04, B08, B12" in str(error.value.message)
    with pytest.raises(documents.DocumentUnavailable) as error:
        documents.build("annual", 2031)
    assert "2031" in str(error.value.message)


def test_rat_excel_has_the_document_title_and_signature(client, year_2024, sekretariat, settings):
    settings.PORTAL_SIGNER_NAME = "Drs. Penanda Tangan"
    settings.PORTAL_SIGNER_NIP = "19700101 199001 1 001"
    client.force_login(sekretariat)
    book = openpyxl.load_workbook(io.BytesIO(client.get("/rat/2024/ekspor.xlsx").content))
    cells = [str(v) for row in book.active.values for v in row if v is not None]
    assert cells[0] == (
        "Rencana Aksi Terpadu Penanganan Konflik Sosial Kabupaten Jombang Tahun 2024"
    )
    assert "Drs. Penanda Tangan" in cells
    assert "NIP 19700101 199001 1 001" in cells
    assert "Sekretaris Tim Terpadu Penanganan Konflik Sosial" in cells


def test_logo_and_evidence_thumbnail_are_embedded(year_2024, admin_user, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from reports.models import Letterhead
    from tests.factories import jpeg_bytes

    client.force_login(admin_user)
    response = client.post(
        "/admin/reports/letterhead/add/",
        {"logo": SimpleUploadedFile("logo.jpg", jpeg_bytes((120, 120)), "image/jpeg")},
    )
    assert response.status_code == 302
    assert Letterhead.objects.get().logo

    content = documents.build("period", 2024, "B08").pdf(draft=True)
    reader = pypdf.PdfReader(io.BytesIO(content))
    # Pages share one resource dictionary: count distinct images.
    images = {image.data for page in reader.pages for image in page.images}
    assert len(images) == 2  # the logo on the letterhead, the photo in the annex


def test_a_logo_that_is_not_an_image_is_refused(admin_user, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(admin_user)
    response = client.post(
        "/admin/reports/letterhead/add/",
        {"logo": SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", "image/png")},
    )
    assert response.status_code == 200
    assert "PNG atau JPEG" in response.content.decode()


def test_adding_a_second_letterhead_leads_to_the_one_there_is(admin_user, client):
    from reports.models import Letterhead

    letterhead = Letterhead.objects.create()
    client.force_login(admin_user)
    # The menu's "Tambah" leads to the one there is, saying so.
    response = client.get("/admin/reports/letterhead/add/", follow=True)
    assert response.redirect_chain == [(f"/admin/reports/letterhead/{letterhead.pk}/change/", 302)]
    assert "Kop surat sudah ada: ubah kop surat yang ada." in response.content.decode()
    assert client.get("/admin/reports/letterhead/").status_code == 200


def test_pillar_scores_and_indicators_are_printed_when_available(year_2024, monkeypatch):
    from dataclasses import dataclass, field

    @dataclass
    class Row:
        code: str
        name: str
        raw: Decimal
        unit: str
        score: Decimal

    @dataclass
    class Pillar:
        name: str
        weight: Decimal
        score: Decimal
        indicators: list = field(default_factory=list)

    @dataclass
    class Figures:
        total: Decimal
        pillars: list
        status: str = "final"
        unscored_manual: list = field(default_factory=list)

    figures = Figures(
        Decimal("78.4"),
        [
            Pillar(
                "Kolaborasi lintas sektor",
                Decimal(25),
                Decimal("81.5"),
                [Row("K1", "Kegiatan lintas instansi", Decimal(60), "%", Decimal("81.5"))],
            ),
            Pillar("Komunikasi efektif", Decimal(25), Decimal("75.3")),
        ],
    )
    monkeypatch.setattr(documents, "evaluation_figures", lambda year: figures)
    text = pdf_text(documents.build("annual", 2024).pdf(draft=False))
    assert "Kolaborasilintassektor2581,5" in text
    assert "Komunikasiefektif2575,3" in text
    assert "Nilaitotal78,4" in text
    assert "Kegiatanlintasinstansi60%81,5" in text
    assert "K1Kegiatan" not in text  # the code is the portal's key, not a reader's word
    assert "belumtersedia" not in text
    # Final: no provisional note.
    assert "Nilaisementara" not in text


def test_the_annex_is_bounded(year_2024, settings, sekretariat):
    realisation = Realisation.objects.get(activity__code="2.1")
    for n in range(3):
        RealisationEvidenceFactory(
            realisation=realisation, original_name=f"notulen-{n}.jpg", uploaded_by=sekretariat
        )
    settings.REPORTS_ANNEX_MAX_ITEMS = 2
    settings.REPORTS_ANNEX_MAX_THUMBNAILS = 1

    document = documents.build("period", 2024, "B08")

    assert len(document.context["annex"]) == 2
    assert len([image for image in document.images if image.key.startswith("thumb/")]) == 1
    text = pdf_text(document.pdf(draft=True))
    assert squash("4 berkas data dukung") in text
    assert squash("Ditampilkan 2 berkas pertama") in text


def test_class_thresholds_are_settings(year_2024, settings):
    settings.ACTION_CLASS_THRESHOLDS = [100, 20]  # 3.1 at 25 % now counts as close to target
    document = documents.build("period", 2024, "B08")
    pemulihan = next(line for line in document.context["classes"] if "Pemulihan" in line["stage"])
    assert pemulihan["counts"] == [0, 0, 1, 1]


def test_charts_are_the_same_svg_on_the_page_and_in_the_pdf(year_2024):
    """One helper (core.charts) draws every chart; the preview and the PDF embed the same
    markup, with nothing a strict CSP would refuse."""
    document = documents.build("annual", 2024)
    preview = document.html(pdf=False, draft=True)
    printed = document.html(pdf=True, draft=True)
    charts = [document.context[name] for name in ("month_chart", "period_chart", "source_chart")]
    for chart in charts:
        svg = str(chart)
        assert svg in preview and svg in printed
        assert "style=" not in svg


def test_the_letterhead_saves_without_a_new_logo_when_the_stored_file_is_gone(admin_user, client):
    # The stored logo was read again on every save: its file gone (a restore without the
    # media folder), the letterhead could not be saved at all (a 500).
    from reports.models import Letterhead

    letterhead = Letterhead.objects.create(logo="letterhead/hilang.png")
    client.force_login(admin_user)
    response = client.post(f"/admin/reports/letterhead/{letterhead.pk}/change/", {})
    assert response.status_code == 302
    assert Letterhead.objects.get().logo.name == "letterhead/hilang.png"


def test_an_english_reader_gets_the_preview_s_buttons_in_english_and_the_document_in_indonesian(
    client, year_2024, sekretariat, settings
):
    client.force_login(sekretariat)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/laporan-resmi/2024/rat/").content.decode()
    assert "Back to the report list" in page and "Kembali ke daftar laporan" not in page
    assert "Download draft PDF" in page
    assert "Dasar hukum" in page and "Legal basis" not in page
