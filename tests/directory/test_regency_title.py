"""The regency's name as the letterhead of official documents writes it, whatever form the
region list uses; before regions are loaded, the configured code (and no kecamatan)."""

import pytest

from directory.selectors import regency_kecamatan, regency_title
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("stored", "written"),
    [
        ("KAB. JOMBANG", "Kabupaten Jombang"),
        ("KABUPATEN MALANG", "Kabupaten Malang"),
        ("KOTA SURABAYA", "Kota Surabaya"),
        ("BATU", "Batu"),
        ("Kota Batu", "Kota Batu"),
    ],
)
def test_the_name_as_documents_write_it(stored, written):
    assert regency_title(RegionFactory.build(name=stored, level="kabupaten")) == written


def test_before_regions_are_loaded(settings):
    settings.PORTAL_REGION_CODE = "35.17"
    assert regency_title() == "35.17"
    assert list(regency_kecamatan()) == []
