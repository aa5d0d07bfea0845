"""The activity log names a report by its number only (Incident.log_label): entries written
before carried "PKS-… — <title>", and a title may name people the log's readers may not know
about. The log's append-only trigger allows exactly this change (its object name)."""

from django.db import migrations


def rename(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(app_label="incidents", model="incident").first()
    if content_type is None:
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE core_activitylog AS entry SET object_repr = report.reference
            FROM incidents_incident AS report
            WHERE entry.content_type_id = %s AND entry.object_id = report.id::text
              AND entry.object_repr <> report.reference
            """,
            [content_type.pk],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0025_events_have_no_risk_assessment"),
        ("core", "0006_activity_log_data_index"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(rename, migrations.RunPython.noop)]
