"""`manage.py load_reference_data` for a regency without its own lists takes the generic agency
list (and places no centres); without the regency's regions it says what to run first."""

import io

import pytest
from django.core.management import CommandError, call_command

from directory.models import Agency, Region
from tests.factories import RegionFactory

pytestmark = pytest.mark.django_db


def test_another_regency_gets_the_generic_agencies_and_no_centres(settings, roles):
    settings.PORTAL_REGION_CODE = "35.78"
    RegionFactory(code="35.78", name="KOTA SURABAYA", level="kabupaten")
    out = io.StringIO()

    call_command("load_reference_data", stdout=out)

    assert "Instansi rujukan:" in out.getvalue()
    assert "Titik tengah rujukan" not in out.getvalue()
    assert Agency.objects.exists()
    assert not Region.objects.filter(latitude__isnull=False).exists()


def test_without_the_regions_it_says_to_import_them_first(settings):
    settings.PORTAL_REGION_CODE = "35.78"
    with pytest.raises(
        CommandError, match=r"Wilayah 35\.78 belum dimuat: jalankan `manage.py import_regions`"
    ):
        call_command("load_reference_data", stdout=io.StringIO())
    assert not Agency.objects.exists()
