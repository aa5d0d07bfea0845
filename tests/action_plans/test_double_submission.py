"""Double submissions, races and stale forms on the action plan: one record, a clear message,
never a 500 (issue 13 items 3-5)."""

import threading
import time
import uuid
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client

from action_plans import services
from action_plans.models import ActionPlan, Period, Realisation, Target
from tests import personas as build
from tests.action_plans.conftest import realisation_actions
from tests.action_plans.test_bad_input import (
    NARRATIVE,
    realisation_url,
    report,
    row,
    upload,
    workbook,
)
from tests.action_plans.test_permissions import activity_payload
from tests.action_plans.test_rules import periods_page, periods_page_from
from tests.factories import ActivityFactory, RealisationFactory, UserFactory, jpeg_bytes
from tests.helpers import (
    SUBMISSION_TOKEN,
    assert_field_error,
    run_in_threads,
    submission_token,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_planner(client, sekretariat):
    client.force_login(sekretariat)
    return client


@pytest.fixture
def activity(established):
    return established.activities.get(code="1.1")


@pytest.fixture
def colleague(operator):
    """A second operator of the same agency (Dinas Sosial)."""
    return UserFactory(username="operator-2", agency=operator.agency, roles=operator.roles)


@pytest.fixture
def colleague_planner(sekretariat):
    """A second member of the secretariat."""
    return UserFactory(username="sekretariat-2", roles=sekretariat.roles)


# --- plans --------------------------------------------------------------------------------------


def test_a_double_click_on_create_plan_makes_one_plan(as_planner, sekretariat):
    data = {"year": 2030, "period_scheme": "caturwulan", "submission_token": str(uuid.uuid4())}
    first = as_planner.post("/rat/baru/", data)
    second = as_planner.post("/rat/baru/", data, follow=True)
    assert ActionPlan.objects.filter(year=2030).count() == 1
    plan = ActionPlan.objects.get(year=2030)
    assert second.redirect_chain[0][0] == first.url == plan.get_absolute_url()
    assert "sudah terkirim sebelumnya" in second.content.decode()


def test_plan_created_meanwhile_by_another_request_is_refused_not_crashed(
    as_planner, sekretariat, monkeypatch
):
    services.plan_create(year=2030, scheme="caturwulan", by=sekretariat)
    periods = Period.objects.count()
    # The other request inserted the year after this one's uniqueness check.
    monkeypatch.setattr(ActionPlan, "validate_unique", lambda self, exclude=None: None)
    response = as_planner.post("/rat/baru/", {"year": 2030, "period_scheme": "caturwulan"})
    assert response.status_code == 400
    assert "Rencana aksi untuk tahun ini sudah ada." in response.content.decode()
    assert ActionPlan.objects.filter(year=2030).count() == 1
    assert Period.objects.count() == periods


@pytest.mark.parametrize(
    "tamper",
    [
        {"form-0-id": "999"},
        {"form-INITIAL_FORMS": "6", "form-TOTAL_FORMS": "6"},
        {"form-INITIAL_FORMS": "abc"},
    ],
)
def test_tampered_period_formset_is_refused_and_changes_nothing(as_planner, established, tamper):
    url = f"/rat/{established.year}/periode/"
    periods = list(established.periods.order_by("order"))
    data = {
        "form-TOTAL_FORMS": str(len(periods)),
        "form-INITIAL_FORMS": str(len(periods)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "reason": "Penyesuaian jadwal",
    }
    for i, period in enumerate(periods):
        data.update(
            {
                f"form-{i}-id": str(period.pk),
                f"form-{i}-name": f"Diubah {i}",
                f"form-{i}-start_date": period.start_date.isoformat(),
                f"form-{i}-end_date": period.end_date.isoformat(),
                f"form-{i}-due_date": period.due_date.isoformat(),
            }
        )
    data.update(tamper)
    response = as_planner.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "tidak cocok dengan rencana ini" in html or "ManagementForm" in html or "dirusak" in html
    assert [p.name for p in established.periods.order_by("order")] == [p.name for p in periods]


# --- realisations -------------------------------------------------------------------------------


def test_a_double_click_on_submit_realisation_files_it_once(client, operator, activity):
    client.force_login(operator)
    data = report(submission_token=str(uuid.uuid4()), version="0")
    first = client.post(realisation_url(activity), data)
    assert first.status_code == 302
    second = client.post(realisation_url(activity), data, follow=True)
    assert Realisation.objects.count() == 1
    assert second.redirect_chain[0][0] == first.url
    assert "sudah terkirim sebelumnya" in second.content.decode()


def test_second_first_realisation_is_refused_with_what_is_stored(
    client, operator, colleague, activity
):
    # Both operators opened the empty form; the colleague's report arrives first.
    client.force_login(colleague)
    assert client.post(realisation_url(activity), report(version="0")).status_code == 302
    client.force_login(operator)
    response = client.post(
        realisation_url(activity), report(version="0", achieved_value="3", narrative="Versi saya")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-testid="stale-edit"' in html
    realisation = Realisation.objects.get()
    assert realisation.achieved_value == Decimal("1.5")
    assert realisation.narrative == NARRATIVE


def test_first_realisation_raced_past_the_form_is_refused_not_an_integrity_error(
    operator, activity
):
    period = activity.plan.periods.get(code="B04")
    fields = {"achieved_value": 1, "narrative": "Pertama", "budget_spent": 0}
    services.realisation_save(
        realisation=Realisation(activity=activity, period=period, **fields), by=operator
    )
    # Both requests loaded "no realisation yet" before either saved.
    late = Realisation(activity=activity, period=period, **{**fields, "narrative": "Kedua"})
    with pytest.raises(services.StaleRealisation) as stale:
        services.realisation_save(realisation=late, by=operator, expected_version=0)
    assert stale.value.changes[0][1:] == ("Pertama", "Kedua")
    late = Realisation(activity=activity, period=period, **fields)
    with pytest.raises(services.ValidationError, match="baru saja disimpan"):
        services.realisation_save(realisation=late, by=operator)
    assert Realisation.objects.get().narrative == "Pertama"


def test_stale_realisation_edit_is_refused_then_saved_knowingly(
    client, operator, colleague, activity
):
    client.force_login(operator)
    draft = {k: v for k, v in report(draft="1").items() if k != "submit"}
    client.post(realisation_url(activity), {**draft, "version": "0"})
    draft["version"] = "1"
    # The colleague saves on top of version 1 first.
    client.force_login(colleague)
    assert (
        client.post(realisation_url(activity), {**draft, "obstacles": "Hujan"}).status_code == 302
    )
    client.force_login(operator)
    mine = {**draft, "narrative": "Uraian operator pertama"}
    response = client.post(realisation_url(activity), mine)
    assert response.status_code == 400
    html = response.content.decode()
    assert "sudah diubah sejak Anda membukanya" in html
    assert "Hujan" in html  # what is stored now
    assert "Uraian operator pertama" in html  # what this user typed is kept
    assert Realisation.objects.get().obstacles == "Hujan"
    assert 'name="version" value="2"' in html
    # Saving again from the re-rendered form (now at version 2) goes through.
    response = client.post(realisation_url(activity), {**mine, "version": "2"})
    assert response.status_code == 302
    saved = Realisation.objects.get()
    assert saved.narrative == "Uraian operator pertama"
    assert saved.version == 3


def test_a_form_sent_after_a_colleague_submitted_says_where_the_typing_is(
    client, operator, colleague, activity
):
    # Submitted meanwhile, the realisation is locked: no form is shown below, so the page must
    # not promise one; what was typed is in the list of differences.
    client.force_login(operator)
    draft = {k: v for k, v in report(draft="1").items() if k != "submit"}
    client.post(realisation_url(activity), {**draft, "version": "0"})
    client.force_login(colleague)
    assert client.post(realisation_url(activity), report(version="1")).status_code == 302
    client.force_login(operator)

    response = client.post(
        realisation_url(activity), {**draft, "version": "1", "narrative": "Uraian saya"}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "Uraian saya" in page.split('data-testid="stale-edit"')[1].split("</div>")[0]
    assert "isinya ada di daftar di atas" in page and "masih ada di bawah" not in page


def test_a_return_by_the_secretariat_makes_an_open_form_stale(
    client, operator, sekretariat, activity
):
    client.force_login(operator)
    client.post(realisation_url(activity), report(version="0"))
    realisation = Realisation.objects.get()
    services.realisation_return(realisation=realisation, by=sekretariat, note="Lengkapi bukti")
    draft = {k: v for k, v in report(version="1", draft="1").items() if k != "submit"}
    response = client.post(realisation_url(activity), draft)
    assert response.status_code == 400
    assert 'data-testid="stale-edit"' in response.content.decode()


def test_the_plan_list_carries_a_token_but_takes_no_post(as_planner):
    assert as_planner.get("/rat/").context["submission_token"]
    assert as_planner.post("/rat/", {"year": 2031}).status_code == 405
    assert not ActionPlan.objects.filter(year=2031).exists()


def test_evidence_sent_twice_from_one_page_view_is_stored_once(as_planner, activity):
    realisation = RealisationFactory(activity=activity, status="diserahkan")
    page = f"/rat/{activity.plan.year}/kegiatan/{activity.pk}/"
    url = f"/rat/realisasi/{realisation.pk}/bukti/"
    token = submission_token(as_planner.get(page))
    for _tap in range(2):  # a double tap, or a resend after a lost answer
        photo = SimpleUploadedFile("daftar-hadir.jpg", jpeg_bytes(), "image/jpeg")
        answer = as_planner.post(url, {"files": photo, "submission_token": token}, follow=True)
    assert realisation.evidence.count() == 1
    assert "Formulir ini sudah terkirim sebelumnya" in answer.content.decode()
    # From the page shown again, the next files are added.
    photo = SimpleUploadedFile("foto.jpg", jpeg_bytes(), "image/jpeg")
    as_planner.post(
        url, {"files": photo, "submission_token": submission_token(as_planner.get(page))}
    )
    assert realisation.evidence.count() == 2


def told(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


ESTABLISH = {"decree": "SK 188/12/2024", "decree_date": "2024-01-15", "confirm": "on"}


def test_establish_pressed_twice_says_it_is_done_not_that_it_failed(as_planner, plan, established):
    # `established` went through the first press's service; this is the second press.
    again = as_planner.post("/rat/2024/tetapkan/", ESTABLISH, follow=True)

    assert told(again) == [
        "Tindakan ini sudah tercatat sebelumnya. Status RAT 2024 kini: Ditetapkan."
    ]


def test_close_pressed_twice_says_it_is_done_not_that_it_failed(as_planner, established):
    first = as_planner.post("/rat/2024/tutup/", {"confirm": "on"}, follow=True)
    again = as_planner.post("/rat/2024/tutup/", {"confirm": "on"}, follow=True)

    assert told(first) == ["RAT 2024 ditutup."]
    assert told(again) == ["Tindakan ini sudah tercatat sebelumnya. Status RAT 2024 kini: Ditutup."]


def test_a_plan_refused_for_another_reason_is_still_told_why(as_planner, plan):
    # A draft without activities cannot be established: that refusal stays an error, shown
    # in the establish form.
    again = as_planner.post("/rat/2024/tetapkan/", ESTABLISH)

    assert_field_error(again, None, "Rencana tanpa kegiatan tidak dapat ditetapkan.")
    assert told(again) == []


@pytest.mark.django_db(transaction=True)
def test_a_new_activity_saved_twice_at_once_is_saved_once_and_both_answers_say_so(
    established, sekretariat, dinsos
):
    # The second tap was refused with "Kode kegiatan sudah dipakai di rencana ini.", the answer
    # the browser shows, though the activity had been saved.
    clients = [Client(raise_request_exception=False) for _ in range(2)]
    for client in clients:
        client.force_login(sekretariat)
    url = "/rat/2024/kegiatan/baru/"
    data = {
        **activity_payload(),
        "responsible_agency": dinsos.pk,
        "reason": "Kegiatan tambahan dari rapat koordinasi",
        "submission_token": submission_token(clients[0].get(url)),
    }

    answers, errors = run_in_threads(2, lambda i: clients[i].post(url, data))

    assert errors == []
    assert [a.status_code for a in answers] == [302, 302]
    assert {a["Location"] for a in answers} == {"/rat/2024/"}
    assert established.activities.filter(code="4.1").count() == 1


def test_an_import_sent_twice_imports_once(as_planner, plan, dinsos, polres, kecamatan):
    url = "/rat/2024/impor/"
    token = submission_token(as_planner.get(url))
    content = workbook([row("7.1"), row("7.2")])

    first = as_planner.post(url, {"file": upload(content), "submission_token": token})
    again = as_planner.post(url, {"file": upload(content), "submission_token": token}, follow=True)

    assert first.status_code == 302
    assert told(again) == [
        "2 kegiatan diimpor.",
        "Formulir ini sudah terkirim sebelumnya dan tidak disimpan dua kali.",
    ]
    assert sorted(plan.activities.values_list("code", flat=True)) == ["7.1", "7.2"]


def test_a_return_sent_twice_is_done_once_and_the_second_answer_says_so(
    client, operator, sekretariat, activity
):
    client.force_login(operator)
    client.post(realisation_url(activity), report(version="0"))
    realisation = Realisation.objects.get()
    client.force_login(sekretariat)
    page = client.get(f"/rat/2024/kegiatan/{activity.pk}/")
    data = {"note": "Lampirkan daftar hadir.", "submission_token": submission_token(page)}
    url = f"/rat/realisasi/{realisation.pk}/kembalikan/"

    first = client.post(url, data, follow=True)
    again = client.post(url, data, follow=True)

    assert told(first) == ["Realisasi dikembalikan untuk perbaikan."]
    assert told(again) == ["Formulir ini sudah terkirim sebelumnya dan tidak disimpan dua kali."]
    assert realisation_actions(realisation) == ["diserahkan", "dikembalikan"]


def test_next_year_pressed_twice_leads_to_the_draft_made_by_the_first_press(
    as_planner, established
):
    first = as_planner.post("/rat/2024/lanjutkan/", {"confirm": "on"}, follow=True)
    again = as_planner.post("/rat/2024/lanjutkan/", {"confirm": "on"}, follow=True)

    assert told(first) == ["Draf RAT 2025 dibuat dari rencana ini."]
    assert again.redirect_chain == [("/rat/2025/", 302)]
    assert told(again) == ["Tindakan ini sudah tercatat sebelumnya: draf RAT 2025 sudah dibuat."]
    assert ActionPlan.objects.filter(year=2025).count() == 1


def test_next_year_made_by_someone_else_is_still_refused(
    as_planner, established, colleague_planner
):
    ActionPlan.objects.create(year=2025, period_scheme="caturwulan", created_by=colleague_planner)

    again = as_planner.post("/rat/2024/lanjutkan/", {"confirm": "on"}, follow=True)

    assert again.redirect_chain == [("/rat/2024/", 302)]
    assert told(again) == ["Rencana aksi untuk tahun ini sudah ada."]


def test_establish_by_a_colleague_is_still_refused_as_established(
    client, plan, dinsos, polres, colleague_planner, sekretariat
):
    # Another person established it (with their decree): this person's press did nothing, and
    # is told so in red, not that "their" action was recorded.
    build.establish(plan, colleague_planner, dinsos, polres)
    client.force_login(sekretariat)

    again = client.post("/rat/2024/tetapkan/", ESTABLISH, follow=True)

    assert told(again) == ["Hanya rencana berstatus draf yang dapat ditetapkan."]


def test_each_form_of_the_activity_page_has_a_token_of_its_own(
    client, operator, sekretariat, activity
):
    client.force_login(operator)
    client.post(realisation_url(activity), report(version="0"))
    client.force_login(sekretariat)

    page = client.get(f"/rat/2024/kegiatan/{activity.pk}/").content.decode()

    tokens = SUBMISSION_TOKEN.findall(page)
    assert len(tokens) >= 2  # the evidence form and the return form
    assert len(set(tokens)) == len(tokens)


@pytest.mark.django_db(transaction=True)
def test_a_periods_save_during_an_activity_save_waits_instead_of_deadlocking(plan, sekretariat):
    # An activity save locks the plan, then writes targets pointing at periods; the periods
    # page locked the periods, then the plan: each waited for the other, and PostgreSQL
    # aborted one of them (a 500, or a lost activity save).
    activity = ActivityFactory(plan=plan, targets=False)
    b04 = plan.periods.get(code="B04")
    client = Client(raise_request_exception=False)
    client.force_login(sekretariat)
    data = periods_page(client, plan)
    data["form-1-due_date"] = "15/09/2024"
    plan_locked, errors = threading.Event(), []

    def activity_save():
        try:
            with transaction.atomic():
                ActionPlan.objects.select_for_update().get(pk=plan.pk)
                plan_locked.set()
                time.sleep(1.5)  # the periods save reaches its locks meanwhile
                Target.objects.create(activity=activity, period=b04, value=3)
        except Exception as error:  # asserted on below
            errors.append(error)
        finally:
            connection.close()

    other = threading.Thread(target=activity_save)
    other.start()
    assert plan_locked.wait(10)
    response = client.post("/rat/2024/periode/", data)
    other.join(30)

    assert errors == [] and response.status_code == 302
    assert plan.periods.get(code="B08").due_date.isoformat() == "2024-09-15"
    assert Target.objects.filter(activity=activity, period=b04, value=3).exists()


def test_periods_sent_twice_are_saved_once(as_planner, plan):
    page = as_planner.get(f"/rat/{plan.year}/periode/")
    data = {**periods_page_from(page.content.decode()), "form-1-due_date": "15/09/2024"}
    data["submission_token"] = submission_token(page)
    assert as_planner.post(f"/rat/{plan.year}/periode/", data).status_code == 302
    again = as_planner.post(f"/rat/{plan.year}/periode/", data, follow=True)
    assert "Formulir ini sudah terkirim sebelumnya" in again.content.decode()
    assert plan.periods.get(code="B08").due_date.isoformat() == "2024-09-15"


def test_a_stale_save_names_the_chosen_files_to_choose_again(client, operator, colleague, activity):
    client.force_login(operator)
    draft = {k: v for k, v in report(draft="1").items() if k != "submit"}
    client.post(realisation_url(activity), {**draft, "version": "0"})
    client.force_login(colleague)
    client.post(realisation_url(activity), {**draft, "version": "1", "obstacles": "Hujan"})
    client.force_login(operator)
    photo = SimpleUploadedFile("rapat-desa.jpg", jpeg_bytes(), content_type="image/jpeg")

    response = client.post(realisation_url(activity), {**draft, "version": "1", "files": [photo]})

    assert response.status_code == 400
    warning = " ".join(response.content.decode().split('data-testid="stale-edit"')[1].split())
    assert (
        "Berkas yang Anda pilih belum diunggah: rapat-desa.jpg. Pilih lagi berkas itu sebelum "
        "menyimpan." in warning
    )
    assert not Realisation.objects.get().evidence.exists()
