"""Searchable pickers: the search endpoint and the selects it refills (issue 12)."""

import re

import pytest
from django.urls import reverse

from directory.choices import AgencyKind, ContactKind
from incidents.choices import Confidentiality, Status
from tests.factories import AgencyFactory, ContactFactory, IncidentFactory, UserFactory

pytestmark = pytest.mark.django_db

OPTION = re.compile(r'<option value="(\d+)"( selected)?>([^<]*)</option>')
GROUP = re.compile(r'<optgroup label="([^"]*)">')


def labels(html) -> list[str]:
    return [label for _pk, _selected, label in OPTION.findall(html)]


def search(client, name, **params):
    return client.get(reverse("picker", args=[name]), params)


@pytest.fixture
def agencies(db):
    return {
        "polres": AgencyFactory(
            name="Kepolisian Resor Jombang", acronym="Polres Jombang", kind=AgencyKind.POLRI
        ),
        "kodim": AgencyFactory(
            name="Komando Distrik Militer 0814", acronym="Kodim 0814", kind=AgencyKind.TNI
        ),
        "dinsos": AgencyFactory(name="Dinas Sosial", acronym="Dinsos", kind=AgencyKind.PEMDA),
        "bpbd": AgencyFactory(
            name="Badan Penanggulangan Bencana Daerah", acronym="BPBD", kind=AgencyKind.PEMDA
        ),
        "fkub": AgencyFactory(
            name="Forum Kerukunan Umat Beragama", acronym="FKUB", kind=AgencyKind.FORUM
        ),
        "old": AgencyFactory(name="Kantor Lama", acronym="KL", kind=AgencyKind.PEMDA, active=False),
    }


def test_typing_finds_an_agency_by_its_acronym_labelled_with_its_full_name(
    client, sekretariat, agencies
):
    client.force_login(sekretariat)
    response = search(client, "instansi", q="polres")
    assert response.status_code == 200
    html = response.content.decode()
    assert labels(html) == ["Polres Jombang — Kepolisian Resor Jombang"]
    assert GROUP.findall(html) == ["Polri"]


def test_an_empty_search_offers_every_active_agency_grouped_by_kind_and_sorted(
    client, sekretariat, agencies
):
    client.force_login(sekretariat)
    html = search(client, "instansi", q="").content.decode()
    # Groups in the order of the kinds; inside a group, sorted by the text shown.
    assert GROUP.findall(html) == ["Perangkat daerah (OPD)", "Polri", "TNI", "Forum/Ormas"]
    shown = labels(html)
    assert shown.index("BPBD — Badan Penanggulangan Bencana Daerah") < shown.index(
        "Dinsos — Dinas Sosial"
    )
    assert "Bakesbangpol — Badan Kesatuan Bangsa dan Politik" in shown
    assert not any(label.startswith("KL") for label in shown)  # inactive


def test_a_search_keeps_the_agencies_already_chosen(client, sekretariat, agencies):
    client.force_login(sekretariat)
    dinsos = agencies["dinsos"]
    html = search(
        client,
        "instansi",
        q="kodim",
        field="supporting_agencies",
        supporting_agencies=[dinsos.pk, "x", "-3"],
    ).content.decode()
    options = {label: bool(selected) for _pk, selected, label in OPTION.findall(html)}
    assert options == {
        "Dinsos — Dinas Sosial": True,
        "Kodim 0814 — Komando Distrik Militer 0814": False,
    }


def test_nothing_found_says_so_and_a_single_select_keeps_its_blank_choice(
    client, sekretariat, agencies
):
    client.force_login(sekretariat)
    html = search(client, "instansi", q="tidak ada", blank="1").content.decode()
    assert labels(html) == []
    assert '<option value="">---------</option>' in html
    assert "Tidak ada yang cocok" in html


def test_the_search_costs_two_queries_of_its_own_whatever_is_typed(
    client, sekretariat, agencies, django_assert_num_queries
):
    client.force_login(sekretariat)
    url = reverse("picker", args=["instansi"])
    # session, user, roles, the chosen rows, the matches, the session's expiry moved on
    with django_assert_num_queries(6):
        client.get(url, {"q": "o", "field": "a", "a": [agencies["dinsos"].pk]})
    with django_assert_num_queries(5):
        client.get(url, {"q": "x" * 5000})


@pytest.mark.parametrize(
    "params",
    [
        {"q": "\u00b2"},
        {"q": "x" * 10000},
        {"q": "%_\\'"},
        {"field": "a", "a": ["99999999999999999999999", "0", ""]},
        {"field": "x" * 500},
    ],
)
def test_odd_input_never_breaks_the_search(client, sekretariat, agencies, params):
    client.force_login(sekretariat)
    assert search(client, "instansi", **params).status_code == 200


def test_an_unknown_picker_is_not_found(client, sekretariat):
    client.force_login(sekretariat)
    assert search(client, "pengguna").status_code == 404


def test_only_members_of_the_task_force_may_search(client, roles, agencies):
    response = search(client, "instansi", q="polres")
    assert response.status_code == 302 and "/akun/" in response["Location"]
    # From the search box of a form left open past the session: nothing to swap in.
    response = client.get(
        reverse("picker", args=["instansi"]), {"q": "polres"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 401 and response.content == b""
    client.force_login(UserFactory(username="tanpa-peran"))
    response = search(client, "instansi", q="polres")
    assert response.status_code == 403
    assert "Kepolisian" not in response.content.decode()


def test_contacts_are_grouped_by_kind_and_scoped_to_the_officers_kecamatan(
    client, petugas, kecamatan, other_kecamatan
):
    ContactFactory(
        name="KH Ahmad (DEMO)", organisation="PCNU", kind=ContactKind.AGAMA, region=kecamatan
    )
    ContactFactory(
        name="Bu Sri (DEMO)", organisation="", kind=ContactKind.PEREMPUAN, region=kecamatan
    )
    ContactFactory(name="KH Lain (DEMO)", kind=ContactKind.AGAMA, region=other_kecamatan)
    client.force_login(petugas)
    html = search(client, "tokoh", q="").content.decode()
    assert GROUP.findall(html) == ["Tokoh agama", "Tokoh perempuan"]
    assert labels(html) == ["KH Ahmad (DEMO) — PCNU", "Bu Sri (DEMO)"]
    assert labels(search(client, "tokoh", q="KH").content.decode()) == ["KH Ahmad (DEMO) — PCNU"]


def test_reports_are_found_by_number_or_title_never_drafts_or_restricted_ones(
    client, petugas, kecamatan
):
    mine = IncidentFactory(
        title="Sengketa lahan pabrik", kecamatan=kecamatan, status=Status.DIAJUKAN
    )
    IncidentFactory(title="Sengketa batas desa", kecamatan=kecamatan, status=Status.DRAFT)
    IncidentFactory(
        title="Sengketa rahasia",
        kecamatan=kecamatan,
        status=Status.DIAJUKAN,
        confidentiality=Confidentiality.TERBATAS,
    )
    client.force_login(petugas)
    assert labels(search(client, "laporan", q="sengketa").content.decode()) == [
        f"{mine.reference} — Sengketa lahan pabrik"
    ]
    number = mine.reference.rsplit("-", 1)[-1]
    assert labels(search(client, "laporan", q=number).content.decode()) == [
        f"{mine.reference} — Sengketa lahan pabrik"
    ]
