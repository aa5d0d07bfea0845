"""The evaluation pages: who may open what (permission matrix), what they show, and pinned
query counts that do not grow with the number of records."""

import html
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.choices import RegionLevel
from evaluations import services
from evaluations.models import Evaluation, ManualScore, ManualScoreEvidence
from evaluations.selectors import framework_for
from tests import personas as build
from tests.evaluations.conftest import build_world
from tests.factories import RegionFactory, jpeg_bytes
from tests.helpers import submission_token

pytestmark = pytest.mark.django_db

READ_URLS = [
    "/evaluasi/",
    "/evaluasi/2024/kesiapan/",
    "/evaluasi/2024/kesiapan/?periode=B08",
    "/evaluasi/2024/bobot/",
    "/evaluasi/2024/B04/",
    "/evaluasi/2024/tahun/",
    "/evaluasi/2024/B04/rincian/evaluasi.laporan_selesai/",
    "/evaluasi/2024/tahun/rincian/komunikasi.dialog_mediasi_rakor/",
]
WRITE_URLS = [
    "/evaluasi/2024/B04/nilai/kolaborasi.solusi_bersama/",
    "/evaluasi/2024/B04/hasil-provinsi/",
]


@pytest.fixture
def evidence(world, sekretariat, django_capture_on_commit_callbacks):
    evaluation = services.evaluation_get_or_create(year=2024, scope="B04")
    # Evidence files reach the store when the transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        services.manual_score_save(
            evaluation=evaluation,
            indicator_code="kolaborasi.solusi_bersama",
            score=70,
            justification="Berita acara kesepakatan.",
            files=[SimpleUploadedFile("ba.jpg", jpeg_bytes(), "image/jpeg")],
            by=sekretariat,
        )
    return ManualScoreEvidence.objects.get()


class TestAccessMatrix:
    """The evaluation year and the personas are made once for the class (tests/conftest.py
    `shared`); every test still starts from them as made, its own changes rolled back."""

    @staticmethod
    def build_records():
        records = build.personas()
        other_kecamatan = RegionFactory(
            code="35.17.05",
            name="Wonosalam",
            level=RegionLevel.KECAMATAN,
            parent=records["kecamatan"].parent,
        )
        records["world"] = build_world(
            records["sekretariat"], records["kecamatan"], other_kecamatan
        )
        return records

    @pytest.fixture
    def world(self, records):
        return records["world"]

    @pytest.fixture
    def petugas(self, records):
        return records["petugas"]

    @pytest.fixture
    def sekretariat(self, records):
        return records["sekretariat"]

    @pytest.fixture
    def pimpinan(self, records):
        return records["pimpinan"]

    @pytest.fixture
    def admin_user(self, records):
        return records["admin_user"]

    @pytest.mark.parametrize("url", READ_URLS + WRITE_URLS)
    def test_anonymous_is_sent_to_login(self, client, world, url):
        response = client.get(url)
        assert response.status_code == 302
        assert "/akun/" in response["Location"]

    @pytest.mark.parametrize("persona", ["petugas", "admin_user"])
    @pytest.mark.parametrize("url", READ_URLS + WRITE_URLS)
    def test_field_officers_and_admins_have_no_access(self, request, client, world, persona, url):
        client.force_login(request.getfixturevalue(persona))
        assert client.get(url).status_code == 403

    @pytest.mark.parametrize("persona", ["sekretariat", "pimpinan"])
    @pytest.mark.parametrize("url", READ_URLS)
    def test_secretariat_and_leadership_read(self, request, client, world, persona, url):
        client.force_login(request.getfixturevalue(persona))
        assert client.get(url).status_code == 200

    @pytest.mark.parametrize("url", WRITE_URLS)
    def test_leadership_cannot_write(self, client, world, pimpinan, url):
        client.force_login(pimpinan)
        assert client.get(url).status_code == 403
        assert client.post(url, {"score": 50, "justification": "x"}).status_code == 403
        assert client.post("/evaluasi/2024/B04/final/", {"confirm": "on"}).status_code == 403
        assert client.post("/evaluasi/2024/bobot/", {}).status_code == 403
        assert not Evaluation.objects.filter(status="final").exists()


