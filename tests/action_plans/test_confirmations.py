"""Confirmations before the plan's irreversible steps, the import page of a plan that is no
longer a draft, and required fields marked before submitting (issue 12)."""

import re

import pytest

from action_plans.models import ActionPlan, Activity
from tests.action_plans.test_bad_input import row as import_row
from tests.action_plans.test_bad_input import upload, workbook
from tests.action_plans.test_permissions import alerts, page

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_planner(client, sekretariat):
    client.force_login(sekretariat)
    return client


def test_starting_next_years_plan_asks_for_a_confirmation_first(as_planner, established):
    matrix = page(as_planner, "/rat/2024/")
    form = re.search(r'<form[^>]*data-testid="next-year".*?</form>', matrix, re.S).group(0)
    assert 'name="confirm"' in form
    assert "draf RAT 2025 dibuat sebagai salinan kegiatan dan target rencana ini" in alerts(form)

    response = as_planner.post("/rat/2024/lanjutkan/")
    assert response.status_code == 302 and response.url == "/rat/2024/"
    assert not ActionPlan.objects.filter(year=2025).exists()
    assert "Centang konfirmasi untuk memulai rencana tahun berikutnya." in alerts(
        page(as_planner, response.url)
    )

    response = as_planner.post("/rat/2024/lanjutkan/", {"confirm": "on"})
    assert response.url == "/rat/2025/"
    assert ActionPlan.objects.filter(year=2025).exists()


def test_establishing_and_closing_are_refused_without_their_confirmation(as_planner, established):
    response = as_planner.post("/rat/2024/tutup/", {})
    assert "Centang konfirmasi untuk menutup rencana." in alerts(page(as_planner, response.url))
    established.refresh_from_db()
    assert established.status == "ditetapkan"


def test_the_import_page_of_an_established_plan_offers_no_upload(as_planner, established):
    html = page(as_planner, "/rat/2024/impor/")
    assert "RAT 2024 berstatus ditetapkan: impor hanya untuk rencana berstatus draf." in alerts(
        html
    )
    assert 'type="file"' not in html and "Unduh templat" not in html
    # The server refuses anyway (a form kept open in another tab).
    response = as_planner.post("/rat/2024/impor/", {"file": upload(workbook([import_row("7.1")]))})
    assert response.status_code == 400
    assert not Activity.objects.filter(code="7.1").exists()


def test_the_import_page_of_a_draft_offers_the_upload(as_planner, plan):
    html = page(as_planner, "/rat/2024/impor/")
    assert 'type="file"' in html and "import-drafts-only" not in html


def label_of(html, field_id) -> str:
    return re.search(rf'<label[^>]*for="{field_id}"[^>]*>.*?</label>', html, re.S).group(0)


def marked(label) -> bool:
    """The label has the class that puts the star after it."""
    return bool(re.search(r'class="[^"]*\brequired\b', label))


def tag_of(html, field_id) -> str:
    return re.search(rf'<(?:input|textarea|select)[^>]*id="{field_id}"[^>]*>', html).group(0)


def test_required_fields_are_marked_before_submitting(as_planner, established):
    activity = established.activities.get(code="1.1")
    html = page(as_planner, f"/rat/2024/kegiatan/{activity.pk}/ubah/")
    # Required by the form: star, required, aria-required.
    assert marked(label_of(html, "id_title"))
    title = tag_of(html, "id_title")
    assert " required" in title and 'aria-required="true"' in title
    # Optional: none of them.
    assert not marked(label_of(html, "id_location"))
    assert "aria-required" not in tag_of(html, "id_location")
    # The reason for changing an established plan is needed for any change.
    assert "Alasan perubahan" in label_of(html, "id_reason")
    assert marked(label_of(html, "id_reason"))
    assert 'aria-required="true"' in tag_of(html, "id_reason")
    periods = page(as_planner, "/rat/2024/periode/")
    assert marked(label_of(periods, "reason"))
    assert 'aria-required="true"' in tag_of(periods, "reason")
