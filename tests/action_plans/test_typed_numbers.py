"""Targets and achieved values typed the Indonesian way on the RAT forms and in the RAT import:
"1.500" is fifteen hundred (the number boxes saved it as 1,5) and is shown back as typed; "1,5"
is one and a half; the import reads a target cell of text as the forms do."""

import re
from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.conf import settings

from action_plans import services
from action_plans.models import Activity, Realisation
from tests.action_plans.test_bad_input import new_activity
from tests.action_plans.test_spreadsheets import good, labelled_xlsx
from tests.helpers import assert_field_error

pytestmark = pytest.mark.django_db


def input_value(html: str, name: str) -> str | None:
    tag = re.search(rf'<input [^>]*name="{name}"[^>]*>', html).group(0)
    value = re.search(r'value="([^"]*)"', tag)
    return unescape(value.group(1)) if value else None


def realisation(achieved, **changes):
    return {
        "achieved_value": achieved,
        "narrative": "Dialog warga terlaksana.",
        "budget_spent": "",
        "obstacles": "",
        "follow_up": "",
        "version": "0",
        "draft": "1",
        **changes,
    }


def establish(plan, sekretariat):
    services.plan_establish(
        plan=plan, by=sekretariat, decree_reference="SK 188/2024", decree_date=date(2024, 1, 2)
    )


def test_1_500_typed_as_a_target_and_an_achieved_value_is_fifteen_hundred(
    client, sekretariat, operator, plan, dinsos
):
    client.force_login(sekretariat)
    response = client.post(
        "/rat/2024/kegiatan/baru/", new_activity(dinsos, target_B04="1.500", budget="0")
    )
    assert response.status_code == 302
    activity = Activity.objects.get(code="4.1")
    assert activity.targets.get(period__code="B04").value == 1500
    edit = client.get(f"/rat/2024/kegiatan/{activity.pk}/ubah/").content.decode()
    assert input_value(edit, "target_B04") == "1.500"

    establish(plan, sekretariat)
    client.force_login(operator)
    url = f"/rat/kegiatan/{activity.pk}/realisasi/B04/"
    assert client.post(url, realisation("1.500")).status_code == 302
    assert Realisation.objects.get().achieved_value == 1500
    assert input_value(client.get(url).content.decode(), "achieved_value") == "1.500"

    page = client.get(f"/rat/2024/kegiatan/{activity.pk}/").content.decode()
    assert "Target: 1.500<" in page
    assert "Capaian:</strong> 1.500 kali" in page


def test_1_5_typed_as_a_target_and_an_achieved_value_is_one_and_a_half(
    client, sekretariat, operator, plan, dinsos
):
    client.force_login(sekretariat)
    response = client.post(
        "/rat/2024/kegiatan/baru/", new_activity(dinsos, target_B04="1,5", budget="0")
    )
    assert response.status_code == 302
    activity = Activity.objects.get(code="4.1")
    assert activity.targets.get(period__code="B04").value == Decimal("1.5")

    establish(plan, sekretariat)
    client.force_login(operator)
    url = f"/rat/kegiatan/{activity.pk}/realisasi/B04/"
    assert client.post(url, realisation("1,5")).status_code == 302
    assert Realisation.objects.get().achieved_value == Decimal("1.5")
    assert input_value(client.get(url).content.decode(), "achieved_value") == "1,5"
    page = client.get(f"/rat/2024/kegiatan/{activity.pk}/").content.decode()
    # The page shows two decimals of a number that has any (tests/action_plans/test_number_display).
    assert "Target: 1,50<" in page
    assert "Capaian:</strong> 1,50 kali" in page


def test_a_target_with_a_comma_grouping_thousands_is_refused_next_to_the_field(
    client, sekretariat, plan, dinsos
):
    client.force_login(sekretariat)
    response = client.post("/rat/2024/kegiatan/baru/", new_activity(dinsos, target_B04="1,500"))
    assert_field_error(
        response,
        "target_B04",
        "Koma menandai desimal: tulis 1.500 untuk seribu lima ratus, atau 1,5 untuk satu setengah.",
    )
    assert input_value(response.content.decode(), "target_B04") == "1,500"
    assert not Activity.objects.filter(code="4.1").exists()


