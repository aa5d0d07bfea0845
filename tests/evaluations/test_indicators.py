"""Each computed indicator against the hand-built year in conftest.py, with its edges."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from action_plans.choices import PlanStatus
from action_plans.models import Realisation
from evaluations import indicators as ind
from evaluations.choices import ActionClass
from evaluations.indicators import scope_for
from evaluations.selectors import evaluation_figures

pytestmark = pytest.mark.django_db
WIB = ZoneInfo("Asia/Jakarta")


def run(code, year, scope):
    return ind.REGISTRY[code].function(scope_for(year, scope))


def test_every_indicator_is_empty_without_data(default_framework):
    """No plan, no reports: nothing to judge, no score (not zero), no records, no error."""
    for code, spec in ind.REGISTRY.items():
        result = spec.function(scope_for(2030, "tahun"))
        if code == "komunikasi.dialog_mediasi_rakor":
            assert (result.raw, result.score) == (0, 0)
        elif code == "inklusivitas.jenis_tokoh":
            assert result.score == 0
        else:
            assert result.score is None, code
        assert not any(result.records.values()), code
    figures = evaluation_figures(2023)  # a year gone by, with nothing recorded
    # Nothing to evaluate at all: no score, not the 0 that "no dialogue held" and "no leader
    # engaged" would give (tests/evaluations/test_no_data.py).
    assert not figures.has_data
    assert [p.score for p in figures.pillars] == [None, None, None, None]
    assert figures.total is None
    assert figures.activities == 0
    assert figures.classes == {c: 0 for c in ActionClass.values}
    # A year not started yet is not judged at all.
    assert evaluation_figures(2030).total is None


def test_activities_with_several_agencies(world):
    b04 = run("kolaborasi.kegiatan_lintas_instansi", 2024, "B04")
    assert (b04.numerator, b04.denominator, b04.score) == (1, 2, Decimal("50.0"))
    assert b04.records == {"activities": [world["a11"].pk]}
    # B08 plans 1.1 and 2.1 (1.2's target is 0, so it is not planned there).
    b08 = run("kolaborasi.kegiatan_lintas_instansi", 2024, "B08")
    assert (b08.numerator, b08.denominator) == (1, 2)


def test_agencies_with_realisations(world):
    b04 = run("kolaborasi.instansi_merealisasikan", 2024, "B04")
    assert (b04.numerator, b04.denominator, b04.score) == (2, 2, Decimal("100.0"))
    b08 = run("kolaborasi.instansi_merealisasikan", 2024, "B08")
    assert (b08.numerator, b08.denominator, b08.score) == (1, 2, Decimal("50.0"))
    assert b08.records == {"realisations": [world["r11_b08"].pk]}


def test_one_agency_alone_is_not_cross_sector(world):
    world["a11"].supporting_agencies.set([world["dinsos"]])  # itself: still one agency
    b04 = run("kolaborasi.kegiatan_lintas_instansi", 2024, "B04")
    assert (b04.numerator, b04.score) == (0, Decimal("0.0"))


def test_steps_with_several_agencies_leave_out_rejected_reports(world):
    result = run("kolaborasi.penanganan_lintas_instansi", 2024, "B04")
    assert (result.numerator, result.denominator, result.score) == (1, 3, Decimal("33.3"))
    assert result.records == {"steps": [world["s1"].pk]}


def test_dialogues_count_steps_and_realised_meetings(world, settings):
    settings.EVALUATION_DIALOGUE_TARGET = 6
    result = run("komunikasi.dialog_mediasi_rakor", 2024, "B04")
    # Dialog (I1) + mediation (I2) + the realised "Dialog kebangsaan"; I4 was rejected.
    assert result.raw == 3
    assert result.score == Decimal("50.0")
    assert sorted(result.records["steps"]) == sorted([world["s1"].pk, world["s3"].pk])
    assert result.records["realisations"] == [world["r11_b04"].pk]
    # Over the year the target is three periods' worth.
    year = run("komunikasi.dialog_mediasi_rakor", 2024, "tahun")
    assert (year.raw, year.denominator) == (4, 18)


def test_median_days_to_first_step(world, settings):
    settings.EVALUATION_RESPONSE_DAYS = [1, 14]
    result = run("komunikasi.hari_ke_penanganan", 2024, "B04")
    # I1: 2 days, I2: 7 days, I3 has no step yet (left out of the median, counted).
    assert result.raw == Decimal("4.5")
    assert (result.numerator, result.denominator) == (2, 3)
    assert result.score == Decimal("73.1")  # (14 - 4.5) / 13
    assert sorted(result.records["incidents"]) == sorted([world["i1"].pk, world["i2"].pk])


def test_days_score_mapping():
    assert ind.days_score(Decimal(0), 1, 14) == 100
    assert ind.days_score(Decimal(14), 1, 14) == 0
    assert ind.days_score(Decimal(30), 1, 14) == 0


def test_reports_engaging_leaders_and_kinds(world):
    engaged = run("inklusivitas.laporan_melibatkan_tokoh", 2024, "B04")
    assert (engaged.numerator, engaged.denominator) == (2, 2)
    kinds = run("inklusivitas.jenis_tokoh", 2024, "B04")
    assert (kinds.raw, kinds.score) == (2, Decimal("40.0"))  # religious and youth of five


def test_kecamatan_reached(world):
    result = run("inklusivitas.kecamatan_terjangkau", 2024, "B04")
    assert (result.numerator, result.denominator, result.score) == (2, 2, Decimal("100.0"))
    b08 = run("inklusivitas.kecamatan_terjangkau", 2024, "B08")
    assert b08.numerator == 0


def test_reports_on_time_with_target_zero_and_late_additions(world):
    b04 = run("evaluasi.laporan_tepat_waktu", 2024, "B04")
    # 1.1 on time, 1.2 late.
    assert (b04.numerator, b04.denominator, b04.score) == (1, 2, Decimal("50.0"))
    b08 = run("evaluasi.laporan_tepat_waktu", 2024, "B08")
    # Only 1.1 owed B08: 1.2's target is 0 and 2.1 joined after the due date.
    assert (b08.numerator, b08.denominator, b08.score) == (1, 1, Decimal("100.0"))
    year = run("evaluasi.laporan_tepat_waktu", 2024, "tahun")
    assert (year.numerator, year.denominator) == (2, 3)


def test_reports_on_time_when_all_late(world):
    late = datetime(2024, 12, 1, 9, tzinfo=WIB)
    Realisation.objects.update(first_submitted_at=late)
    result = run("evaluasi.laporan_tepat_waktu", 2024, "tahun")
    assert (result.numerator, result.denominator, result.score) == (0, 3, Decimal("0.0"))


def test_a_returned_report_not_handed_in_again_is_not_on_time(world):
    # 1.1's B04 came on time, then was returned for correction and never resubmitted.
    Realisation.objects.filter(pk=world["r11_b04"].pk).update(status="dikembalikan")
    b04 = run("evaluasi.laporan_tepat_waktu", 2024, "B04")
    assert (b04.numerator, b04.denominator, b04.score) == (0, 2, Decimal("0.0"))
    # Handed in again later, it counts by its first submission: on time.
    Realisation.objects.filter(pk=world["r11_b04"].pk).update(
        status="diserahkan", submitted_at=datetime(2024, 6, 1, 9, tzinfo=WIB)
    )
    b04 = run("evaluasi.laporan_tepat_waktu", 2024, "B04")
    assert (b04.numerator, b04.denominator) == (1, 2)


def test_a_draft_plan_owes_no_reports(world):
    world["plan"].status = PlanStatus.DRAFT
    world["plan"].save()
    assert run("evaluasi.laporan_tepat_waktu", 2024, "B04").score is None


def test_realisations_with_evidence_per_submitted_realisation(world):
    b04 = run("evaluasi.realisasi_berbukti", 2024, "B04")
    assert (b04.numerator, b04.denominator) == (1, 2)
    # 1.1 has evidence for B04 but none for B08: judged per realisation, so B08 has none.
    b08 = run("evaluasi.realisasi_berbukti", 2024, "B08")
    assert (b08.numerator, b08.denominator, b08.score) == (0, 1, Decimal("0.0"))


def test_reports_resolved(world):
    result = run("evaluasi.laporan_selesai", 2024, "B04")
    assert (result.numerator, result.denominator) == (1, 3)
    assert result.records == {"incidents": [world["i1"].pk]}


def test_achievement_is_uncapped_for_classes_and_capped_for_the_mean(world):
    b04 = evaluation_figures(2024, "B04")
    # 1.1: 3 of 2 = 150% (melampaui), 1.2: 3 of 4 = 75% (mendekati).
    assert b04.classes[ActionClass.MELAMPAUI] == 1
    assert b04.classes[ActionClass.MENDEKATI] == 1
    assert b04.mean_achievement == Decimal("87.5")  # (100 + 75) / 2
    b08 = evaluation_figures(2024, "B08")
    # 1.1: 1 of 2, 2.1: 0 of 1; 1.2 (target 0) is not counted at all.
    assert b08.classes[ActionClass.DI_BAWAH] == 2
    assert b08.activities == 2
    year = evaluation_figures(2024)
    # Summed over the year: 1.1 4 of 4 (tercapai), 1.2 3 of 4, 2.1 0 of 1.
    assert year.classes == {
        ActionClass.MELAMPAUI: 0,
        ActionClass.TERCAPAI: 1,
        ActionClass.MENDEKATI: 1,
        ActionClass.DI_BAWAH: 1,
    }
    assert year.mean_achievement == Decimal("58.3")
    assert year.classes_by_stage["pencegahan"][ActionClass.TERCAPAI] == 1


def test_class_thresholds_are_settings(world, settings):
    settings.ACTION_CLASS_THRESHOLDS = [100, 70]
    assert evaluation_figures(2024, "B04").classes[ActionClass.MENDEKATI] == 1
    settings.ACTION_CLASS_THRESHOLDS = [100, 80]
    assert evaluation_figures(2024, "B04").classes[ActionClass.DI_BAWAH] == 1


def test_pillar_and_total_scores_are_weighted(world):
    figures = evaluation_figures(2024, "B04")
    kolaborasi = next(p for p in figures.pillars if p.code == "kolaborasi")
    # (50 x 35 + 100 x 25 + 33.3 x 25) / 85: the manual one (15) is not scored yet.
    assert kolaborasi.score == Decimal("59.8")
    assert len(figures.unscored_manual) == 4
    assert figures.total is not None
