"""The RAT matrix print view (`?cetak=1`) carries the letterhead and signature block of the
official documents, from the same includes (issue 9: the RAT print had no regency, kop or
signature)."""

from datetime import date

import pytest
from django.utils import formats

from tests.factories import TeamDecreeFactory


@pytest.fixture
def decree(db):
    return TeamDecreeFactory(year=2024, number="188.45/12/415.10.1.3/2024")


def test_print_view_has_the_letterhead_and_signature(
    client, established, sekretariat, regency, decree, settings
):
    settings.PORTAL_SECRETARIAT_NAME = "Badan Kesatuan Bangsa dan Politik"
    settings.PORTAL_SECRETARIAT_ADDRESS = "Jl. Contoh No. 1, Jombang"
    settings.PORTAL_SIGNER_NAME = "Nama Penandatangan"
    settings.PORTAL_SIGNER_NIP = "19700101 199001 1 001"
    settings.PORTAL_SIGNATURE_PLACE = "Jombang"
    client.force_login(sekretariat)
    page = client.get("/rat/2024/?cetak=1").content.decode()
    kop = page.split('data-testid="letterhead"', 1)[1].split("</header>", 1)[0]
    assert "Pemerintah Kabupaten Jombang" in kop
    assert "Badan Kesatuan Bangsa dan Politik" in kop and "Jl. Contoh No. 1" in kop
    signature = page.split('data-testid="signature"', 1)[1].split("</section>", 1)[0]
    today = formats.date_format(date.today(), "j F Y")
    assert f"Jombang, {today}" in signature
    assert "Nama Penandatangan" in signature and "NIP 19700101 199001 1 001" in signature
    # The letterhead sits above the matrix, the signature below it.
    assert page.index('data-testid="letterhead"') < page.index("<table")
    assert page.rindex("</table>") < page.index('data-testid="signature"')


def test_the_screen_view_has_no_letterhead(client, established, sekretariat, regency):
    client.force_login(sekretariat)
    page = client.get("/rat/2024/").content.decode()
    assert 'data-testid="letterhead"' not in page


def test_print_view_shows_the_uploaded_logo_to_those_who_may_fetch_it(
    client, established, sekretariat, regency
):
    from django.core.files.base import ContentFile

    from reports.models import Letterhead
    from tests.factories import jpeg_bytes

    client.force_login(sekretariat)
    page = client.get("/rat/2024/?cetak=1").content.decode()
    assert "<img" not in page.split('data-testid="letterhead"', 1)[1].split("</header>", 1)[0]

    letterhead = Letterhead()
    letterhead.logo.save("logo.jpg", ContentFile(jpeg_bytes((40, 40))))
    page = client.get("/rat/2024/?cetak=1").content.decode()
    kop = page.split('data-testid="letterhead"', 1)[1].split("</header>", 1)[0]
    assert 'src="/laporan-resmi/kop/logo/"' in kop
    assert client.get("/laporan-resmi/kop/logo/").status_code == 200