def test_operator_cannot_reach_evidence(client, evidence, petugas, pimpinan):
    url = f"/evaluasi/bukti/{evidence.pk}/"
    client.force_login(petugas)
    assert client.get(url).status_code == 403
    client.force_login(pimpinan)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/evaluasi/2024/B99/",
        "/evaluasi/1999/B04/",
        "/evaluasi/2024/B04/rincian/tidak.ada/",
        "/evaluasi/2024/B04/rincian/kolaborasi.solusi_bersama/",
        "/evaluasi/2024/B04/nilai/evaluasi.laporan_selesai/",
        "/evaluasi/bukti/999999/",
    ],
)
def test_unknown_things_in_the_url_are_404(client, world, sekretariat, url):
    client.force_login(sekretariat)
    assert client.get(url).status_code == 404


def test_page_shows_scores_and_drill_down_links(client, world, sekretariat):
    client.force_login(sekretariat)
    html = client.get("/evaluasi/2024/B04/").content.decode()
    assert 'data-testid="status">Draf' in html
    assert "/evaluasi/2024/B04/rincian/evaluasi.laporan_selesai/" in html
    assert "<svg" in html
    drill = client.get("/evaluasi/2024/B04/rincian/evaluasi.laporan_selesai/").content.decode()
    assert world["i1"].reference in drill
    assert world["i2"].reference not in drill


def test_drill_down_shows_only_what_the_reader_may_see(client, world, pimpinan):
    world["i1"].confidentiality = "terbatas"
    world["i1"].save()
    client.force_login(pimpinan)  # leadership sees restricted reports
    drill = client.get("/evaluasi/2024/B04/rincian/evaluasi.laporan_selesai/").content.decode()
    assert world["i1"].reference in drill


def test_scoring_finalising_and_recording_through_the_pages(client, world, sekretariat):
    client.force_login(sekretariat)
    bad = client.post(
        "/evaluasi/2024/B04/nilai/kolaborasi.solusi_bersama/", {"score": 150, "justification": ""}
    )
    assert bad.status_code == 400
    assert "sama dengan 100" in bad.content.decode()  # next to the field, nothing saved
    assert not Evaluation.objects.filter(manual_scores__isnull=False).exists()
    for code in [
        "kolaborasi.solusi_bersama",
        "komunikasi.keterbukaan_informasi",
        "inklusivitas.kelompok_rentan",
        "evaluasi.pelajaran_dicatat",
    ]:
        response = client.post(
            f"/evaluasi/2024/B04/nilai/{code}/",
            {
                "score": "75",
                "justification": "Notulen terlampir.",
                "files": [SimpleUploadedFile("notulen.jpg", jpeg_bytes(), "image/jpeg")],
            },
        )
        assert response.status_code == 302
    # Without the confirmation nothing is frozen.
    client.post("/evaluasi/2024/B04/final/", {})
    assert not Evaluation.objects.get(scope="B04").is_final
    client.post("/evaluasi/2024/B04/final/", {"confirm": "on"})
    assert Evaluation.objects.get(scope="B04").is_final
    # Twice is harmless.
    assert client.post("/evaluasi/2024/B04/final/", {"confirm": "on"}).status_code == 302
    response = client.post(
        "/evaluasi/2024/B04/hasil-provinsi/",
        {"province_rank": "6", "province_score": "88,5", "province_award": "", "province_note": ""},
    )
    assert response.status_code == 302
    assert Evaluation.objects.get(scope="B04").province_rank == 6
    bad = client.post("/evaluasi/2024/B04/hasil-provinsi/", {"province_rank": "-1"})
    assert bad.status_code == 400


