"""Rupiah typed the Indonesian way on the action-plan forms and in the RAT import: "750.000" is
Rp 750.000 (it was saved as Rp 750), and is shown back as typed (core.forms.RupiahField); the
import reads a budget cell of text the same way."""

import re
from html import unescape

import pytest

from action_plans.models import Activity, Realisation
from tests.action_plans.test_bad_input import edit_activity, new_activity
from tests.action_plans.test_spreadsheets import good, labelled_xlsx
from tests.helpers import assert_field_error

pytestmark = pytest.mark.django_db


def input_value(html: str, name: str) -> str:
    tag = re.search(rf'<input [^>]*name="{name}"[^>]*>', html).group(0)
    return unescape(re.search(r'value="([^"]*)"', tag).group(1))


def test_a_realisation_of_750_000_typed_with_dots_is_stored_and_shown_as_such(
    client, operator, established
):
    activity = established.activities.get(code="1.1")  # Dinsos, budget Rp 10.000.000
    client.force_login(operator)
    url = f"/rat/kegiatan/{activity.pk}/realisasi/B04/"
    form = client.get(url).content.decode()
    assert 'type="text" name="budget_spent"' in form

    response = client.post(
        url,
        {
            "achieved_value": "1",
            "narrative": "Rapat koordinasi terlaksana.",
            "budget_spent": "750.000",
            "obstacles": "",
            "follow_up": "",
            "version": "0",
            "draft": "1",
        },
    )

    assert response.status_code == 302
    assert Realisation.objects.get().budget_spent == 750_000
    page = client.get(f"/rat/2024/kegiatan/{activity.pk}/").content.decode()
    assert "Rp 750.000" in page
    assert input_value(client.get(url).content.decode(), "budget_spent") == "750.000"


def test_a_realisation_in_cents_is_refused_next_to_the_field(client, operator, established):
    activity = established.activities.get(code="1.1")
    client.force_login(operator)
    response = client.post(
        f"/rat/kegiatan/{activity.pk}/realisasi/B04/",
        {"achieved_value": "1", "narrative": "Terlaksana.", "budget_spent": "750.000,50"},
    )
    assert_field_error(
        response, "budget_spent", "Tulis rupiah bulat tanpa sen (tanpa koma), misalnya 1.250.000."
    )
    assert input_value(response.content.decode(), "budget_spent") == "750.000,50"
    assert not Realisation.objects.exists()


def test_an_activity_budget_of_750_000_typed_with_dots_is_stored_and_shown_as_such(
    client, sekretariat, plan, dinsos
):
    client.force_login(sekretariat)
    response = client.post("/rat/2024/kegiatan/baru/", new_activity(dinsos, budget="750.000"))
    assert response.status_code == 302
    activity = Activity.objects.get(code="4.1")
    assert activity.budget == 750_000
    assert "Rp 750.000" in client.get(f"/rat/2024/kegiatan/{activity.pk}/").content.decode()

    edit_url = f"/rat/2024/kegiatan/{activity.pk}/ubah/"
    assert input_value(client.get(edit_url).content.decode(), "budget") == "750.000"
    # Sent back as shown: unchanged.
    response = client.post(edit_url, edit_activity(activity, budget="750.000"))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.budget == 750_000
    response = client.post(edit_url, edit_activity(activity, budget="Rp 2.500.000"))
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.budget == 2_500_000


def test_an_activity_budget_with_a_misplaced_dot_is_refused(client, sekretariat, plan, dinsos):
    client.force_login(sekretariat)
    response = client.post("/rat/2024/kegiatan/baru/", new_activity(dinsos, budget="7.50"))
    assert_field_error(
        response,
        "budget",
        "Pisahkan ribuan dengan titik, tiga angka per kelompok, misalnya 1.250.000.",
    )
    assert not Activity.objects.filter(code="4.1").exists()


def test_the_import_reads_a_budget_cell_of_text_as_the_forms_do(
    client, plan, sekretariat, dinsos, kecamatan
):
    client.force_login(sekretariat)
    rows = [
        good("1.1", **{"Anggaran (Rp)": "Rp 1.250.000"}),
        good("1.2", **{"Anggaran (Rp)": "750.000"}),
        good("1.3", **{"Anggaran (Rp)": 2_500_000}),  # a number cell, as it is
    ]
    response = client.post("/rat/2024/impor/", {"file": labelled_xlsx(rows)})
    assert response.status_code == 302, response.context and response.context.get("problems")
    assert dict(plan.activities.values_list("code", "budget")) == {
        "1.1": 1_250_000,
        "1.2": 750_000,
        "1.3": 2_500_000,
    }


def test_the_import_refuses_a_budget_cell_that_could_be_read_two_ways(
    client, plan, sekretariat, dinsos, kecamatan
):
    client.force_login(sekretariat)
    rows = [
        good("1.1", **{"Anggaran (Rp)": "750.00"}),  # Rp 750, or 75.000 with a dot misplaced
        good("1.2", **{"Anggaran (Rp)": "1,5 juta"}),
        good("1.3", **{"Anggaran (Rp)": "-Rp 500.000"}),
    ]
    response = client.post("/rat/2024/impor/", {"file": labelled_xlsx(rows)})
    assert response.status_code == 400
    assert response.context["problems"] == [
        "Baris 2: kolom “Anggaran (Rp)”: pisahkan ribuan dengan titik, tiga angka per kelompok "
        "(misalnya 1.250.000).",
        "Baris 3: kolom “Anggaran (Rp)” harus berupa angka.",
        "Baris 4: kolom “Anggaran (Rp)” tidak boleh negatif.",
    ]
    assert not plan.activities.exists()
