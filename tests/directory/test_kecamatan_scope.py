"""An administrator scoped to one kecamatan works on that kecamatan's contacts only, in the
import as on the list, and reads (but does not change) the regency's regions and outlines.
Personas: a regency-wide administrator, one scoped to Diwek (35.17.08), and a contact on each
side of that kecamatan's border."""

import io
import json

import openpyxl
import pytest

from accounts.choices import Role
from core.models import ActivityLog
from directory.models import Contact, Region
from tests.directory.test_geography import SQUARE, UPLOAD, collection, feature, upload
from tests.directory.test_spreadsheets import (
    LABELLED_HEADER,
    XLSX,
    contact_row,
    import_file,
    row_problems,
    xlsx,
)
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def scoped_admin(roles, kecamatan):
    return UserFactory(
        username="admin-diwek", is_staff=True, kecamatan=kecamatan, roles=[Role.ADMIN]
    )


@pytest.fixture
def ours(desa):
    return ContactFactory(name="Kyai Diwek", phone="081200000001", region=desa)


@pytest.fixture
def theirs(other_kecamatan):
    return ContactFactory(
        name="Romo Wonosalam",
        organisation="Paroki Wonosalam",
        phone="081200000002",
        region=other_kecamatan,
    )


def text(response) -> str:
    return response.content.decode().replace("&ldquo;", "“").replace("&rdquo;", "”")


# --- the import ---------------------------------------------------------------------------------


def test_an_id_outside_the_kecamatan_is_not_found_and_its_data_not_shown(
    client, scoped_admin, ours, theirs
):
    # The preview showed the other kecamatan's stored name, organisation and number, and the
    # confirmation overwrote them.
    client.force_login(scoped_admin)
    upload_ = xlsx([LABELLED_HEADER, contact_row("Nama Tertimpa", ID=theirs.pk)])

    response = import_file(client, "contact", upload_, XLSX)

    assert "confirm_form" not in response.context
    assert row_problems(response) == [
        f"Baris 2: kolom “ID”: Tokoh dengan ID {theirs.pk} tidak ada; kosongkan ID untuk data baru."
    ]
    page = text(response)
    assert "Romo Wonosalam" not in page and "Paroki Wonosalam" not in page
    assert "81200000002" not in page
    stored = Contact.objects.get(pk=theirs.pk)
    assert (stored.name, stored.region_id) == ("Romo Wonosalam", theirs.region_id)
    assert not ActivityLog.objects.filter(data__contacts__contains=[theirs.pk]).exists()


def test_a_region_outside_the_kecamatan_is_refused_naming_the_column(
    client, admin_user, scoped_admin, ours, other_kecamatan
):
    rows = [
        LABELLED_HEADER,
        contact_row("Tokoh Baru", Wilayah="35.17.05"),
        contact_row("Tokoh Bernama", Wilayah="Wonosalam"),
        contact_row(ours.name, ID=ours.pk, Wilayah="35.17.05 Wonosalam"),
        contact_row("Tokoh Sendiri", Wilayah="35.17.08.2001"),
    ]
    client.force_login(scoped_admin)

    response = import_file(client, "contact", xlsx(rows), XLSX)

    assert "confirm_form" not in response.context
    assert row_problems(response) == [
        "Baris 2: kolom “Wilayah”: Wilayah “35.17.05” di luar wilayah kerja Anda.",
        "Baris 3: kolom “Wilayah”: Wilayah “Wonosalam” di luar wilayah kerja Anda.",
        "Baris 4: kolom “Wilayah”: Wilayah “35.17.05” di luar wilayah kerja Anda.",
    ]
    ours.refresh_from_db()
    assert ours.region.code == "35.17.08.2001"

    # The same file is fine for an administrator of the whole regency.
    client.force_login(admin_user)
    assert "confirm_form" in import_file(client, "contact", xlsx(rows), XLSX).context


