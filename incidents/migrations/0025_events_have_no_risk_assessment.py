"""Events (kejadian) keep no risk assessment (Incident.clean): clear one sent by the form's
hidden fields or left from a potential conflict that turned into an event. The history and
tally triggers record the change as any update."""

from django.db import migrations


def clear(apps, schema_editor):
    Incident = apps.get_model("incidents", "Incident")
    Incident.objects.filter(kind="kejadian").exclude(likelihood=None, impact=None).update(
        likelihood=None, impact=None
    )


class Migration(migrations.Migration):
    dependencies = [("incidents", "0024_recount_incident_author_tally")]

    operations = [migrations.RunPython(clear, migrations.RunPython.noop)]