def test_weights_page_refuses_a_wrong_sum_with_a_message(client, world, sekretariat):
    client.force_login(sekretariat)
    page = client.get("/evaluasi/2027/bobot/")
    data = {name: str(field.initial) for name, field in page.context["form"].fields.items()}
    data["pillar__kolaborasi"] = "30"
    response = client.post("/evaluasi/2027/bobot/", data)
    assert response.status_code == 400
    assert "Jumlah bobot keempat pilar harus 100 (sekarang 105)." in response.content.decode()
    # A weight out of range is told next to its field, tied to it for screen readers.
    data["pillar__kolaborasi"] = "150"
    page = client.post("/evaluasi/2027/bobot/", data).content.decode()
    assert 'aria-describedby="id_pillar__kolaborasi_error"' in page
    assert '<div class="text-danger small" id="id_pillar__kolaborasi_error">' in page
    data["pillar__kolaborasi"] = "25"
    assert client.post("/evaluasi/2027/bobot/", data).status_code == 302


def weights_form(client, url) -> dict:
    form = client.get(url).context["form"]
    return {name: str(form[name].value()) for name in form.fields}


def test_weights_saved_meanwhile_are_not_undone_unseen(client, world, sekretariat):
    # Two members open the weights; one moves five points from Komunikasi to Kolaborasi, the
    # other (still seeing the old weights) changes indicator weights only.
    client.force_login(sekretariat)
    url = "/evaluasi/2027/bobot/"
    first, second = weights_form(client, url), weights_form(client, url)
    assert first["opened"]
    moved = {**first, "pillar__kolaborasi": "30", "pillar__komunikasi": "20"}
    assert client.post(url, moved).status_code == 302

    response = client.post(url, second)

    assert response.status_code == 400
    page = " ".join(html.unescape(response.content.decode()).split())
    assert "Bobot ini diubah orang lain sejak Anda membukanya: " in page
    assert "Kolaborasi lintas sektor: 25 → 30" in page and "Komunikasi efektif: 25 → 20" in page
    assert framework_for(2027).pillars.get(code="kolaborasi").weight == 30
    # Sent again from that page, it saves knowingly.
    again = {**second, "opened": response.context["form"]["opened"].value()}
    assert client.post(url, again).status_code == 302
    assert framework_for(2027).pillars.get(code="kolaborasi").weight == 25


def count(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "url",
    [
        "/evaluasi/2024/B04/",
        "/evaluasi/2024/tahun/",
        "/evaluasi/2024/kesiapan/?periode=B04",
        "/evaluasi/2024/B04/rincian/komunikasi.dialog_mediasi_rakor/",
    ],
)
def test_query_counts_do_not_grow_with_records(client, world, sekretariat, url):
    from tests.evaluations.conftest import at, incident, report, step

    client.force_login(sekretariat)
    client.get(url)
    before = count(client, url)
    for n in range(5):
        item = incident(
            reported=at(2024, 2, 1 + n),
            status="ditangani",
            kecamatan=world["i1"].kecamatan,
            by=sekretariat,
        )
        step(item, item.reported_at.date(), "dialog", agencies=[world["polres"]], by=sekretariat)
    world["r11_b08"].delete()
    report(world["a11"], "B08", 2, at(2024, 8, 30), by=sekretariat, evidence=True)
    assert count(client, url) == before


def test_a_manual_score_sent_twice_from_one_form_stores_its_files_once(
    client, world, sekretariat, django_capture_on_commit_callbacks
):
    client.force_login(sekretariat)
    url = "/evaluasi/2024/B04/nilai/kolaborasi.solusi_bersama/"
    token = submission_token(client.get(url))
    with django_capture_on_commit_callbacks(execute=True):
        for _tap in range(2):  # a double tap, or a resend after a lost answer
            photo = SimpleUploadedFile("ba.jpg", jpeg_bytes(), "image/jpeg")
            data = {"score": 70, "justification": "Berita acara.", "files": photo}
            answer = client.post(url, {**data, "submission_token": token}, follow=True)
    assert ManualScoreEvidence.objects.count() == 1
    assert "Formulir ini sudah terkirim sebelumnya" in answer.content.decode()


