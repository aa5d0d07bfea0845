"""A draft evaluation's computed indicators are stored per period and year: a page reads them
(a fixed, small number of queries however many reports there are) and says when they were
computed; they are worked out again when older than EVALUATION_RESULTS_MAX_AGE, on request
("Hitung ulang", secretariat only), or by the timer command. Drill-downs and finalising compute
live, so the records listed and the frozen snapshot are never stale."""

import dataclasses
import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from evaluations import indicators, services
from evaluations.choices import YEAR_SCOPE
from evaluations.indicators import scope_for
from evaluations.models import Evaluation, Indicator, StoredResults
from evaluations.selectors import (
    RecountRunning,
    evaluation_figures,
    indicator_results,
    results_recount,
)
from reports import documents
from tests.evaluations.conftest import WIB, at, incident
from tests.helpers import recount_elsewhere

pytestmark = pytest.mark.django_db

PAGE = "/evaluasi/2024/B04/"
CODE = "evaluasi.laporan_selesai"


def resolved(client, url=PAGE):
    return client.get(url).context["figures"].indicator(CODE).numerator


def add_resolved_report(world, by):
    incident(reported=at(2024, 2, 3), status="selesai", kecamatan=world["i1"].kecamatan, by=by)


def status_line(response):
    page = response.content.decode()
    start = page.index('data-testid="status"')
    return " ".join(page[start : page.index("</p>", start)].split())


def test_page_shows_stored_values_with_their_time_until_refreshed(client, world, sekretariat):
    client.force_login(sekretariat)
    first = client.get(PAGE)  # nothing stored yet: worked out now, and stored
    assert "Draf · nilai terkini" in status_line(first)
    assert "baru saja dihitung dari data portal" in status_line(first)
    before = first.context["figures"].indicator(CODE).numerator
    second = client.get(PAGE)
    computed_at = StoredResults.objects.get(year=2024, scope="B04").computed_at
    assert "Draf · nilai tersimpan" in status_line(second)
    assert "dihitung pada" in status_line(second)
    assert timezone.localtime(computed_at, WIB).strftime("%H.%M") in status_line(second)
    assert "Hitung ulang sekarang" in second.content.decode()
    add_resolved_report(world, sekretariat)
    assert resolved(client) == before  # stored, and the page says since when
    # The drill-down lists what the figure counts now.
    drill = client.get(f"{PAGE}rincian/{CODE}/")
    assert drill.context["row"].numerator == before + 1
    response = client.post(f"{PAGE}hitung-ulang/")
    assert response.status_code == 302
    assert resolved(client) == before + 1


def test_results_older_than_the_limit_are_worked_out_again(client, world, sekretariat, settings):
    client.force_login(sekretariat)
    before = resolved(client)
    add_resolved_report(world, sekretariat)
    settings.EVALUATION_RESULTS_MAX_AGE = 30
    StoredResults.objects.update(computed_at=timezone.now() - timedelta(minutes=31))
    assert resolved(client) == before + 1
    assert StoredResults.objects.get(year=2024, scope="B04").computed_at > timezone.now() - (
        timedelta(minutes=1)
    )


def test_the_timer_command_refreshes_every_draft_scope(client, world, sekretariat):
    client.force_login(sekretariat)
    before = resolved(client)
    add_resolved_report(world, sekretariat)
    call_command("refresh_evaluation_results", year=[2024])
    assert set(StoredResults.objects.values_list("scope", flat=True)) >= {
        "B04",
        "B08",
        "B12",
        "tahun",
    }
    assert resolved(client) == before + 1


def test_finalising_freezes_live_values_with_their_records(client, world, sekretariat):
    client.force_login(sekretariat)
    before = resolved(client)
    add_resolved_report(world, sekretariat)
    evaluation = services.evaluation_get_or_create(year=2024, scope="B04")
    for code in ("kolaborasi.solusi_bersama",):
        services.manual_score_save(
            evaluation=evaluation,
            indicator_code=code,
            score=80,
            justification="BA.",
            by=sekretariat,
        )
    figures = client.get(PAGE).context["figures"]
    for row in figures.unscored_manual:
        services.manual_score_save(
            evaluation=evaluation,
            indicator_code=row.code,
            score=80,
            justification="BA.",
            by=sekretariat,
        )
    services.evaluation_finalise(evaluation=evaluation, by=sekretariat)
    row = Evaluation.objects.get(pk=evaluation.pk).snapshot
    frozen = next(r for p in row["pillars"] for r in p["indicators"] if r["code"] == CODE)
    assert frozen["numerator"] == before + 1 == len(frozen["records"]["incidents"])


