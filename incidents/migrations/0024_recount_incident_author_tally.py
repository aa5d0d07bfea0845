"""Recount IncidentAuthorTally by author, kecamatan, status, confidentiality and risk level
(the columns the previous migration added). Its trigger counts every report written from the
previous migration on; the recount starts from scratch, so nothing is counted twice.

Backwards the rows are emptied: split by confidentiality and risk level, they would break the
unique constraint (author, kecamatan, status) the previous migration restores backwards, which
then recounts them."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0023_author_tally_confidentiality_risk"),
    ]

    operations = [
        migrations.RunSQL(
            "SELECT incident_author_tally_rebuild();",
            "DELETE FROM incidents_incidentauthortally;",
        )
    ]
