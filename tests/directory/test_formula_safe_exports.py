"""Every export neutralises formulas (issue 13 item 6) and keeps the text whole: a workbook writes
text as string cells, never formulas, with no apostrophe to see or to copy; a CSV, which has no
cell types, gives a leading = + - @ an apostrophe (one helper). Numbers are untouched, and an admin
export imports back unchanged."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from core.utils import spreadsheet_safe, spreadsheet_unescape
from directory.models import Contact
from tests.directory.test_spreadsheets import CONTACT_HEADER, CSV, XLSX, confirm, import_file

pytestmark = pytest.mark.django_db

PAYLOADS = {
    "name": '=HYPERLINK("http://contoh.invalid","klik")',
    "organisation": "+1+cmd|' /C calc'!A0",
    "community": "@SUM(1+1)*cmd|' /C calc'!A0",
}
# The exported column headers (directory.resources) of the fields above.
HEADERS = {"name": "Nama", "organisation": "Organisasi/lembaga", "community": "Agama/komunitas"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+62812", "'+62812"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Biasa", "Biasa"),
        (-5, -5),
        (Decimal("-1.5"), Decimal("-1.5")),
        (None, None),
    ],
)
def test_spreadsheet_safe_neutralises_text_only_and_can_be_undone(value, expected):
    assert spreadsheet_safe(value) == expected
    assert spreadsheet_unescape(spreadsheet_safe(value)) == value


@pytest.fixture
def hostile_contact(desa):
    return Contact.objects.create(kind="agama", phone="081234567890", region=desa, **PAYLOADS)


def export(client, fmt):
    fields = {f"contactresource_{name}": "on" for name in CONTACT_HEADER}
    response = client.post(
        "/admin/directory/contact/export/", {"format": fmt, "resource": "0", **fields}
    )
    assert response.status_code == 200
    if fmt == XLSX:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
        types = dict(zip(rows[0], [cell.data_type for cell in sheet[2]], strict=True))
        return dict(zip(rows[0], rows[1], strict=True)), types, response.content
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return dict(zip(rows[0], rows[1], strict=True)), None, response.content


def test_admin_workbook_export_keeps_text_as_typed_in_string_cells(
    client, admin_user, hostile_contact
):
    # A string cell is never a formula; an apostrophe in it was shown, and copied into WhatsApp.
    client.force_login(admin_user)
    record, types, _content = export(client, XLSX)
    for name, value in PAYLOADS.items():
        assert record[HEADERS[name]] == value
        assert types[HEADERS[name]] == "s"
    assert record["Nomor telepon"] == "+6281234567890"
    assert types["Nomor telepon"] == "s"
    assert record["Wilayah"] == "35.17.08.2001 Ceweng"


def test_admin_csv_export_neutralises_every_formula_and_drops_nothing(
    client, admin_user, hostile_contact
):
    client.force_login(admin_user)
    record, _types, _content = export(client, CSV)
    for name, value in PAYLOADS.items():
        assert record[HEADERS[name]] == "'" + value
    assert record["Nomor telepon"] == "'+6281234567890"
    assert record["Wilayah"] == "35.17.08.2001 Ceweng"


@pytest.mark.parametrize("fmt", [XLSX, CSV])
def test_admin_export_imports_back_unchanged_in_either_format(
    client, admin_user, hostile_contact, fmt
):
    client.force_login(admin_user)
    _record, _types, content = export(client, fmt)
    Contact.objects.filter(pk=hostile_contact.pk).update(name="diubah", phone="")
    upload = io.BytesIO(content)
    upload.name = "kontak.xlsx" if fmt == XLSX else "kontak.csv"
    confirm(client, "contact", import_file(client, "contact", upload, fmt))
    contact = Contact.objects.get(pk=hostile_contact.pk)
    assert contact.name == PAYLOADS["name"]
    assert contact.organisation == PAYLOADS["organisation"]
    assert contact.community == PAYLOADS["community"]
    assert str(contact.phone) == "+6281234567890"


@pytest.mark.parametrize("fmt", [XLSX, CSV])
def test_admin_export_of_a_name_with_a_control_character(client, admin_user, desa, fmt):
    # Forms refuse only NUL; openpyxl refuses every control character and the export failed.
    Contact.objects.create(kind="agama", phone="081234567890", region=desa, name="Tokoh\x01Uji")
    client.force_login(admin_user)
    record, _types, _content = export(client, fmt)
    assert record["Nama"] == ("Tokoh\ufffdUji" if fmt == XLSX else "Tokoh\x01Uji")
