"""Named permissions of the directory, beyond the admin's model permissions."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from core.models import ActivityLog
from directory.models import Contact
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_only_administrators_export_contacts(client, sekretariat, admin_user, desa):
    # A secretariat member with admin access reads contacts there but may not export them.
    sekretariat.is_staff = True
    sekretariat.save()
    client.force_login(sekretariat)
    assert client.get("/admin/directory/contact/").status_code == 200
    assert client.get("/admin/directory/contact/export/").status_code == 403
    assert (
        "/admin/directory/contact/export/"
        not in client.get("/admin/directory/contact/").content.decode()
    )
    assert not ActivityLog.objects.filter(action="directory.contact.export").exists()

    client.force_login(admin_user)
    assert client.get("/admin/directory/contact/export/").status_code == 200


@pytest.mark.parametrize("model", ["agency", "contact"])
def test_only_administrators_import_spreadsheets(client, sekretariat, admin_user, model):
    # A secretariat member with admin access (viewing contacts and agencies) could open the
    # import and create or overwrite rows in bulk: the import library allows every staff user.
    sekretariat.is_staff = True
    sekretariat.save()
    client.force_login(sekretariat)
    changelist = client.get(f"/admin/directory/{model}/")
    assert changelist.status_code == 200
    assert f"/admin/directory/{model}/import/" not in changelist.content.decode()
    assert client.get(f"/admin/directory/{model}/import/").status_code == 403
    assert client.post(f"/admin/directory/{model}/process_import/").status_code == 403

    client.force_login(admin_user)
    assert client.get(f"/admin/directory/{model}/import/").status_code == 200


def test_rules_alone_decide_a_named_permission(sekretariat):
    """A model permission of the same name granted to a Group does not overrule rules.py; the
    Groups' other model permissions still open the admin pages."""
    same_name = Permission.objects.create(
        codename="export_contact",
        name="Can export contact",
        content_type=ContentType.objects.get_for_model(Contact),
    )
    Group.objects.get(name="sekretariat").permissions.add(same_name)
    user = type(sekretariat).objects.get(pk=sekretariat.pk)  # fresh permission caches
    assert not user.has_perm("directory.export_contact")
    assert user.has_perm("directory.view_contact")


def test_the_agency_export_is_for_who_may_see_agencies(client, roles):
    # Any staff account could download it, even one that may not see the list.
    client.force_login(UserFactory(username="staf-tanpa-peran", is_staff=True))
    assert client.get("/admin/directory/agency/export/").status_code == 403
