"""Administrators upload the regency's logo (the letterhead) in the administration."""

from django.db import migrations

# Frozen: names the Group and the permissions, imports no app code.
TABLE = {("reports", "letterhead"): {"admin": ["view", "add", "change"]}}


def _apply(apps, revoke):
    from django.contrib.auth.management import create_permissions

    # Permissions of models created earlier in the same migration run do not exist yet; the
    # live registry (tests re-running this) keeps its own models_module.
    config = apps.get_app_config("reports")
    previous, config.models_module = getattr(config, "models_module", None), True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = previous
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
