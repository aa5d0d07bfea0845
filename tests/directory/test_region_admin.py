"""Region administration: an upload with codes the regency does not have loads the known ones
and counts the skipped features, naming a few of their codes; one with no known code at all is
refused; the list filters regions with and without an outline."""

import json

import pytest

from core.models import ActivityLog
from directory.models import Region
from tests.directory.test_geography import SQUARE, UPLOAD, collection, feature, upload

pytestmark = pytest.mark.django_db


def test_unknown_codes_are_skipped_counted_and_a_few_named(client, admin_user, kecamatan):
    client.force_login(admin_user)
    others = [feature(f"35.01.0{n}") for n in range(1, 8)]  # a province-wide file
    data = json.dumps(collection(feature("35.17.08"), *others)).encode()

    response = client.post(UPLOAD, upload(data), follow=True)

    told = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert told == [
        ("success", "Batas wilayah dimuat untuk 1 wilayah."),
        (
            "warning",
            "Fitur yang dilewati karena kode wilayahnya tidak dikenal di portal ini: 7 "
            "(35.01.01, 35.01.02, 35.01.03, 35.01.04, 35.01.05, …).",
        ),
    ]
    kecamatan.refresh_from_db()
    assert kecamatan.boundary == SQUARE


def test_a_file_without_a_single_known_code_is_refused_and_changes_nothing(
    client, admin_user, kecamatan
):
    client.force_login(admin_user)
    # Codes as BPS writes them, without dots: none is a region of the portal.
    data = json.dumps(collection(feature("3517080"), feature("3517050"))).encode()

    response = client.post(UPLOAD, upload(data), follow=True)

    assert response.status_code == 200
    assert response.redirect_chain == []
    assert list(response.context["messages"]) == []
    assert response.context["problems"] == [
        "Tidak satu pun dari 2 fitur memiliki kode wilayah yang ada di portal ini (properti "
        "“kode”: 3517050, 3517080). Gunakan kode Kemendagri bertitik (mis. 35.17.08) dari "
        "wilayah yang sudah dimuat. Tidak ada yang diubah."
    ]
    assert "Berkas tidak dimuat:" in response.content.decode()
    kecamatan.refresh_from_db()
    assert kecamatan.boundary is None
    assert not ActivityLog.objects.filter(action="directory.region.boundaries_set").exists()


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
