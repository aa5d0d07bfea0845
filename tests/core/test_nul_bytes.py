"""A NUL byte anywhere in a query string is answered with the 400 page, in Indonesian."""

import pytest

pytestmark = pytest.mark.django_db

NUL_URLS = [
    "/laporan/?q=%00",
    "/laporan/ekspor.csv?occurred_from=kemarin&q=a%00b",
    "/laporan/pilihan-desa/?kecamatan=%00",
    "/rat/?x%00=1",
    "/admin/directory/contact/?kind__exact=a%00b",
    "/admin/directory/region/?level=%00",
    "/admin/core/activitylog/?action=a%00",
    "/admin/directory/contact/export/?kind__exact=%00",
]


@pytest.mark.parametrize("url", NUL_URLS)
def test_nul_byte_in_the_query_string_gives_the_bad_request_page(client, admin_user, url):
    client.force_login(admin_user)
    response = client.get(url)
    assert response.status_code == 400
    assert "Permintaan tidak dapat diproses" in response.content.decode()
