"""Count the existing reports into IncidentAuthorTally. Its trigger counts every report written
from the previous migration on; the recount starts from scratch, so nothing is counted twice.

Backwards there is nothing to undo while the trigger stays: the rows are right, and emptying
them would leave the authors' older reports uncounted. They go with the trigger (the previous
migration, backwards)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0021_incident_author_tally_trigger"),
    ]

    operations = [
        migrations.RunSQL("SELECT incident_author_tally_rebuild();", migrations.RunSQL.noop)
    ]