@pytest.mark.parametrize("persona", ["pimpinan", "petugas"])
def test_only_the_secretariat_may_ask_for_a_recount(request, client, world, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(f"{PAGE}hitung-ulang/").status_code == 403
    if persona == "pimpinan":
        assert "Hitung ulang sekarang" not in client.get(PAGE).content.decode()


def test_a_recount_of_a_final_evaluation_changes_nothing(client, world, sekretariat):
    Evaluation.objects.create(year=2024, scope="B04", status="final", snapshot={"x": 1})
    client.force_login(sekretariat)
    response = client.post(f"{PAGE}hitung-ulang/")
    assert response.status_code == 302
    assert not StoredResults.objects.filter(scope="B04").exists()


# Each year's plan periods, evaluations, stored results and achievements are read once per page,
# and the framework versions once for both years (indicators.one_reading).
@pytest.mark.parametrize(("url", "queries"), [("/evaluasi/2024/tahun/", 17), (PAGE, 16)])
def test_pages_read_a_pinned_number_of_queries(
    client, world, sekretariat, url, queries, django_assert_num_queries
):
    client.force_login(sekretariat)
    client.get(url)  # computes and stores
    with django_assert_num_queries(queries):
        client.get(url)
    for _n in range(5):
        add_resolved_report(world, sekretariat)
    with django_assert_num_queries(queries):
        client.get(url)


def test_a_document_carries_values_worked_out_now_not_stored_ones(world, sekretariat):
    before = evaluation_figures(2024).indicator(CODE).numerator  # stores the year's values
    add_resolved_report(world, sekretariat)
    assert evaluation_figures(2024).indicator(CODE).numerator == before  # a page reads these
    assert documents.evaluation_figures(2024).indicator(CODE).numerator == before + 1


def test_a_computed_indicator_the_portal_cannot_work_out_has_an_empty_drill_down(
    client, world, sekretariat
):
    # A framework row added by hand under a code no function of the portal computes.
    Indicator.objects.filter(code=CODE).update(code="evaluasi.belum_tersedia")
    client.force_login(sekretariat)
    response = client.get(f"{PAGE}rincian/evaluasi.belum_tersedia/")
    assert response.status_code == 200
    assert response.context["row"].score is None


def test_while_another_session_recounts_readers_get_the_stale_values(
    world, sekretariat, monkeypatch
):
    scope = scope_for(2024, "B04")
    stored = indicator_results(scope, [CODE])
    add_resolved_report(world, sekretariat)
    StoredResults.objects.update(computed_at=stored.computed_at - timedelta(days=1))
    with recount_elsewhere(2024, "B04"):
        monkeypatch.setitem(indicators.REGISTRY, CODE, None)  # any computation would fail
        seen = indicator_results(scope, [CODE])
        assert seen.source == "recounting"
        assert seen.computed_at == stored.computed_at - timedelta(days=1)
        assert seen.values[CODE].numerator == stored.values[CODE].numerator
        with pytest.raises(RecountRunning):
            results_recount(scope, [CODE])


def test_with_nothing_stored_a_reader_works_the_values_out_while_another_recounts(world):
    with recount_elsewhere(2024, "B04"):
        computed = indicator_results(scope_for(2024, "B04"), [CODE])
    assert computed.source == "live"
    assert computed.values[CODE].numerator is not None
    assert not StoredResults.objects.exists()  # the recount under way stores them


def advisory_locks_held():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_a_failed_recount_lets_go_of_its_lock(world, sekretariat, monkeypatch):
    scope = scope_for(2024, "B04")
    spec = indicators.REGISTRY[CODE]

    def broken(scope):
        raise ZeroDivisionError

    monkeypatch.setitem(indicators.REGISTRY, CODE, dataclasses.replace(spec, function=broken))
    with pytest.raises(ZeroDivisionError):
        results_recount(scope, [CODE])
    assert advisory_locks_held() == 0
    monkeypatch.setitem(indicators.REGISTRY, CODE, spec)
    assert results_recount(scope, [CODE]).source == "live"
    assert advisory_locks_held() == 0


def test_the_timer_command_skips_a_scope_being_recounted(world):
    out = io.StringIO()
    with recount_elsewhere(2024, "B04"):
        call_command("refresh_evaluation_results", year=[2024], stdout=out)
    assert "2024 B04: sedang dihitung ulang, dilewati." in out.getvalue()
    assert "2024 B08: dihitung ulang." in out.getvalue()
    assert not StoredResults.objects.filter(scope="B04").exists()


@pytest.mark.parametrize("year", [0, 9999, 20255])
def test_the_timer_command_names_a_year_out_of_range(year):
    # A year past the calendar's end failed with ValueError or OverflowError: a traceback.
    with pytest.raises(CommandError, match=rf"--year harus antara 2012 dan 2100, bukan {year}\."):
        call_command("refresh_evaluation_results", year=[year])


def test_one_reading_gives_each_scope_the_same_figures_as_reading_it_alone(world, sekretariat):
    """The year page reads achievements, stored results and evaluations of the whole year once;
    each period must still get exactly its own."""
    codes = [YEAR_SCOPE] + [p.code for p in indicators.year_periods(2024)[0]]
    manual = Indicator.objects.filter(kind="manual").first()
    draft = Evaluation.objects.create(year=2024, scope="B04")
    draft.manual_scores.create(
        indicator_code=manual.code, score=80, justification="Rapat rutin", scored_by=sekretariat
    )
    alone = {}
    for code in codes:
        scope = scope_for(2024, code)
        alone[code] = (indicators.achievements(scope), evaluation_figures(2024, code))
    assert {len(alone[code][0]) for code in codes} != {0}  # there is something to compare
    with indicators.one_reading():
        for code in codes:
            scope = scope_for(2024, code)
            achievements = indicators.achievements(scope)
            figures = evaluation_figures(2024, code)
            assert achievements == alone[code][0], code
            assert scores(figures) == scores(alone[code][1]), code


def scores(figures):
    return figures.total, [
        (pillar.code, pillar.score, [(row.code, row.raw, row.score) for row in pillar.indicators])
        for pillar in figures.pillars
    ]
