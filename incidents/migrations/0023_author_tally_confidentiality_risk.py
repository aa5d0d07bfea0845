"""IncidentAuthorTally also counts by confidentiality and risk level, so the report list can
read every user's total from the tallies: the report tally (what anyone in the user's scope may
see) plus the user's own reports that only they see (drafts; restricted reports when they are
not cleared for them), each filtered by status and risk as the list is.

The trigger and the recount take the two columns; the trigger now also fires on a change of
confidentiality or of the likelihood and impact the stored risk level is computed from. The
next migration recounts the rows from scratch.

Backwards, the rows are emptied before the old unique constraint returns (rows split by
confidentiality would break it; the next migration backwards empties them), and recounted
once the two columns are gone: the first operation, which does nothing forwards."""

from django.conf import settings
from django.db import migrations, models

FORWARD = """
CREATE OR REPLACE FUNCTION incident_author_tally_rebuild() RETURNS void LANGUAGE sql AS $$
    LOCK TABLE incidents_incident IN SHARE MODE;
    DELETE FROM incidents_incidentauthortally;
    INSERT INTO incidents_incidentauthortally
        (reported_by_id, kecamatan_id, status, confidentiality, risk_level, count)
    SELECT reported_by_id, kecamatan_id, status, confidentiality, coalesce(risk_level, ''),
        count(*)
    FROM incidents_incident WHERE reported_by_id IS NOT NULL GROUP BY 1, 2, 3, 4, 5;
$$;

CREATE OR REPLACE FUNCTION incident_author_tally_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF (OLD.reported_by_id, OLD.kecamatan_id, OLD.status, OLD.confidentiality,
            OLD.risk_level)
            IS NOT DISTINCT FROM
           (NEW.reported_by_id, NEW.kecamatan_id, NEW.status, NEW.confidentiality,
            NEW.risk_level)
        THEN
            RETURN NULL;
        END IF;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF OLD.reported_by_id IS NOT NULL THEN
            UPDATE incidents_incidentauthortally SET count = count - 1
            WHERE reported_by_id = OLD.reported_by_id AND kecamatan_id = OLD.kecamatan_id
              AND status = OLD.status AND confidentiality = OLD.confidentiality
              AND risk_level = coalesce(OLD.risk_level, '');
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        IF NEW.reported_by_id IS NOT NULL THEN
            INSERT INTO incidents_incidentauthortally
                (reported_by_id, kecamatan_id, status, confidentiality, risk_level, count)
            VALUES (NEW.reported_by_id, NEW.kecamatan_id, NEW.status, NEW.confidentiality,
                coalesce(NEW.risk_level, ''), 1)
            ON CONFLICT (reported_by_id, kecamatan_id, status, confidentiality, risk_level)
            DO UPDATE SET count = incidents_incidentauthortally.count + 1;
        END IF;
    END IF;
    RETURN NULL;
END;
$$;

DROP TRIGGER incident_author_tally_count ON incidents_incident;
CREATE TRIGGER incident_author_tally_count
AFTER INSERT OR DELETE OR UPDATE OF reported_by_id, kecamatan_id, status, confidentiality,
    likelihood, impact
ON incidents_incident
FOR EACH ROW EXECUTE FUNCTION incident_author_tally_count();
"""

# As migration 0021 made them; the rows are recounted by the first operation, backwards.
BACKWARD = """
DROP TRIGGER incident_author_tally_count ON incidents_incident;
CREATE TRIGGER incident_author_tally_count
AFTER INSERT OR DELETE OR UPDATE OF reported_by_id, kecamatan_id, status ON incidents_incident
FOR EACH ROW EXECUTE FUNCTION incident_author_tally_count();

CREATE OR REPLACE FUNCTION incident_author_tally_rebuild() RETURNS void LANGUAGE sql AS $$
    LOCK TABLE incidents_incident IN SHARE MODE;
    DELETE FROM incidents_incidentauthortally;
    INSERT INTO incidents_incidentauthortally (reported_by_id, kecamatan_id, status, count)
    SELECT reported_by_id, kecamatan_id, status, count(*)
    FROM incidents_incident WHERE reported_by_id IS NOT NULL GROUP BY 1, 2, 3;
$$;

CREATE OR REPLACE FUNCTION incident_author_tally_count() RETURNS trigger LANGUAGE plpgsql AS $$
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
"""


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0004_region_centre_and_boundary"),
        ("incidents", "0022_backfill_incident_author_tally"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Backwards only, and last: the recount by (author, kecamatan, status).
        migrations.RunSQL(
            migrations.RunSQL.noop, "SELECT incident_author_tally_rebuild();", elidable=False
        ),
        migrations.RemoveConstraint(
            model_name="incidentauthortally",
            name="incident_author_tally_unique",
        ),
        migrations.AddField(
            model_name="incidentauthortally",
            name="confidentiality",
            field=models.CharField(
                choices=[
                    ("internal", "Internal (semua anggota tim)"),
                    ("terbatas", "Terbatas (sekretariat, pimpinan, dan yang diberi izin)"),
                ],
                default="internal",
                max_length=8,
                verbose_name="sifat",
            ),
        ),
        migrations.AddField(
            model_name="incidentauthortally",
            name="risk_level",
            field=models.CharField(
                blank=True,
                choices=[
                    ("rendah", "Rendah"),
                    ("sedang", "Sedang"),
                    ("tinggi", "Tinggi"),
                    ("sangat_tinggi", "Sangat tinggi"),
                ],
                default="",
                max_length=13,
                verbose_name="tingkat risiko",
            ),
        ),
        migrations.AddConstraint(
            model_name="incidentauthortally",
            constraint=models.UniqueConstraint(
                fields=("reported_by", "kecamatan", "status", "confidentiality", "risk_level"),
                name="incident_author_tally_unique",
            ),
        ),
        migrations.RunSQL(FORWARD, BACKWARD),
    ]
