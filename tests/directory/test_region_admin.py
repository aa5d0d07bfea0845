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
