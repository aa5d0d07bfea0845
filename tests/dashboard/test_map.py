"""The map's data endpoint: the list's filters over what the user may see, a fixed number of
queries, and unlocated reports placed at their desa's or kecamatan's reference centre (marked
approximate) or counted apart; the kecamatan outlines shaded by hotspot score."""

import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from directory.choices import RegionLevel
from incidents.filters import IncidentFilter
from tests.factories import IncidentFactory, RegionFactory, UserFactory


def ids(response):
    return ids_of(response.json())


def ids_of(data):
    return {feature["id"] for feature in data["features"]}


SQUARE = {
    "type": "Polygon",
    "coordinates": [[[112.2, -7.6], [112.3, -7.6], [112.3, -7.5], [112.2, -7.5], [112.2, -7.6]]],
}


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


def test_unlocated_reports_sit_at_the_region_centre_or_are_counted_apart(
    client, reports, pimpinan, desa, kecamatan
):
    client.force_login(pimpinan)
    # No centre known anywhere: nothing is placed by guesswork (not even at the located
    # report next door).
    data = client.get("/peta/data.json").json()
    assert reports["same_desa"].pk not in ids_of(data)
    assert data["unplaced"] == 2
    # The kecamatan's centre is known: the report sits there, marked approximate.
    kecamatan.latitude, kecamatan.longitude = Decimal("-7.590000"), Decimal("112.230000")
    kecamatan.save()
    features = {f["id"]: f for f in client.get("/peta/data.json").json()["features"]}
    placed = features[reports["same_desa"].pk]
    assert (placed["placed"], placed["lat"], placed["lon"]) == ("kecamatan", -7.59, 112.23)
    # The desa's centre wins over the kecamatan's.
    desa.latitude, desa.longitude = Decimal("-7.620000"), Decimal("112.250000")
    desa.save()
    data = client.get("/peta/data.json").json()
    features = {f["id"]: f for f in data["features"]}
    placed = features[reports["same_desa"].pk]
    assert (placed["placed"], placed["lat"], placed["lon"]) == ("desa", -7.62, 112.25)
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
    assert data["aggregated"] is True and data["limit"] == 2
    assert data["features"] == []


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
    # Session and role checks, the tally and the own drafts (how many match), the markers,
    # the centres.
    with django_assert_num_queries(8):
        client.get("/peta/data.json")
    for _extra in range(10):
        IncidentFactory(kecamatan=kecamatan, reported_by=petugas_unscoped)
    with django_assert_num_queries(8):
        client.get("/peta/data.json")


def _list_count(client, query):
    return client.get(f"/laporan/?{query}").context["paginator"].count


@pytest.mark.parametrize("query", ["", "status=diajukan", "kind=potensi"])
def test_above_the_marker_limit_counts_per_kecamatan_equal_the_list(
    client, reports, kecamatan, other_kecamatan, petugas, pimpinan, settings, query
):
    """Beyond MAP_MAX_MARKERS the map sends counts per kecamatan at its centre, each the
    number the list shows for that kecamatan with the same filters: a restricted report is
    counted only for someone who may open it (leadership), never for a field officer."""
    for region, lat in ((kecamatan, "-7.550000"), (other_kecamatan, "-7.450000")):
        region.latitude, region.longitude = Decimal(lat), Decimal("112.200000")
        region.save()
    IncidentFactory.create_batch(2, kecamatan=kecamatan, reported_by=petugas, status="draft")
    settings.MAP_MAX_MARKERS = 1
    for person in (pimpinan, petugas):
        client.force_login(person)
        data = client.get(f"/peta/data.json?{query}").json()
        assert data["aggregated"] is True and data["features"] == []
        counts = {area["id"]: area["count"] for area in data["areas"]}
        # A kecamatan-scoped officer may not filter by another kecamatan (and sees none of it).
        regions = [kecamatan] if person.kecamatan_id else [kecamatan, other_kecamatan]
        assert set(counts) <= {r.pk for r in regions}
        for region in regions:
            expected = _list_count(client, f"{query}&kecamatan={region.pk}")
            assert counts.get(region.pk, 0) == expected, (person, region, query)
        assert data["total"] == _list_count(client, query)
        area = next(a for a in data["areas"] if a["id"] == kecamatan.pk)
        assert f"kecamatan={kecamatan.pk}" in area["url"] and area["lat"] == -7.55
        assert area["name"] == kecamatan.name
    client.force_login(pimpinan)
    with_restricted = client.get("/peta/data.json").json()
    client.force_login(petugas)
    without = client.get("/peta/data.json").json()
    assert sum(a["count"] for a in with_restricted["areas"]) >= 4
    # The officer's own drafts are theirs to see; the secretariat's restricted report is not.
    officer_total = {a["id"]: a["count"] for a in without["areas"]}[kecamatan.pk]
    assert officer_total == 2 + 2  # two drafts, the located and same-desa reports


def test_aggregated_counts_cost_the_same_however_many_reports(
    client, reports, kecamatan, petugas_unscoped, pimpinan, settings, django_assert_num_queries
):
    settings.MAP_MAX_MARKERS = 1
    client.force_login(pimpinan)
    # Session and role checks, the tally, the own drafts, the kecamatan names and centres (one
    # read of the regions).
    with django_assert_num_queries(7):
        client.get("/peta/data.json?status=diajukan&status=diverifikasi")
    IncidentFactory.create_batch(5, kecamatan=kecamatan, reported_by=petugas_unscoped)
    with django_assert_num_queries(7):
        data = client.get("/peta/data.json?status=diajukan&status=diverifikasi").json()
    assert data["aggregated"] is True
    # No kecamatan has a reference centre here: every count is unplaced, none lost.
    assert data["areas"] == [] and data["unplaced"] == data["total"] > 0


