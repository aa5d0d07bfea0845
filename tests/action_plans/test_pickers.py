"""The activity form's searchable pickers: agencies grouped and labelled, linked reports limited
to the latest few before a search (issue 12)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from action_plans.models import Activity
from incidents.choices import Status
from tests.action_plans.test_bad_input import new_activity
from tests.action_plans.test_permissions import matrix_codes
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db


def select_html(html, name) -> str:
    match = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert match, name
    return match.group(0)


def option_labels(html) -> list[str]:
    return re.findall(r"<option value=\"\d+\"[^>]*>([^<]*)</option>", html)


@pytest.fixture
def as_planner(client, sekretariat):
    client.force_login(sekretariat)
    return client


def test_agencies_are_offered_as_acronym_and_full_name_grouped_by_kind(
    as_planner, plan, dinsos, polres
):
    html = as_planner.get("/rat/2024/kegiatan/baru/").content.decode()
    responsible = select_html(html, "responsible_agency")
    assert re.findall(r'<optgroup label="([^"]*)">', responsible) == [
        "Perangkat daerah (OPD)",
        "Polri",
    ]
    assert option_labels(responsible) == [
        "Bakesbangpol — Badan Kesatuan Bangsa dan Politik",
        "Dinsos — Dinas Sosial",
        "Polres Jombang — Kepolisian Resor Jombang",
    ]
    # The search box, hidden until the page's script shows it, asks for the same options.
    search = re.search(r'<input[^>]*aria-controls="id_responsible_agency"[^>]*>', html).group(0)
    assert 'hx-get="/pilihan/instansi/"' in search and " hidden" in search
    assert 'form=""' in search  # never submitted with the activity


def test_linked_reports_offer_the_latest_twenty_plus_the_linked_ones(
    as_planner, sekretariat, plan, dinsos, kecamatan
):
    now = timezone.now()
    old = IncidentFactory(
        title="Laporan lama",
        kecamatan=kecamatan,
        status=Status.DIAJUKAN,
        occurred_at=now - timedelta(days=400),
    )
    for day in range(25):
        IncidentFactory(
            kecamatan=kecamatan, status=Status.DIAJUKAN, occurred_at=now - timedelta(days=day + 1)
        )
    response = as_planner.post("/rat/2024/kegiatan/baru/", new_activity(dinsos, incidents=[old.pk]))
    assert response.status_code == 302  # a report outside the first twenty still validates
    activity = Activity.objects.get(code="4.1")
    assert list(activity.incidents.all()) == [old]

    html = as_planner.get(f"/rat/2024/kegiatan/{activity.pk}/ubah/").content.decode()
    linked = select_html(html, "incidents")
    labels = option_labels(linked)
    assert len(labels) == 21
    assert f"selected>{old.reference} — Laporan lama" in linked


def test_the_matrix_agency_filter_is_a_searchable_picker_that_filters(
    as_planner, established, dinsos, polres
):
    html = as_planner.get(f"/rat/2024/?agency={polres.pk}").content.decode()
    search = re.search(r'<input[^>]*aria-controls="id_agency"[^>]*>', html).group(0)
    assert 'hx-get="/pilihan/instansi/"' in search and " hidden" in search
    agency = select_html(html, "agency")
    assert re.search(rf'<option value="{polres.pk}" selected>Polres Jombang — ', agency)
    # Polres is responsible for 2.1 and supports 1.1: both rows, as before the picker.
    assert matrix_codes(html) == ["1.1", "2.1"]
    # The search of the filter keeps the chosen agency and finds another one.
    options = as_planner.get(
        "/pilihan/instansi/", {"q": "dinsos", "field": "agency", "agency": polres.pk, "blank": "1"}
    ).content.decode()
    assert option_labels(options) == [
        "Dinsos — Dinas Sosial",
        "Polres Jombang — Kepolisian Resor Jombang",
    ]


def test_an_inactive_or_unknown_agency_in_the_matrix_filter_is_explained(
    as_planner, established, dinsos
):
    dinsos.active = False
    dinsos.save()
    for value in (dinsos.pk, 999999):
        response = as_planner.get(f"/rat/2024/?agency={value}")
        assert response.status_code == 200
        assert "bukan salah satu dari pilihan yang tersedia" in response.content.decode()


def test_the_matrix_filters_offer_semua_for_no_filter(as_planner, established):
    html = as_planner.get("/rat/2024/").content.decode()
    assert "---------" not in html
    for name in ("agency", "stage", "pillar"):
        assert '<option value="" selected>Semua</option>' in select_html(html, name), name
