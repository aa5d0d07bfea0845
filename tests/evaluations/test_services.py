"""Manual scores, finalising (freezing), the province's result and the weights."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from action_plans.models import Realisation
from core.log import data_lines
from core.models import ActivityLog
from evaluations import services
from evaluations.choices import EvaluationStatus
from evaluations.models import Framework, Indicator
from evaluations.selectors import evaluation_figures, framework_for
from tests.factories import jpeg_bytes

MANUAL = [
    "kolaborasi.solusi_bersama",
    "komunikasi.keterbukaan_informasi",
    "inklusivitas.kelompok_rentan",
    "evaluasi.pelajaran_dicatat",
]


def score_all(evaluation, by, score=Decimal(80)):
    for code in MANUAL:
        services.manual_score_save(
            evaluation=evaluation,
            indicator_code=code,
            score=score,
            justification="Notulen rapat dan daftar hadir terlampir.",
            by=by,
        )


def test_manual_score_with_evidence_counts_in_the_pillar(world, sekretariat):
    evaluation = services.evaluation_get_or_create(year=2024, scope="B04")
    before = evaluation_figures(2024, "B04").indicator("kolaborasi.solusi_bersama")
    assert before.score is None
    services.manual_score_save(
        evaluation=evaluation,
        indicator_code="kolaborasi.solusi_bersama",
        score=Decimal(90),
        justification="Kesepakatan damai I1 ditandatangani kedua pihak.",
        files=[SimpleUploadedFile("berita-acara.jpg", jpeg_bytes(), "image/jpeg")],
        by=sekretariat,
    )
    row = evaluation_figures(2024, "B04").indicator("kolaborasi.solusi_bersama")
    assert row.score == 90
    assert [name for _pk, name in row.evidence] == ["berita-acara.jpg"]
    assert ActivityLog.objects.filter(action="evaluations.score").count() == 1


def test_manual_score_needs_a_justification_and_the_secretariat(world, sekretariat, pimpinan):
    evaluation = services.evaluation_get_or_create(year=2024, scope="B04")
    with pytest.raises(ValidationError, match="alasan"):
        services.manual_score_save(
            evaluation=evaluation,
            indicator_code="kolaborasi.solusi_bersama",
            score=Decimal(90),
            justification="  ",
            by=sekretariat,
        )
    with pytest.raises(PermissionDenied):
        services.manual_score_save(
            evaluation=evaluation,
            indicator_code="kolaborasi.solusi_bersama",
            score=Decimal(90),
            justification="x",
            by=pimpinan,
        )
    with pytest.raises(ValidationError, match="tidak dinilai manual"):
        services.manual_score_save(
            evaluation=evaluation,
            indicator_code="evaluasi.laporan_selesai",
            score=Decimal(90),
            justification="x",
            by=sekretariat,
        )


def test_finalising_needs_every_manual_score(world, sekretariat):
    evaluation = services.evaluation_get_or_create(year=2024, scope="tahun")
    with pytest.raises(ValidationError, match="Nilai dulu indikator manual"):
        services.evaluation_finalise(evaluation=evaluation, by=sekretariat)


def test_a_final_evaluation_does_not_move(world, sekretariat, settings):
    evaluation = services.evaluation_get_or_create(year=2024, scope="tahun")
    score_all(evaluation, sekretariat)
    live = evaluation_figures(2024)
    services.evaluation_finalise(evaluation=evaluation, by=sekretariat)
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.FINAL

    # Later: reports resolved, realisations raised, a step added, weights and settings changed.
    world["i2"].status, world["i2"].resolution = "selesai", "damai"
    world["i2"].save()
    Realisation.objects.update(achieved_value=10, first_submitted_at=None)
    world["a11"].supporting_agencies.clear()
    settings.EVALUATION_DIALOGUE_TARGET = 1
    Indicator.objects.filter(code="evaluasi.laporan_selesai").update(weight=0)

    frozen = evaluation_figures(2024)
    assert frozen.status == EvaluationStatus.FINAL
    assert frozen.total == live.total
    assert frozen.classes == live.classes
    assert frozen.mean_achievement == live.mean_achievement
    for before, after in zip(live.indicators, frozen.indicators, strict=True):
        assert (after.code, after.raw, after.score, after.numerator, after.denominator) == (
            before.code,
            before.raw,
            before.score,
            before.numerator,
            before.denominator,
        )
        assert after.records == before.records
    # Scoring after final is refused, saying why.
    with pytest.raises(ValidationError, match="sudah final"):
        score_all(evaluation, sekretariat)
    with pytest.raises(ValidationError, match="sudah final"):
        services.evaluation_finalise(evaluation=evaluation, by=sekretariat)


def test_an_evaluation_finalised_in_english_is_frozen_in_indonesian(world, sekretariat):
    # The units and formulas are stored as text: finalised by someone reading the portal in
    # English, they showed in English on the Indonesian page and in the official PDF for good.
    evaluation = services.evaluation_get_or_create(year=2024, scope="tahun")
    score_all(evaluation, sekretariat)
    live = evaluation_figures(2024)
    with translation.override("en"):
        english = evaluation_figures(2024)
        services.evaluation_finalise(evaluation=evaluation, by=sekretariat)
    assert [r.mapping for r in english.indicators if r.mapping] != [
        r.mapping for r in live.indicators if r.mapping
    ]

    frozen = evaluation_figures(2024)

    assert frozen.status == EvaluationStatus.FINAL
    assert [(r.unit, r.mapping) for r in frozen.indicators] == [
        (r.unit, r.mapping) for r in live.indicators
    ]


def test_province_result_is_recorded_even_on_a_final_evaluation(world, sekretariat, pimpinan):
    evaluation = services.evaluation_get_or_create(year=2024, scope="tahun")
    score_all(evaluation, sekretariat)
    services.evaluation_finalise(evaluation=evaluation, by=sekretariat)
    services.province_result_record(
        evaluation=evaluation,
        rank=6,
        score=Decimal("87.25"),
        award="Terbaik VI",
        note="Diumumkan 19 Desember.",
        by=sekretariat,
    )
    evaluation.refresh_from_db()
    assert (evaluation.province_rank, evaluation.province_score) == (6, Decimal("87.25"))
    with pytest.raises(PermissionDenied):
        services.province_result_record(evaluation=evaluation, rank=1, score=None, by=pimpinan)


def weights(framework):
    pillars = {p.code: p.weight for p in framework.pillars.all()}
    indicators = {i.code: i.weight for p in framework.pillars.all() for i in p.indicators.all()}
    return pillars, indicators


def test_weights_must_add_up_to_100(default_framework, sekretariat):
    pillars, indicators = weights(framework_for(2027))
    pillars["kolaborasi"] = Decimal(30)
    with pytest.raises(ValidationError) as error:
        services.framework_weights_update(
            year=2027, pillar_weights=pillars, indicator_weights=indicators, by=sekretariat
        )
    assert error.value.messages == ["Jumlah bobot keempat pilar harus 100 (sekarang 105)."]
    pillars["kolaborasi"] = Decimal(25)
    indicators["komunikasi.dialog_mediasi_rakor"] = Decimal(40)
    with pytest.raises(ValidationError) as error:
        services.framework_weights_update(
            year=2027, pillar_weights=pillars, indicator_weights=indicators, by=sekretariat
        )
    assert error.value.messages == [
        "Jumlah bobot indikator pilar Komunikasi efektif harus 100 (sekarang 90)."
    ]
    assert Framework.objects.count() == 1


def test_changing_weights_for_2027_keeps_2025(default_framework, sekretariat):
    pillars, indicators = weights(framework_for(2027))
    pillars.update(kolaborasi=Decimal(40), komunikasi=Decimal(20), inklusivitas=Decimal(15))
    services.framework_weights_update(
        year=2027, pillar_weights=pillars, indicator_weights=indicators, by=sekretariat
    )
    assert framework_for(2025).valid_from == 2012
    assert framework_for(2025).pillars.get(code="kolaborasi").weight == 25
    assert framework_for(2028).valid_from == 2027
    assert framework_for(2028).pillars.get(code="kolaborasi").weight == 40
    assert framework_for(2028).pillars.get(code="evaluasi").indicators.count() == 5
    # Changing 2027 again edits that version instead of making another.
    services.framework_weights_update(
        year=2027, pillar_weights=pillars, indicator_weights=indicators, by=sekretariat
    )
    assert Framework.objects.count() == 2
    assert ActivityLog.objects.filter(action="evaluations.framework.change").count() == 2


def test_evaluation_entries_of_the_activity_log_read_in_indonesian(world, sekretariat):
    # Scored by someone reading the portal in English: the log keeps the evaluation's name as
    # text, and its data keys were shown raw ("indicator", "score", "files").
    evaluation = services.evaluation_get_or_create(year=2024, scope="B04")
    with translation.override("en"):
        services.manual_score_save(
            evaluation=evaluation,
            indicator_code="kolaborasi.solusi_bersama",
            score=Decimal("87.5"),
            justification="Notulen.",
            by=sekretariat,
        )
    entry = ActivityLog.objects.get(action="evaluations.score")
    with translation.override("id"):
        assert entry.object_repr == str(evaluation)
        assert dict(data_lines(entry.data)) == {
            "indikator": "kolaborasi.solusi_bersama",
            "nilai": "87.5",
            "berkas bukti": "0",
        }
