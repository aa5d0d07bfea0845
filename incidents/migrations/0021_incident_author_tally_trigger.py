"""The trigger that keeps IncidentAuthorTally current, and a function that recounts it from
scratch (run by the next migration, and by `seed_bench` after a bulk load written with triggers
off).

Like the report tally (migration 0008): each report written adds 1 to its (author, kecamatan,
status) row and, on update or delete, takes 1 from its old row. An update that changes none of
the three (an edit of the text, a risk assessment, a new handling step) leaves the tally alone.
A report without an author (none today: `reported_by` is required) is not counted. Concurrent
writes to one author's row wait for each other's commit: an officer's own reports, and the
secretariat's decisions on them, arrive reports per hour, not per second.

The recount locks the report table against writes first (SHARE), so no report written while
it runs can be counted twice or lost."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION incident_author_tally_rebuild() RETURNS void LANGUAGE sql AS $$
    LOCK TABLE incidents_incident IN SHARE MODE;
    DELETE FROM incidents_incidentauthortally;
    INSERT INTO incidents_incidentauthortally (reported_by_id, kecamatan_id, status, count)
    SELECT reported_by_id, kecamatan_id, status, count(*)
    FROM incidents_incident WHERE reported_by_id IS NOT NULL GROUP BY 1, 2, 3;
$$;

CREATE FUNCTION incident_author_tally_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF (OLD.reported_by_id, OLD.kecamatan_id, OLD.status)
            IS NOT DISTINCT FROM (NEW.reported_by_id, NEW.kecamatan_id, NEW.status)
        THEN
            RETURN NULL;
        END IF;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF OLD.reported_by_id IS NOT NULL THEN
            UPDATE incidents_incidentauthortally SET count = count - 1
            WHERE reported_by_id = OLD.reported_by_id AND kecamatan_id = OLD.kecamatan_id
              AND status = OLD.status;
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        IF NEW.reported_by_id IS NOT NULL THEN
            INSERT INTO incidents_incidentauthortally
                (reported_by_id, kecamatan_id, status, count)
            VALUES (NEW.reported_by_id, NEW.kecamatan_id, NEW.status, 1)
            ON CONFLICT (reported_by_id, kecamatan_id, status)
            DO UPDATE SET count = incidents_incidentauthortally.count + 1;
        END IF;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER incident_author_tally_count
AFTER INSERT OR DELETE OR UPDATE OF reported_by_id, kecamatan_id, status ON incidents_incident
FOR EACH ROW EXECUTE FUNCTION incident_author_tally_count();
"""

BACKWARD = """
DROP TRIGGER incident_author_tally_count ON incidents_incident;
DROP FUNCTION incident_author_tally_count();
DROP FUNCTION incident_author_tally_rebuild();
DELETE FROM incidents_incidentauthortally;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0020_incident_author_tally"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
