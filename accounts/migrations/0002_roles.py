"""Create the four role Groups (petugas, sekretariat, pimpinan, admin) and their permissions on
the directory and on users. Later apps grant permissions on their own models in their own data
migrations, through the same `accounts.roles.grant`."""

from django.db import migrations

from accounts.roles import DIRECTORY_PERMISSIONS, grant


def forwards(apps, schema_editor):
    grant(apps, DIRECTORY_PERMISSIONS)


def backwards(apps, schema_editor):
    grant(apps, DIRECTORY_PERMISSIONS, revoke=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("directory", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