def test_a_new_realisation_starts_with_an_empty_spending_box_left_empty_as_rp_0(
    client, operator, established
):
    activity = established.activities.get(code="1.1")
    client.force_login(operator)
    url = f"/rat/kegiatan/{activity.pk}/realisasi/B04/"
    assert input_value(client.get(url).content.decode(), "budget_spent") is None

    assert client.post(url, realisation("1")).status_code == 302
    assert Realisation.objects.get().budget_spent == 0
    # A saved report shows what is stored.
    assert input_value(client.get(url).content.decode(), "budget_spent") == "0"


def test_a_saved_realisation_s_spending_cleared_is_refused_not_wiped(client, operator, established):
    activity = established.activities.get(code="1.1")
    client.force_login(operator)
    url = f"/rat/kegiatan/{activity.pk}/realisasi/B04/"
    assert client.post(url, {**realisation("1"), "budget_spent": "1.500.000"}).status_code == 302
    saved = Realisation.objects.get()

    response = client.post(url, {**realisation("1"), "budget_spent": "", "version": saved.version})

    assert response.status_code == 400
    assert response.context["form"].errors["budget_spent"] == ["Bidang ini tidak boleh kosong."]
    assert Realisation.objects.get().budget_spent == 1_500_000


def test_the_import_reads_a_target_cell_of_text_as_the_forms_do(
    client, plan, sekretariat, dinsos, kecamatan
):
    client.force_login(sekretariat)
    rows = [
        good("1.1", **{"Target B04": "1.500"}),
        good("1.2", **{"Target B04": "1,5"}),
        good("1.3", **{"Target B04": "1.500,25"}),
        good("1.4", **{"Target B04": 1500}),  # a number cell, as it is
    ]
    response = client.post("/rat/2024/impor/", {"file": labelled_xlsx(rows)})
    assert response.status_code == 302, response.context and response.context.get("problems")
    assert {a.code: a.targets.get(period__code="B04").value for a in plan.activities.all()} == {
        "1.1": 1500,
        "1.2": Decimal("1.5"),
        "1.3": Decimal("1500.25"),
        "1.4": 1500,
    }


def test_the_import_refuses_a_target_cell_that_could_be_read_two_ways(
    client, plan, sekretariat, dinsos, kecamatan
):
    client.force_login(sekretariat)
    rows = [
        good("1.1", **{"Target B04": "7.50"}),
        good("1.2", **{"Target B04": "1,500"}),
        good("1.3", **{"Target B04": "-1,5"}),
    ]
    response = client.post("/rat/2024/impor/", {"file": labelled_xlsx(rows)})
    assert response.status_code == 400
    assert response.context["problems"] == [
        "Baris 2: kolom “Target B04”: pisahkan ribuan dengan titik dan desimal dengan koma "
        "(misalnya 1.500 atau 2,5).",
        "Baris 3: kolom “Target B04”: koma menandai desimal; tulis 1.500 untuk seribu lima "
        "ratus atau 1,5 untuk satu setengah.",
        "Baris 4: kolom “Target B04” tidak boleh negatif.",
    ]
    assert not plan.activities.exists()


def test_the_target_next_to_the_box_is_written_as_the_box_reads_it_in_english_too(
    client, operator, established
):
    # The English page showed the target as "1,500.5" above a box that reads "1.500,5".
    activity = established.activities.get(code="1.1")
    target = activity.targets.get(period__code="B04")
    target.value = Decimal("1500.5")
    target.save()
    client.force_login(operator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(f"/rat/kegiatan/{activity.pk}/realisasi/B04/").content.decode()

    assert "Target: 1.500,5" in page
