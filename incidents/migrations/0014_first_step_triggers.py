"""Keep `Incident.has_steps` current from the handling steps, and count it in IncidentTally.

A step inserted sets its report's flag; a step deleted (or moved to another report) clears the
flag when it was the report's last. The report row's update then moves the report between
tally groups through the tally trigger, like any other change of a counted column. The history
trigger of the report ignores the column (excluded from tracking)."""

from django.db import migrations

TALLY_FORWARD = """
CREATE OR REPLACE FUNCTION incident_tally_rebuild() RETURNS void LANGUAGE sql AS $$
    DELETE FROM incidents_incidenttally;
    INSERT INTO incidents_incidenttally
        (kecamatan_id, status, confidentiality, risk_level, has_steps, count)
    SELECT kecamatan_id, status, confidentiality, coalesce(risk_level, ''), has_steps, count(*)
    FROM incidents_incident GROUP BY 1, 2, 3, 4, 5;
$$;

CREATE OR REPLACE FUNCTION incident_tally_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND (OLD.kecamatan_id, OLD.status, OLD.confidentiality, OLD.risk_level, OLD.has_steps)
            IS NOT DISTINCT FROM
            (NEW.kecamatan_id, NEW.status, NEW.confidentiality, NEW.risk_level, NEW.has_steps)
    THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE incidents_incidenttally SET count = count - 1
        WHERE kecamatan_id = OLD.kecamatan_id AND status = OLD.status
          AND confidentiality = OLD.confidentiality
          AND risk_level = coalesce(OLD.risk_level, '') AND has_steps = OLD.has_steps;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO incidents_incidenttally
            (kecamatan_id, status, confidentiality, risk_level, has_steps, count)
        VALUES (NEW.kecamatan_id, NEW.status, NEW.confidentiality, coalesce(NEW.risk_level, ''),
                NEW.has_steps, 1)
        ON CONFLICT (kecamatan_id, status, confidentiality, risk_level, has_steps)
        DO UPDATE SET count = incidents_incidenttally.count + 1;
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION incident_has_steps_sync() RETURNS trigger LANGUAGE plpgsql AS $$
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

CREATE TRIGGER incident_has_steps_sync
AFTER INSERT OR DELETE OR UPDATE OF incident_id ON incidents_handlingstep
FOR EACH ROW EXECUTE FUNCTION incident_has_steps_sync();
"""

TALLY_BACKWARD = """
DELETE FROM incidents_incidenttally;
DROP TRIGGER incident_has_steps_sync ON incidents_handlingstep;
DROP FUNCTION incident_has_steps_sync();

CREATE OR REPLACE FUNCTION incident_tally_rebuild() RETURNS void LANGUAGE sql AS $$
    DELETE FROM incidents_incidenttally;
    INSERT INTO incidents_incidenttally (kecamatan_id, status, confidentiality, risk_level, count)
    SELECT kecamatan_id, status, confidentiality, coalesce(risk_level, ''), count(*)
    FROM incidents_incident GROUP BY 1, 2, 3, 4;
$$;

CREATE OR REPLACE FUNCTION incident_tally_count() RETURNS trigger LANGUAGE plpgsql AS $$
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
"""


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0013_submission_time_and_first_step"),
    ]

    operations = [migrations.RunSQL(TALLY_FORWARD, TALLY_BACKWARD)]
