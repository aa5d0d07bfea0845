"""Administrators upload the regency's logo (the letterhead) in the administration."""

from django.db import migrations

# Frozen copy of accounts.roles.REPORTS_PERMISSIONS at the time of writing.
TABLE = {("reports", "letterhead"): {"admin": ["view", "add", "change"]}}


def _apply(apps, revoke):
    from django.contrib.auth.management import create_permissions

    config = apps.get_app_config("reports")
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for (app_label, model), by_role in TABLE.items():
        for role, actions in by_role.items():
            group, _created = Group.objects.get_or_create(name=role)
            perms = Permission.objects.filter(
                content_type__app_label=app_label,
                codename__in=[f"{action}_{model}" for action in actions],
            )
            if revoke:
                group.permissions.remove(*perms)
            else:
                group.permissions.add(*perms)


def forwards(apps, schema_editor):
    _apply(apps, revoke=False)


def backwards(apps, schema_editor):
    _apply(apps, revoke=True)


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_letterhead_narrative_issued_reports"),
        ("accounts", "0002_roles"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
