"""Close a race in the trigger that keeps `Incident.has_steps`: it now locks the report row
before it looks at the report's steps.

Before, two transactions deleting a report's last two steps at the same time each still saw
the other's step (not yet committed) and left the flag set on a report without steps; a step
added while another transaction deleted the report's last one could likewise leave the flag
cleared on a report with a step. With the report row locked first, such transactions take
turns: the second one waits for the first to commit and, its next statement reading a fresh
snapshot, counts the steps with the first one's change in.

FOR NO KEY UPDATE is the lock the flag's own UPDATE takes: it serialises these triggers
without blocking the foreign-key checks of other steps being written (FOR KEY SHARE). A step
moved between two reports locks both, lowest id first, so two moves in opposite directions
cannot deadlock. Editing a step without moving it takes no lock (nothing to count)."""

from django.db import migrations

LOCKING = """
CREATE OR REPLACE FUNCTION incident_has_steps_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    added_to bigint;
    removed_from bigint;
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        added_to := NEW.incident_id;
    END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.incident_id <> NEW.incident_id) THEN
        removed_from := OLD.incident_id;
    END IF;
    IF TG_OP <> 'UPDATE' OR removed_from IS NOT NULL THEN
        PERFORM 1 FROM incidents_incident
        WHERE id IN (added_to, removed_from)
        ORDER BY id
        FOR NO KEY UPDATE;
    END IF;
    IF added_to IS NOT NULL THEN
        UPDATE incidents_incident SET has_steps = true
        WHERE id = added_to AND NOT has_steps;
    END IF;
    IF removed_from IS NOT NULL THEN
        UPDATE incidents_incident SET has_steps = false
        WHERE id = removed_from AND has_steps
          AND NOT EXISTS (
              SELECT 1 FROM incidents_handlingstep WHERE incident_id = removed_from
          );
    END IF;
    RETURN NULL;
END;
$$;
"""

# As 0014_first_step_triggers created it.
UNLOCKED = """
CREATE OR REPLACE FUNCTION incident_has_steps_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE incidents_incident SET has_steps = true
        WHERE id = NEW.incident_id AND NOT has_steps;
    END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.incident_id <> NEW.incident_id) THEN
        UPDATE incidents_incident SET has_steps = false
        WHERE id = OLD.incident_id AND has_steps
          AND NOT EXISTS (
              SELECT 1 FROM incidents_handlingstep WHERE incident_id = OLD.incident_id
          );
    END IF;
    RETURN NULL;
END;
$$;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0015_backfill_submission_time_and_steps"),
    ]

    operations = [migrations.RunSQL(LOCKING, UNLOCKED)]