def test_the_import_template_lists_only_the_kecamatan_s_regions(
    client, scoped_admin, desa, other_kecamatan
):
    client.force_login(scoped_admin)
    response = client.get("/admin/directory/contact/import/templat.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    cells = {str(c) for row in book.worksheets[1].iter_rows(values_only=True) for c in row}
    assert "35.17.08.2001" in cells and "35.17.05" not in cells


def test_the_duplicate_check_does_not_name_a_contact_of_another_kecamatan(
    client, scoped_admin, theirs
):
    # "Tokoh ini sudah ada di direktori (ID 17, Romo Wonosalam)": a name the list never shows.
    client.force_login(scoped_admin)
    row = contact_row("Romo Wonosalam", **{"Nomor telepon": "081200000002"})

    response = import_file(client, "contact", xlsx([LABELLED_HEADER, row]), XLSX)

    assert "confirm_form" in response.context, row_problems(response)
    assert f"ID {theirs.pk}" not in text(response)
    assert not ActivityLog.objects.filter(data__contacts__contains=[theirs.pk]).exists()


def test_the_preview_is_logged_as_an_access_to_the_contacts_it_shows(
    client, scoped_admin, ours, desa
):
    # The preview shows the stored data of the rows it matched: nothing was logged.
    twin = ContactFactory(name="Nyai Diwek", phone="081200000003", region=desa)
    client.force_login(scoped_admin)
    rows = [
        LABELLED_HEADER,
        contact_row("Kyai Diwek Baru", ID=ours.pk),
        contact_row("Nyai Diwek", **{"Nomor telepon": "081200000003"}),
        contact_row("Tokoh Baru"),
    ]

    response = client.post(
        "/admin/directory/contact/import/",
        {"import_file": xlsx(rows), "format": XLSX, "resource": "0"},
        REMOTE_ADDR="10.5.5.5",
    )

    assert f"ID {twin.pk}, Nyai Diwek" in text(response)
    (entry,) = ActivityLog.objects.filter(action="directory.contact.list")
    assert (entry.actor, entry.data["contacts"], entry.data["ip"]) == (
        scoped_admin,
        sorted([ours.pk, twin.pk]),
        "10.5.5.5",
    )


# --- the contact form ---------------------------------------------------------------------------


def test_the_region_picker_offers_only_the_kecamatan(
    client, admin_user, scoped_admin, kecamatan, desa, other_kecamatan
):
    picker = {"app_label": "directory", "model_name": "contact", "field_name": "region"}

    def offered(user):
        client.force_login(user)
        found = client.get("/admin/autocomplete/", picker).json()["results"]
        return {item["text"] for item in found}

    assert offered(scoped_admin) == {str(kecamatan), str(desa)}
    assert str(other_kecamatan) in offered(admin_user)

    client.force_login(scoped_admin)
    form = client.get("/admin/directory/contact/add/").context["adminform"].form
    assert set(form.fields["region"].queryset) == {kecamatan, desa}
    response = client.post(
        "/admin/directory/contact/add/",
        {
            "name": "Tokoh Pindahan",
            "kind": "agama",
            "region": other_kecamatan.pk,
            "legal_basis": "tugas_publik",
            "active": "on",
        },
    )
    assert response.status_code == 200 and "region" in response.context["adminform"].form.errors
    assert not Contact.objects.filter(name="Tokoh Pindahan").exists()


# --- regions and outlines -----------------------------------------------------------------------


def test_a_scoped_administrator_reads_regions_but_does_not_change_them(
    client, scoped_admin, kecamatan
):
    client.force_login(scoped_admin)
    url = f"/admin/directory/region/{kecamatan.pk}/change/"
    assert client.get("/admin/directory/region/").status_code == 200
    assert client.get(url).status_code == 200  # read-only
    assert UPLOAD not in client.get("/admin/directory/region/").content.decode()

    fields = {"code": kecamatan.code, "name": "Diganti", "level": "kecamatan"}
    assert client.post(url, fields).status_code == 403
    assert client.post("/admin/directory/region/add/", fields).status_code == 403
    outline = json.dumps(collection(feature("35.17"), feature("35.17.08"))).encode()
    assert client.get(UPLOAD).status_code == 403
    assert client.post(UPLOAD, upload(outline)).status_code == 403
    kecamatan.refresh_from_db()
    assert kecamatan.name == "Diwek" and kecamatan.boundary is None
    assert Region.objects.get(code="35.17").boundary is None


def test_a_regency_wide_administrator_still_uploads_outlines(client, admin_user, kecamatan):
    client.force_login(admin_user)
    assert UPLOAD in client.get("/admin/directory/region/").content.decode()
    outline = json.dumps(collection(feature("35.17.08"))).encode()
    response = client.post(UPLOAD, upload(outline), follow=True)
    assert "Batas wilayah dimuat untuk 1 wilayah." in response.content.decode()
    kecamatan.refresh_from_db()
    assert kecamatan.boundary == SQUARE


def test_a_new_contact_of_a_scoped_administrator_needs_a_region(client, scoped_admin, desa):
    # Without one it vanished from their own list, and the next import added it again.
    client.force_login(scoped_admin)
    rows = [LABELLED_HEADER, contact_row("Tokoh Tanpa Wilayah", Wilayah="")]

    response = import_file(client, "contact", xlsx(rows), XLSX)

    assert row_problems(response) == [
        "Baris 2: kolom “Wilayah”: Isi wilayah (kecamatan atau desa di wilayah kerja Anda): "
        "tokoh tanpa wilayah tidak tampil bagi akun kecamatan."
    ]
    form = client.get("/admin/directory/contact/add/").context["adminform"].form
    assert form.fields["region"].required
