"""Move realisation events (submitted, returned, resubmitted) and plan revisions into the
portal-wide activity log, with the action codes the services now write.

Frozen: works on the historical models only."""

from django.db import migrations

REALISATION_ACTIONS = {
    "diserahkan": "action_plans.realisation.submit",
    "dikembalikan": "action_plans.realisation.return",
    "diserahkan_ulang": "action_plans.realisation.resubmit",
}
REVISE = "action_plans.plan.revise"


def forwards(apps, schema_editor):
    RealisationEvent = apps.get_model("action_plans", "RealisationEvent")
    PlanRevision = apps.get_model("action_plans", "PlanRevision")
    ActivityLog = apps.get_model("core", "ActivityLog")
    ContentType = apps.get_model("contenttypes", "ContentType")
    realisation_type, _ = ContentType.objects.get_or_create(
        app_label="action_plans", model="realisation"
    )
    plan_type, _ = ContentType.objects.get_or_create(app_label="action_plans", model="actionplan")
    entries = []
    events = RealisationEvent.objects.select_related(
        "realisation__activity", "realisation__period"
    ).order_by("pk")
    for event in events.iterator():
        realisation = event.realisation
        entries.append(
            ActivityLog(
                at=event.at,
                actor_id=event.by_id,
                action=REALISATION_ACTIONS[event.action],
                content_type=realisation_type,
                object_id=str(realisation.pk),
                object_repr=f"{realisation.activity.code} {realisation.period.code}"[:200],
                data={"note": event.note} if event.note else {},
            )
        )
    for revision in PlanRevision.objects.select_related("plan").order_by("pk").iterator():
        entries.append(
            ActivityLog(
                at=revision.at,
                actor_id=revision.by_id,
                action=REVISE,
                content_type=plan_type,
                object_id=str(revision.plan_id),
                object_repr=f"RAT {revision.plan.year}",
                data={"reason": revision.reason, "changes": revision.changes},
            )
        )
    ActivityLog.objects.bulk_create(entries, batch_size=1000)


def backwards(apps, schema_editor):
    RealisationEvent = apps.get_model("action_plans", "RealisationEvent")
    PlanRevision = apps.get_model("action_plans", "PlanRevision")
    ActivityLog = apps.get_model("core", "ActivityLog")
    codes = {code: action for action, code in REALISATION_ACTIONS.items()}
    entries = ActivityLog.objects.filter(
        action__in=[*codes, REVISE], actor__isnull=False, content_type__app_label="action_plans"
    ).order_by("at", "pk")
    for entry in entries.iterator():
        if entry.action == REVISE:
            row = PlanRevision.objects.create(
                plan_id=int(entry.object_id),
                by_id=entry.actor_id,
                reason=entry.data.get("reason", ""),
                changes=entry.data.get("changes", []),
            )
            model = PlanRevision
        else:
            row = RealisationEvent.objects.create(
                realisation_id=int(entry.object_id),
                action=codes[entry.action],
                by_id=entry.actor_id,
                note=entry.data.get("note", ""),
            )
            model = RealisationEvent
        # `at` is auto_now_add: set the original time afterwards.
        model.objects.filter(pk=row.pk).update(at=entry.at)
    entries.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("action_plans", "0003_realisation_version"),
        ("core", "0001_activity_log"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
