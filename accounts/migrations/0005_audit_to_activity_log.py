"""Move the audit trail into the portal-wide activity log (core.ActivityLog), then drop it.

Frozen: works on the historical models only."""

from django.db import migrations


def forwards(apps, schema_editor):
    AuditEntry = apps.get_model("accounts", "AuditEntry")
    ActivityLog = apps.get_model("core", "ActivityLog")
    ActivityLog.objects.bulk_create(
        ActivityLog(at=e.at, actor_id=e.user_id, action=e.action, data=e.detail)
        for e in AuditEntry.objects.order_by("pk")
    )
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label="core", model="activitylog")
    view, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="view_activitylog",
        defaults={"name": "Can view catatan kegiatan"},
    )
    for group in Group.objects.filter(name="admin"):
        group.permissions.add(view)


def backwards(apps, schema_editor):
    AuditEntry = apps.get_model("accounts", "AuditEntry")
    ActivityLog = apps.get_model("core", "ActivityLog")
    AuditEntry.objects.bulk_create(
        AuditEntry(at=e.at, user_id=e.actor_id, action=e.action, detail=e.data)
        for e in ActivityLog.objects.filter(actor__isnull=False).order_by("pk")
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_audit_permissions"), ("core", "0001_activity_log")]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="AuditEntry"),
    ]
