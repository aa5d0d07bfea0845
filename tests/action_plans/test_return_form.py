"""The secretariat's "Kembalikan" form on the activity page: offered only while the plan is in
force, and a refused return comes back with the note as typed."""

from html import unescape

import pytest

from action_plans.choices import PlanStatus, RealisationStatus
from action_plans.models import ActionPlan
from tests.action_plans.test_service_refusals import submitted
from tests.helpers import assert_field_error, submission_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def realisation(established, operator):
    return submitted(established, operator)


def activity_url(realisation):
    return f"/rat/{realisation.activity.plan.year}/kegiatan/{realisation.activity_id}/"


def return_url(realisation):
    return f"/rat/realisasi/{realisation.pk}/kembalikan/"


def test_a_closed_plan_offers_no_return(client, realisation, sekretariat):
    client.force_login(sekretariat)
    assert 'data-testid="return-form"' in client.get(activity_url(realisation)).content.decode()
    ActionPlan.objects.filter(pk=realisation.activity.plan_id).update(status=PlanStatus.DITUTUP)
    assert 'data-testid="return-form"' not in client.get(activity_url(realisation)).content.decode()


def test_a_return_without_a_note_is_refused_next_to_the_note(client, realisation, sekretariat):
    client.force_login(sekretariat)
    token = submission_token(client.get(activity_url(realisation)))
    response = client.post(return_url(realisation), {"note": "  ", "submission_token": token})
    assert_field_error(response, "note", "Tuliskan catatan perbaikan untuk operator.")
    realisation.refresh_from_db()
    assert realisation.status == RealisationStatus.DISERAHKAN


def test_a_return_refused_as_the_plan_closed_meanwhile_shows_the_typed_note(
    client, realisation, sekretariat
):
    client.force_login(sekretariat)
    token = submission_token(client.get(activity_url(realisation)))
    ActionPlan.objects.filter(pk=realisation.activity.plan_id).update(status=PlanStatus.DITUTUP)
    response = client.post(
        return_url(realisation),
        {"note": "Foto kegiatan belum dilampirkan.", "submission_token": token},
    )
    assert response.status_code == 400
    page = unescape(response.content.decode())
    assert "Rencana sudah ditutup; realisasinya tidak dapat dikembalikan lagi." in page
    assert "Catatan yang Anda tulis (belum tersimpan): Foto kegiatan belum dilampirkan." in page


def test_the_page_of_a_refused_return_leads_to_the_activity_s_own_address(
    client, realisation, sekretariat
):
    # Shown at the form-only address: switching the language must not open that address (405).
    client.force_login(sekretariat)
    token = submission_token(client.get(activity_url(realisation)))
    response = client.post(return_url(realisation), {"note": "  ", "submission_token": token})
    page = response.content.decode()
    assert f'name="next" type="hidden" value="{activity_url(realisation)}"' in page
    assert f'value="{return_url(realisation)}"' not in page
