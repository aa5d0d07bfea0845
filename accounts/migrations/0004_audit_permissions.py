"""Let administrators read the audit trail."""

from django.db import migrations

from accounts.roles import AUDIT_PERMISSIONS, grant


def forwards(apps, schema_editor):
    grant(apps, AUDIT_PERMISSIONS)


def backwards(apps, schema_editor):
    grant(apps, AUDIT_PERMISSIONS, revoke=True)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_audit_entry")]

    operations = [migrations.RunPython(forwards, backwards)]
