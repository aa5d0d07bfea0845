"""Let administrators read the activity log in the admin (they answer breach and access
requests, UU 27/2022).

Frozen: names the Group and permission, imports no app code.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# (app_label, model) -> {role: actions}
PERMISSIONS = {("core", "activitylog"): {"admin": ["view"]}}


def _create_permissions(apps, labels):
    # Permissions of models created earlier in the same migration run do not exist yet.
    for label in labels:
        config = apps.get_app_config(label)
        previous, config.models_module = getattr(config, "models_module", None), True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = previous


def _grants(apps):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for (app_label, model), by_role in PERMISSIONS.items():
        for role, actions in by_role.items():
            group, _ = Group.objects.get_or_create(name=role)
            perms = Permission.objects.filter(
                content_type__app_label=app_label,
                codename__in=[f"{action}_{model}" for action in actions],
            )
            yield group, perms


def forwards(apps, schema_editor):
    _create_permissions(apps, {app_label for app_label, _model in PERMISSIONS})
    for group, perms in _grants(apps):
        group.permissions.add(*perms)


def backwards(apps, schema_editor):
    for group, perms in _grants(apps):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_activity_log"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
