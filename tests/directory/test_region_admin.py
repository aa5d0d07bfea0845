"""Region administration: an upload with codes the regency does not have loads the known ones
and lists the skipped codes; the list filters regions with and without an outline."""

import json

import pytest

from directory.models import Region
from tests.directory.test_geography import SQUARE, UPLOAD, collection, feature, upload

pytestmark = pytest.mark.django_db


def test_unknown_codes_are_skipped_and_listed(client, admin_user, kecamatan):
    client.force_login(admin_user)
    data = json.dumps(collection(feature("35.17.08"), feature("99.99.99"))).encode()

    response = client.post(UPLOAD, upload(data), follow=True)

    page = response.content.decode()
    assert "Batas wilayah dimuat untuk 1 wilayah." in page
    assert "Kode tidak dikenal dan dilewati: 99.99.99" in page
    kecamatan.refresh_from_db()
    assert kecamatan.boundary == SQUARE


def test_the_list_filters_regions_with_and_without_an_outline(
    client, admin_user, kecamatan, other_kecamatan
):
    Region.objects.filter(pk=kecamatan.pk).update(boundary=SQUARE)
    client.force_login(admin_user)

    def listed(value):
        response = client.get(f"/admin/directory/region/?level=kecamatan&batas={value}")
        return {region.name for region in response.context["cl"].result_list}

    assert listed("ada") == {"Diwek"}
    assert listed("belum") == {"Wonosalam"}


def _region_form(**fields):
    return {"code": "", "name": "Baru", "level": "desa", "parent": "", **fields}


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"code": "35.17.08.2099"}, "parent", "Pilih induk bertingkat Kecamatan."),
        (
            {"code": "35.17.2099", "parent": "regency"},
            "parent",
            "Pilih induk bertingkat Kecamatan.",
        ),
        (
            {"code": "35.17.09.2099", "parent": "kecamatan"},
            "code",
            "Kode harus diawali kode induknya, 35.17.08..",
        ),
        ({"code": "35.17.77", "level": "kecamatan"}, "parent", "Pilih induk bertingkat Kabupaten"),
        (
            {"code": "35.18", "level": "kabupaten", "parent": "kecamatan"},
            "parent",
            "tidak berinduk",
        ),
    ],
)
def test_a_region_outside_the_hierarchy_is_refused_next_to_the_field(
    client, admin_user, kecamatan, fields, field, message
):
    """A desa without a kecamatan once broke every page naming desa with their kecamatan."""
    parents = {"regency": kecamatan.parent.pk, "kecamatan": kecamatan.pk, "": ""}
    fields["parent"] = parents[fields.get("parent", "")]
    client.force_login(admin_user)
    before = Region.objects.count()
    response = client.post("/admin/directory/region/add/", _region_form(**fields))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors.get(field, []))
    assert Region.objects.count() == before


def test_a_desa_in_its_kecamatan_is_saved(client, admin_user, kecamatan):
    client.force_login(admin_user)
    response = client.post(
        "/admin/directory/region/add/",
        _region_form(code="35.17.08.2099", parent=kecamatan.pk),
    )
    assert response.status_code == 302
    assert Region.objects.get(code="35.17.08.2099").parent == kecamatan
