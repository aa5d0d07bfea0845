"""Move the report workflow history (incidents.Transition) into the portal-wide activity log,
one entry per step with the action code the services now write (`incidents.report.<action>`).

Frozen: works on the historical models only."""

from django.db import migrations

# The status a step led to names the workflow action that took it there.
ACTIONS = {
    "draft": "create",
    "diajukan": "submit",
    "diverifikasi": "verify",
    "ditolak": "reject",
    "ditangani": "handle",
    "selesai": "resolve",
    "ditutup": "close",
}


def forwards(apps, schema_editor):
    Transition = apps.get_model("incidents", "Transition")
    ActivityLog = apps.get_model("core", "ActivityLog")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label="incidents", model="incident")
    entries = []
    for step in Transition.objects.select_related("incident").order_by("pk").iterator():
        incident = step.incident
        action = ACTIONS.get(step.to_status, step.to_status)
        if action == "create":
            data = {"to_status": step.to_status}
        else:
            data = {
                "from_status": step.from_status,
                "to_status": step.to_status,
                "note": step.note,
                "resolution": incident.resolution if action == "resolve" else "",
            }
        entries.append(
            ActivityLog(
                at=step.at,
                actor_id=step.by_id,
                action=f"incidents.report.{action}",
                content_type=content_type,
                object_id=str(incident.pk),
                object_repr=f"{incident.reference} — {incident.title}"[:200],
                data=data,
            )
        )
    ActivityLog.objects.bulk_create(entries, batch_size=1000)


def backwards(apps, schema_editor):
    Transition = apps.get_model("incidents", "Transition")
    ActivityLog = apps.get_model("core", "ActivityLog")
    entries = ActivityLog.objects.filter(
        action__in=[f"incidents.report.{action}" for action in ACTIONS.values()],
        actor__isnull=False,
        content_type__app_label="incidents",
        content_type__model="incident",
    ).order_by("at", "pk")
    for entry in entries.iterator():
        step = Transition.objects.create(
            incident_id=int(entry.object_id),
            from_status=entry.data.get("from_status", ""),
            to_status=entry.data.get("to_status", ""),
            by_id=entry.actor_id,
            note=entry.data.get("note", ""),
        )
        # `at` is auto_now_add: set the original time afterwards.
        Transition.objects.filter(pk=step.pk).update(at=entry.at)
    entries.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0002_unique_decree_message"),
        ("core", "0001_activity_log"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
