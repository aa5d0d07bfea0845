"""Fill `submitted_at` and `has_steps` of the existing reports, then recount IncidentTally.

`submitted_at` is the latest "submit" entry of the report in the activity log; a report past
draft without one (imported archives, synthetic bench data) gets the time it was filed
(`reported_at`), the earliest it can have been submitted. The tally trigger is paused for the
one set-based update and the tally rebuilt from scratch after it."""

from django.db import migrations

FORWARD = """
ALTER TABLE incidents_incident DISABLE TRIGGER incident_tally_count;

WITH submitted AS (
    SELECT l.object_id, max(l.at) AS at
    FROM core_activitylog l
    JOIN django_content_type t ON t.id = l.content_type_id
    WHERE t.app_label = 'incidents' AND t.model = 'incident'
      AND l.action = 'incidents.report.submit'
    GROUP BY l.object_id
),
stepped AS (SELECT DISTINCT incident_id FROM incidents_handlingstep),
derived AS (
    SELECT x.id,
           CASE WHEN x.status <> 'draft' THEN coalesce(sub.at, x.reported_at) END AS submitted_at,
           st.incident_id IS NOT NULL AS has_steps
    FROM incidents_incident x
    LEFT JOIN submitted sub ON sub.object_id = x.id::text
    LEFT JOIN stepped st ON st.incident_id = x.id
)
UPDATE incidents_incident i
SET submitted_at = d.submitted_at, has_steps = d.has_steps
FROM derived d
WHERE d.id = i.id AND (d.submitted_at IS NOT NULL OR d.has_steps);

ALTER TABLE incidents_incident ENABLE TRIGGER incident_tally_count;

SELECT incident_tally_rebuild();
"""

BACKWARD = """
UPDATE incidents_incident SET submitted_at = NULL, has_steps = false
WHERE submitted_at IS NOT NULL OR has_steps;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_activity_log_append_only"),
        ("incidents", "0014_first_step_triggers"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
