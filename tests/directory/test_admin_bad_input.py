"""The admin's export refuses filters it does not know instead of failing (issue 13 item 3)."""

import pytest

from core.models import ActivityLog
from directory.models import TeamDecree

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


def test_a_huge_tampered_member_count_builds_no_more_forms_than_allowed(client, admin_user):
    client.force_login(admin_user)
    data = {
        "year": "2026",
        "number": "188/1/2026",
        "members-TOTAL_FORMS": "100000",
        "members-INITIAL_FORMS": "0",
    }
    response = client.post("/admin/directory/teamdecree/add/", data)
    assert response.status_code == 200
    [members] = response.context["inline_admin_formsets"]
    assert len(members.formset.forms) <= 300
    assert not TeamDecree.objects.exists()
