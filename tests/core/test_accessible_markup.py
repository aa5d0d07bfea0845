"""What a screen-reader or keyboard user relies on: a skip link, errors tied to their field,
checkbox groups named by a legend, scrollable tables reachable with the keyboard."""

import re

import pytest

from tests.factories import ActionPlanFactory
from tests.helpers import field_errors

pytestmark = pytest.mark.django_db


def test_every_page_starts_with_a_skip_link_to_the_main_content(client, petugas):
    client.force_login(petugas)
    html = client.get("/").content.decode()
    body = html[html.index("<body") :]
    first_link = re.search(r"<a\b[^>]*>", body).group(0)
    assert 'href="#content"' in first_link
    assert re.search(r'<main\b[^>]*id="content"', html)
    assert "Langsung ke isi" in body


def test_a_field_error_is_tied_to_its_input(client, sekretariat):
    client.force_login(sekretariat)
    response = client.post("/laporan/status-keadaan-konflik/baru/", {"decree_number": ""})
    assert response.status_code == 400
    assert field_errors(response).get("decree_number")
    html = response.content.decode()
    field = re.search(r'<input\b[^>]*name="decree_number"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field
    described_by = re.search(r'aria-describedby="([^"]+)"', field).group(1).split()
    assert "id_decree_number_error" in described_by
    error = re.search(r'<div id="id_decree_number_error"[^>]*>(.*?)</div></div>', html, re.S)
    assert "wajib" in error.group(1).lower() or "tidak boleh kosong" in error.group(1).lower()


def test_a_valid_field_is_not_marked_invalid(client, sekretariat):
    client.force_login(sekretariat)
    html = client.get("/laporan/status-keadaan-konflik/baru/").content.decode()
    field = re.search(r'<input\b[^>]*name="decree_number"[^>]*>', html).group(0)
    assert "aria-invalid" not in field


def test_checkbox_group_sits_in_a_fieldset_with_a_legend(client, sekretariat):
    plan = ActionPlanFactory(year=2024)
    client.force_login(sekretariat)
    html = client.get(f"/rat/{plan.year}/kegiatan/baru/").content.decode()
    fieldset = re.search(r'<fieldset\b[^>]*data-field="pillars"[^>]*>(.*?)</fieldset>', html, re.S)
    assert fieldset, "the pillar checkboxes are not in a fieldset"
    assert re.search(r"<legend\b[^>]*>\s*Pilar", fieldset.group(1))
    assert fieldset.group(1).count('type="checkbox"') == 4


def test_report_kind_radios_sit_in_a_fieldset_with_a_legend(client, petugas):
    client.force_login(petugas)
    html = client.get("/laporan/baru/").content.decode()
    fieldset = re.search(r'<fieldset\b[^>]*data-field="kind"[^>]*>(.*?)</fieldset>', html, re.S)
    assert fieldset
    assert "<legend" in fieldset.group(1)
    assert fieldset.group(1).count('type="radio"') == 2


def test_the_report_list_scrolls_by_keyboard(client, petugas):
    client.force_login(petugas)
    html = client.get("/laporan/").content.decode()
    container = re.search(r'<div class="table-responsive[^"]*"[^>]*>', html).group(0)
    assert 'tabindex="0"' in container
    assert 'role="region"' in container
    assert 'aria-label="Daftar laporan"' in container
    assert all("scope=" in th for th in re.findall(r"<th\b[^>]*>", html))
