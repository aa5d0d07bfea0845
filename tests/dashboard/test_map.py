"""The map's data endpoint: the list's filters over what the user may see, a fixed number of
queries, and unlocated reports placed at a derived centre or counted apart."""

from decimal import Decimal

import pytest

from tests.factories import IncidentFactory, UserFactory


def ids(response):
    return {feature["id"] for feature in response.json()["features"]}


@pytest.fixture
def reports(kecamatan, other_kecamatan, desa, petugas_unscoped, sekretariat):
    located = IncidentFactory(
        kecamatan=kecamatan,
        desa=desa,
        reported_by=petugas_unscoped,
        latitude=Decimal("-7.600000"),
        longitude=Decimal("112.200000"),
        location_precision="tepat",
    )
    same_desa = IncidentFactory(kecamatan=kecamatan, desa=desa, reported_by=petugas_unscoped)
    nowhere = IncidentFactory(kecamatan=other_kecamatan, reported_by=petugas_unscoped)
    restricted = IncidentFactory(
        kecamatan=kecamatan,
        reported_by=sekretariat,
        confidentiality="terbatas",
        latitude=Decimal("-7.610000"),
        longitude=Decimal("112.210000"),
        title="Informasi intelijen rahasia",
    )
    return {
        "located": located,
        "same_desa": same_desa,
        "nowhere": nowhere,
        "restricted": restricted,
    }


def test_unlocated_reports_sit_at_the_derived_centre_or_are_counted_apart(
    client, reports, pimpinan
):
    client.force_login(pimpinan)
    data = client.get("/peta/data.json").json()
    features = {f["id"]: f for f in data["features"]}
    placed = features[reports["same_desa"].pk]
    assert placed["placed"] == "desa"
    assert (placed["lat"], placed["lon"]) == (-7.6, 112.2)  # the only located report there
    assert reports["nowhere"].pk not in features
    assert data["unplaced"] == 1
    assert features[reports["located"].pk]["placed"] == "tepat"


def test_restricted_reports_never_reach_who_may_not_see_them(
    client, reports, petugas_unscoped, pimpinan
):
    client.force_login(petugas_unscoped)
    response = client.get("/peta/data.json")
    assert reports["restricted"].pk not in ids(response)
    assert "rahasia" not in response.content.decode()
    # Nor does it pull the derived centre of its kecamatan.
    assert {f["lat"] for f in response.json()["features"]} == {-7.6}
    client.force_login(pimpinan)
    assert reports["restricted"].pk in ids(client.get("/peta/data.json"))


def test_map_honours_the_list_filters(client, reports, pimpinan, kecamatan, other_kecamatan):
    client.force_login(pimpinan)
    in_diwek = ids(client.get(f"/peta/data.json?kecamatan={kecamatan.pk}"))
    assert reports["located"].pk in in_diwek
    assert ids(client.get(f"/peta/data.json?kecamatan={other_kecamatan.pk}")) == set()
    assert ids(client.get("/peta/data.json?q=intelijen")) == {reports["restricted"].pk}
    page = client.get(f"/peta/?kecamatan={kecamatan.pk}").content.decode()
    assert f"/peta/data.json?kecamatan={kecamatan.pk}" in page
    assert f"/laporan/?kecamatan={kecamatan.pk}" in page


@pytest.mark.parametrize("query", ["kecamatan=abc", "occurred_from=kemarin", "status=hilang"])
def test_bad_filters_get_a_clear_answer_not_an_error(client, reports, pimpinan, query):
    client.force_login(pimpinan)
    response = client.get(f"/peta/data.json?{query}")
    assert response.status_code == 400
    assert response.json()["features"] == []
    assert client.get(f"/peta/?{query}").status_code == 200


def test_marker_limit_is_a_setting_and_said(client, reports, pimpinan, settings):
    settings.MAP_MAX_MARKERS = 2
    client.force_login(pimpinan)
    data = client.get("/peta/data.json").json()
    assert data["truncated"] is True
    assert len(data["features"]) <= 2


def test_map_page_reads_the_tile_url_setting(client, pimpinan, settings):
    settings.MAP_TILE_URL = "https://tiles.contoh.go.id/{z}/{x}/{y}.png"
    client.force_login(pimpinan)
    page = client.get("/peta/").content.decode()
    assert 'data-tiles="https://tiles.contoh.go.id/{z}/{x}/{y}.png"' in page
    assert "<script>" not in page and " style=" not in page


def test_map_data_query_count_does_not_grow(
    client, reports, pimpinan, kecamatan, petugas_unscoped, django_assert_num_queries
):
    client.force_login(pimpinan)
    with django_assert_num_queries(8):
        client.get("/peta/data.json")
    for _extra in range(10):
        IncidentFactory(kecamatan=kecamatan, reported_by=petugas_unscoped)
    with django_assert_num_queries(8):
        client.get("/peta/data.json")


URLS = ["/titik-rawan/", "/peta/", "/peta/data.json", "/notifikasi/", "/notifikasi/jumlah/"]


@pytest.mark.parametrize("url", URLS)
def test_every_role_may_open_the_early_warning_pages(client, personas, url):
    for user in personas.values():
        client.force_login(user)
        assert client.get(url).status_code == 200, (user.username, url)


@pytest.mark.parametrize("url", URLS)
def test_anonymous_visitors_are_sent_to_sign_in(client, db, url):
    response = client.get(url)
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "/akun/masuk/" in response.url


@pytest.mark.parametrize("url", ["/titik-rawan/", "/peta/", "/peta/data.json"])
def test_an_account_without_role_is_refused(client, roles, url):
    client.force_login(UserFactory(username="tanpa-peran"))
    assert client.get(url).status_code == 403
