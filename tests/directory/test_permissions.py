"""Named permissions of the directory, beyond the admin's model permissions."""

import pytest

from core.models import ActivityLog

pytestmark = pytest.mark.django_db


def test_only_administrators_export_contacts(client, sekretariat, admin_user, desa):
    # A secretariat member with admin access reads contacts there but may not export them.
    sekretariat.is_staff = True
    sekretariat.save()
    client.force_login(sekretariat)
    assert client.get("/admin/directory/contact/").status_code == 200
    assert client.get("/admin/directory/contact/export/").status_code == 403
    assert "/admin/directory/contact/export/" not in client.get(
        "/admin/directory/contact/"
    ).content.decode()
    assert not ActivityLog.objects.filter(action="directory.contact.export").exists()

    client.force_login(admin_user)
    assert client.get("/admin/directory/contact/export/").status_code == 200
