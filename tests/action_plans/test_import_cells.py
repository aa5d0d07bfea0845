"""RAT import cells that only look like numbers or pillars: an infinite target, rupiah with
cents, and a pillar the framework does not have are each named by row and column; nothing is
imported."""

import pytest

from tests.action_plans.test_spreadsheets import good, labelled_xlsx

pytestmark = pytest.mark.django_db


def test_numbers_and_pillars_that_are_not_are_named(client, plan, sekretariat, dinsos, kecamatan):
    client.force_login(sekretariat)
    rows = [
        good("1.1", **{"Target B08": "inf"}),
        good("1.2", **{"Anggaran (Rp)": "1.250.000,50"}),
        good("1.3", **{"Pilar": "Inklusivitas, Keamanan"}),
    ]

    response = client.post("/rat/2024/impor/", {"file": labelled_xlsx(rows)})

    assert response.status_code == 400
    assert response.context["problems"] == [
        "Baris 2: kolom “Target B08” harus berupa angka.",
        "Baris 3: kolom “Anggaran (Rp)” harus bilangan bulat.",
        "Baris 4: kolom “Pilar”: “Keamanan” tidak dikenal (lihat lembar Pilihan).",
    ]
    assert not plan.activities.exists()
