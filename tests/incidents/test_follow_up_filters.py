"""The list filters the dashboards link to: own reports, follow-up present or not, and handling
steps of a type since a date (both read against the same step)."""

from datetime import date

import pytest

from incidents.models import HandlingStep
from tests.factories import IncidentFactory


def listed(client, query):
    return {i.reference for i in client.get(f"/laporan/?{query}").context["incidents"]}


@pytest.fixture
def reports(kecamatan, petugas_unscoped, sekretariat):
    mine = IncidentFactory(kecamatan=kecamatan, reported_by=sekretariat, status="diverifikasi")
    theirs = IncidentFactory(kecamatan=kecamatan, reported_by=petugas_unscoped, status="ditangani")
    for incident, action_type, day in [
        (theirs, "mediasi", date(2026, 3, 1)),
        (mine, "patroli", date(2026, 3, 1)),
        (mine, "dialog", date(2025, 12, 1)),
    ]:
        HandlingStep.objects.create(
            incident=incident,
            date=day,
            stage="pencegahan",
            action_type=action_type,
            description="Uji",
            created_by=sekretariat,
        )
    bare = IncidentFactory(kecamatan=kecamatan, reported_by=petugas_unscoped, status="diverifikasi")
    return mine, theirs, bare


def test_mine(client, reports, sekretariat):
    mine, theirs, bare = reports
    client.force_login(sekretariat)
    assert listed(client, "mine=true") == {mine.reference}
    assert listed(client, "mine=false") == {theirs.reference, bare.reference}


def test_has_steps(client, reports, sekretariat):
    mine, theirs, bare = reports
    client.force_login(sekretariat)
    assert listed(client, "has_steps=false") == {bare.reference}
    assert listed(client, "has_steps=true") == {mine.reference, theirs.reference}


def test_step_type_and_date_match_the_same_step(client, reports, sekretariat):
    mine, theirs, _bare = reports
    client.force_login(sekretariat)
    both = {mine.reference, theirs.reference}
    assert listed(client, "step_type=dialog&step_type=mediasi") == both
    # `mine` had a dialogue in 2025 and a patrol in 2026: no dialogue or mediation since 2026.
    assert listed(client, "step_type=dialog&step_type=mediasi&step_from=2026-01-01") == {
        theirs.reference
    }
    assert listed(client, "step_type=rekonsiliasi") == set()


@pytest.mark.parametrize("query", ["has_steps=mungkin", "step_type=sulap", "step_from=kemarin"])
def test_bad_values_are_refused_kindly(client, reports, sekretariat, query):
    client.force_login(sekretariat)
    assert client.get(f"/laporan/?{query}").status_code == 200
