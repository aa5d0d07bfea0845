"""The admin's export refuses filters it does not know instead of failing (issue 13 item 3)."""

import pytest

from core.models import ActivityLog

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/admin/directory/contact/export/?foo=bar",
        "/admin/directory/contact/export/?format=9",
        "/admin/directory/agency/export/?region__nama=x",
    ],
)
def test_export_with_an_unknown_parameter_goes_back_to_the_list_with_a_message(
    client, admin_user, url
):
    client.force_login(admin_user)
    for method in (client.get, client.post):
        response = method(url, {"format": "0"} if method == client.post else None, follow=True)
        assert response.status_code == 200
        assert response.redirect_chain[-1][0].endswith("/")
        assert "Filter ekspor tidak dikenal" in response.content.decode()
    assert not ActivityLog.objects.filter(action="directory.contact.export").exists()
