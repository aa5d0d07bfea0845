"""A report's coordinates lie in the regency: a latitude typed without its minus sign put the
marker in the South China Sea."""

import html

import pytest
from django.core.exceptions import ValidationError

from incidents.models import Incident
from tests.helpers import assert_field_error
from tests.incidents.test_bad_input import edit_payload, valid_payload
from tests.incidents.test_quick_report import URL as QUICK_URL
from tests.incidents.test_quick_report import quick_payload

pytestmark = pytest.mark.django_db

# A rough outline of Kecamatan Diwek as [longitude, latitude] (GeoJSON order).
DIWEK = {
    "type": "Polygon",
    "coordinates": [[[112.20, -7.64], [112.30, -7.64], [112.30, -7.55], [112.20, -7.55]]],
}
DIWEK["coordinates"][0].append(DIWEK["coordinates"][0][0])


@pytest.fixture
def as_petugas(client, petugas):
    client.force_login(petugas)
    return client


def test_a_point_in_the_regency_is_saved(as_petugas, kecamatan, desa):
    data = valid_payload(kecamatan, desa, latitude="-7.5861", longitude="112.2309")
    assert as_petugas.post("/laporan/baru/", data).status_code == 302
    assert str(Incident.objects.get().latitude) == "-7.586100"


def test_the_loaded_outlines_decide_where_the_regency_is(as_petugas, kecamatan, desa, settings):
    kecamatan.boundary = DIWEK
    kecamatan.save()
    settings.PORTAL_REGION_BOUNDS = []
    # Inside the configured fallback box but 30 km east of every loaded outline.
    far = valid_payload(kecamatan, desa, latitude="-7.60", longitude="112.60")
    response = as_petugas.post("/laporan/baru/", far)
    assert_field_error(
        response,
        "longitude",
        "Titik ini berada di luar Kabupaten Jombang (lintang -7,69 sampai -7,50, bujur 112,15 "
        "sampai 112,35). Periksa lintang dan bujurnya.",
    )
    assert not Incident.objects.exists()

    # On the border (within the margin) is fine.
    near = valid_payload(kecamatan, desa, latitude="-7.545", longitude="112.31")
    assert as_petugas.post("/laporan/baru/", near).status_code == 302


def test_a_few_kecamatan_outlined_are_not_the_regency(
    as_petugas, kecamatan, desa, other_kecamatan, settings
):
    # Only Diwek has an outline; a point in another kecamatan, well inside the regency, is not
    # refused for lying outside Diwek: the configured box decides until every one is outlined.
    kecamatan.boundary = DIWEK
    kecamatan.save()
    settings.PORTAL_REGION_BOUNDS = [-8.0, 111.8, -7.1, 112.7]
    wonosalam = valid_payload(kecamatan, desa, latitude="-7.68", longitude="112.42")
    assert as_petugas.post("/laporan/baru/", wonosalam).status_code == 302
    other_kecamatan.boundary = DIWEK  # every kecamatan outlined now: the outlines decide
    other_kecamatan.save()
    response = as_petugas.post("/laporan/baru/", wonosalam)
    assert response.status_code == 400
    assert Incident.objects.count() == 1


def test_nothing_is_checked_without_outlines_or_a_configured_box(settings, kecamatan):
    settings.PORTAL_REGION_BOUNDS = []
    assert Incident(latitude=7.55, longitude=112.23).coordinates_errors() == {}


def test_a_report_saved_with_bad_coordinates_stays_editable_for_anything_else(
    as_petugas, petugas, kecamatan
):
    from tests.factories import IncidentFactory

    report = IncidentFactory(kecamatan=kecamatan, reported_by=petugas)
    Incident.objects.filter(pk=report.pk).update(latitude="7.550000", longitude="112.230000")
    report.refresh_from_db()
    url = f"/laporan/{report.pk}/ubah/"

    kept = edit_payload(report, latitude="7.550000", longitude="112.230000", killed="2")
    assert as_petugas.post(url, kept).status_code == 302
    report.refresh_from_db()
    assert report.killed == 2

    # Changed, they are checked; fixed, they are saved.
    moved = edit_payload(report, latitude="7.56", longitude="112.230000")
    assert_field_error(
        as_petugas.post(url, moved),
        "latitude",
        "Lintang di Kabupaten Jombang bernilai negatif (contoh -7,55): tanda minus mungkin "
        "terlewat.",
    )
    fixed = edit_payload(report, latitude="-7.55", longitude="112.230000")
    assert as_petugas.post(url, fixed).status_code == 302
    report.refresh_from_db()
    assert str(report.latitude) == "-7.550000"


def test_services_refuse_them_too(kecamatan):
    report = Incident(latitude=7.55, longitude=112.23, kecamatan=kecamatan)
    with pytest.raises(ValidationError) as refused:
        report.clean()
    assert "tanda minus mungkin terlewat" in str(refused.value.message_dict["latitude"])


def test_a_quick_report_from_a_phone_outside_the_regency_goes_without_the_point(
    client, petugas, desa
):
    client.force_login(petugas)
    response = client.post(QUICK_URL, quick_payload(desa, latitude="-6.2", longitude="106.8"))

    assert response.status_code == 302
    incident = Incident.objects.get()
    assert incident.latitude is None and incident.longitude is None
    assert incident.location_precision != "tepat"
    page = " ".join(html.unescape(client.get(response.url).content.decode()).split())
    assert (
        "Lokasi dari perangkat Anda berada di luar Kabupaten Jombang, jadi tidak disimpan. Isi "
        "koordinat tempat kejadian saat melengkapi laporan." in page
    )