def province_form(client, url) -> dict:
    form = client.get(url).context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    return {name: str(value) for name, value in data.items()}


def test_a_province_result_recorded_meanwhile_is_not_written_over_unseen(
    client, world, sekretariat
):
    # Two members of the secretariat open the form; one corrects the rank, the other (still
    # seeing the old rank) adds the award and put the old rank back.
    client.force_login(sekretariat)
    url = "/evaluasi/2024/tahun/hasil-provinsi/"
    client.post(url, {"province_rank": "7", "province_score": "", "province_award": ""})
    first, second = province_form(client, url), province_form(client, url)
    assert first["province_rank"] == "7" and first["opened"]
    assert client.post(url, {**first, "province_rank": "6"}).status_code == 302

    response = client.post(url, {**second, "province_award": "Terbaik VI"})

    assert response.status_code == 400
    page = " ".join(html.unescape(response.content.decode()).split())
    assert "Hasil ini dicatat orang lain sejak Anda membukanya: " in page
    assert ": 7 → 6." in page and 'value="Terbaik VI"' in page
    evaluation = Evaluation.objects.get(year=2024, scope="tahun")
    assert (evaluation.province_rank, evaluation.province_award) == (6, "")
    # Sent again from that page, it saves knowingly.
    again = {
        **second,
        "province_award": "Terbaik VI",
        "opened": response.context["form"]["opened"].value(),
    }
    assert client.post(url, again).status_code == 302
    evaluation.refresh_from_db()
    assert (evaluation.province_rank, evaluation.province_award) == (7, "Terbaik VI")


def test_a_first_province_result_recorded_meanwhile_is_not_written_over_unseen(
    client, world, sekretariat
):
    # Both open the form before the year's evaluation exists; the first save creates it.
    client.force_login(sekretariat)
    url = "/evaluasi/2024/tahun/hasil-provinsi/"
    assert not Evaluation.objects.filter(year=2024, scope="tahun").exists()
    first, second = province_form(client, url), province_form(client, url)
    saved = {**first, "province_rank": "6", "province_award": "Terbaik VI"}
    assert client.post(url, saved).status_code == 302

    response = client.post(url, {**second, "province_rank": "7"})

    assert response.status_code == 400
    page = " ".join(html.unescape(response.content.decode()).split())
    assert "Hasil ini dicatat orang lain sejak Anda membukanya: " in page
    evaluation = Evaluation.objects.get(year=2024, scope="tahun")
    assert (evaluation.province_rank, evaluation.province_award) == (6, "Terbaik VI")


def test_a_manual_score_saved_meanwhile_is_not_written_over_unseen(client, world, sekretariat):
    client.force_login(sekretariat)
    url = "/evaluasi/2024/B04/nilai/kolaborasi.solusi_bersama/"
    first, second = (client.get(url).context["form"]["opened"].value() for _ in range(2))
    saved = {"score": "80,5", "justification": "Tiga forum lintas sektor.", "opened": first}
    assert client.post(url, saved).status_code == 302

    mine = {"score": "70", "justification": "Dua forum.", "opened": second}
    response = client.post(url, mine)

    assert response.status_code == 400
    page = " ".join(html.unescape(response.content.decode()).split())
    assert (
        "Nilai ini disimpan orang lain sejak Anda membukanya: Nilai: — → 80,5; Alasan penilaian: "
        "— → Tiga forum lintas sektor." in page
    )
    assert 'value="70"' in page and "Dua forum." in page
    (score,) = ManualScore.objects.all()
    assert (score.score, score.justification) == (Decimal("80.5"), "Tiga forum lintas sektor.")
    # Sent again from that page, it saves knowingly.
    again = {**mine, "opened": response.context["form"]["opened"].value()}
    assert client.post(url, again).status_code == 302
    score.refresh_from_db()
    assert (score.score, score.justification) == (70, "Dua forum.")