def test_without_outlines_the_map_has_markers_only(client, reports, pimpinan):
    client.force_login(pimpinan)
    assert client.get("/peta/wilayah.json").json() == {"type": "FeatureCollection", "features": []}


def test_outlines_carry_the_hotspot_score_of_what_the_user_may_see(
    client, reports, kecamatan, other_kecamatan, pimpinan, petugas_unscoped, settings
):
    settings.HOTSPOT_ALERT_SCORE = 4.0
    kecamatan.boundary = SQUARE
    kecamatan.save()
    client.force_login(pimpinan)
    data = client.get("/peta/wilayah.json").json()
    [area] = data["features"]
    assert area["geometry"] == SQUARE
    props = area["properties"]
    assert (props["code"], props["name"]) == ("35.17.08", "Kecamatan Diwek")
    assert props["score"] > 0 and props["band"] >= 1
    assert props["url"] == f"/laporan/?kecamatan={kecamatan.pk}"
    # The restricted report counts only for who may see it.
    client.force_login(petugas_unscoped)
    officer = client.get("/peta/wilayah.json").json()["features"][0]["properties"]
    assert officer["score"] < props["score"]


@pytest.mark.parametrize(("language", "shown"), [("id", "1,5"), ("en", "1.5")])
def test_outline_score_reads_as_on_the_hotspot_page(
    client, reports, kecamatan, pimpinan, settings, language, shown
):
    # Only the unresolved reports count, half a point each: Diwek's three make 1.5.
    settings.HOTSPOT_WEIGHTS = {"unresolved": 0.5}
    kecamatan.boundary = SQUARE
    kecamatan.save()
    client.force_login(pimpinan)
    client.cookies["django_language"] = language
    [area] = client.get("/peta/wilayah.json").json()["features"]
    assert area["properties"]["score"] == 1.5
    assert area["properties"]["score_label"] == shown
    hotspots = client.get("/titik-rawan/").content.decode()
    assert f'data-testid="hotspot-score">{shown}<' in hotspots


def test_outline_query_count_does_not_grow(
    client,
    reports,
    kecamatan,
    other_kecamatan,
    pimpinan,
    petugas_unscoped,
    django_assert_num_queries,
):
    kecamatan.boundary = SQUARE
    kecamatan.save()
    other_kecamatan.boundary = SQUARE
    other_kecamatan.save()
    client.force_login(pimpinan)
    with django_assert_num_queries(7):
        client.get("/peta/wilayah.json")
    for _extra in range(10):
        IncidentFactory(kecamatan=other_kecamatan, reported_by=petugas_unscoped)
    with django_assert_num_queries(7):
        client.get("/peta/wilayah.json")
    # Nor with the outlines: each is named "Kecamatan …" from what the one query loaded.
    for number in range(3):
        RegionFactory(
            code=f"35.17.{number + 10}",
            name=f"Uji {number}",
            level=RegionLevel.KECAMATAN,
            parent=kecamatan.parent,
            boundary=SQUARE,
        )
    with django_assert_num_queries(7):
        names = [
            f["properties"]["name"] for f in client.get("/peta/wilayah.json").json()["features"]
        ]
    assert "Kecamatan Uji 2" in names and len(names) == 5


URLS = [
    "/titik-rawan/",
    "/peta/",
    "/peta/data.json",
    "/peta/wilayah.json",
    "/notifikasi/",
    "/notifikasi/jumlah/",
]


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


@pytest.mark.parametrize(
    "url", ["/titik-rawan/", "/peta/", "/peta/data.json", "/peta/wilayah.json"]
)
def test_an_account_without_role_is_refused(client, roles, url):
    client.force_login(UserFactory(username="tanpa-peran"))
    assert client.get(url).status_code == 403


def _filter_names(html: str, testid: str) -> list[str]:
    form = html.split(f'data-testid="{testid}"', 1)[1].split("</form>", 1)[0]
    return list(dict.fromkeys(re.findall(r'name="([a-z_]+)"', form)))


def test_map_and_list_render_the_same_filter_form(client, pimpinan):
    """One include draws both forms; the map's fields are the list's, by the same names."""
    client.force_login(pimpinan)
    listed = _filter_names(client.get("/laporan/").content.decode(), "filters")
    mapped = _filter_names(client.get("/peta/").content.decode(), "map-filter")
    assert listed == list(IncidentFilter.LIST_FIELDS)
    assert mapped == list(IncidentFilter.MAP_FIELDS)
    assert set(mapped) <= set(listed)
    assert set(IncidentFilter.LIST_FIELDS) <= set(IncidentFilter.base_filters)


@pytest.mark.parametrize(
    "language, credit",
    [("id", "© kontributor OpenStreetMap"), ("en", "© OpenStreetMap contributors")],
)
def test_the_map_credit_speaks_the_reader_s_language(client, pimpinan, settings, language, credit):
    client.force_login(pimpinan)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert f'data-attribution="{credit}"' in client.get("/peta/").content.decode()
    # Another tile server's own credit, as configured.
    settings.MAP_TILE_ATTRIBUTION = "© Peta Kabupaten"
    assert 'data-attribution="© Peta Kabupaten"' in client.get("/peta/").content.decode()


@pytest.mark.parametrize("language, label", [("id", "Tutup"), ("en", "Close")])
def test_a_message_s_close_button_speaks_the_reader_s_language(language, label):
    message = SimpleNamespace(tags="success", message="Tersimpan.")
    with translation.override(language):
        html = render_to_string("includes/messages.html", {"messages": [message]})
    assert f'aria-label="{label}"' in html
