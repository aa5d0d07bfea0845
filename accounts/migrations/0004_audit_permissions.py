"""Let administrators read the audit trail (frozen: names the permission, imports no app code)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def forwards(apps, schema_editor):
    config = apps.get_app_config("accounts")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    admin, _ = Group.objects.get_or_create(name="admin")
    admin.permissions.add(
        *Permission.objects.filter(content_type__app_label="accounts", codename="view_auditentry")
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_audit_entry")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
