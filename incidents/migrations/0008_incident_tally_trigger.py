"""The trigger that keeps IncidentTally current, and a function that recounts it from scratch
(run here once, and by `seed_bench` after a bulk load written with triggers off).

Each report written adds 1 to its group's row and, on update or delete, takes 1 from its old
group's row. Concurrent writes to the same group wait for each other's commit on that one tally
row: a few milliseconds at the portal's write rate (reports per hour, not per second)."""

from django.db import migrations

FORWARD = """
CREATE FUNCTION incident_tally_rebuild() RETURNS void LANGUAGE sql AS $$
    DELETE FROM incidents_incidenttally;
    INSERT INTO incidents_incidenttally (kecamatan_id, status, confidentiality, risk_level, count)
    SELECT kecamatan_id, status, confidentiality, coalesce(risk_level, ''), count(*)
    FROM incidents_incident GROUP BY 1, 2, 3, 4;
$$;

CREATE FUNCTION incident_tally_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND (OLD.kecamatan_id, OLD.status, OLD.confidentiality, OLD.risk_level)
            IS NOT DISTINCT FROM (NEW.kecamatan_id, NEW.status, NEW.confidentiality, NEW.risk_level)
    THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE incidents_incidenttally SET count = count - 1
        WHERE kecamatan_id = OLD.kecamatan_id AND status = OLD.status
          AND confidentiality = OLD.confidentiality
          AND risk_level = coalesce(OLD.risk_level, '');
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO incidents_incidenttally
            (kecamatan_id, status, confidentiality, risk_level, count)
        VALUES (NEW.kecamatan_id, NEW.status, NEW.confidentiality, coalesce(NEW.risk_level, ''), 1)
        ON CONFLICT (kecamatan_id, status, confidentiality, risk_level)
        DO UPDATE SET count = incidents_incidenttally.count + 1;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER incident_tally_count
AFTER INSERT OR DELETE OR UPDATE ON incidents_incident
FOR EACH ROW EXECUTE FUNCTION incident_tally_count();

SELECT incident_tally_rebuild();
"""

BACKWARD = """
DROP TRIGGER incident_tally_count ON incidents_incident;
DROP FUNCTION incident_tally_count();
DROP FUNCTION incident_tally_rebuild();
DELETE FROM incidents_incidenttally;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0007_incident_tally"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
