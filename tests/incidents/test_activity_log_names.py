"""The activity log and reports' titles: an administrator reads the log, but may not see a
restricted report (its title may name an informant, its rejection reason more)."""

import importlib

from django.apps import apps
from django.db import connection

from core.models import ActivityLog
from core.services import log_action
from incidents import services
from tests.factories import IncidentFactory

SECRET_TITLE = "Informan Pak Sukarmin melihat penimbunan senjata"
SECRET_NOTE = "Narasumber Pak Sukarmin minta namanya tidak dicatat"


def test_the_admin_log_hides_restricted_reports_and_names_reports_by_number(
    client, admin_user, sekretariat, petugas_unscoped, kecamatan
):
    secret = IncidentFactory(
        kecamatan=kecamatan,
        reported_by=petugas_unscoped,
        status="diajukan",
        confidentiality="terbatas",
        title=SECRET_TITLE,
    )
    plain = IncidentFactory(
        kecamatan=kecamatan,
        reported_by=petugas_unscoped,
        status="diajukan",
        title="Warga Desa Sumbersari berselisih soal irigasi",
    )
    for report in (secret, plain):
        services.incident_transition(
            incident=report, by=sekretariat, action="reject", note=SECRET_NOTE
        )

    # An administrator without clearance reads no report's entries (each report's page shows
    # its events to those who may open it); other entries stay.
    log_action(actor=sekretariat, action="incidents.export", format="csv")
    client.force_login(admin_user)
    page = client.get("/admin/core/activitylog/").content.decode()
    assert "Laporan diekspor" in page
    assert secret.reference not in page and plain.reference not in page
    assert SECRET_TITLE not in page and SECRET_NOTE not in page

    # Cleared, and not scoped to one kecamatan: every report's entries, by number only.
    admin_user.cleared_restricted = True
    admin_user.save()
    page = client.get("/admin/core/activitylog/").content.decode()
    assert secret.reference in page and plain.reference in page
    assert page.count(SECRET_NOTE) == 2
    assert SECRET_TITLE not in page and "Sumbersari" not in page  # titles stay on the reports
    # Scoped to a kecamatan: not every report is theirs to see.
    admin_user.kecamatan = kecamatan
    admin_user.save()
    assert secret.reference not in client.get("/admin/core/activitylog/").content.decode()


def test_entries_written_before_are_renamed_to_the_report_number(petugas_unscoped, kecamatan):
    report = IncidentFactory(kecamatan=kecamatan, reported_by=petugas_unscoped, title=SECRET_TITLE)
    entry = log_action(actor=petugas_unscoped, action="incidents.report.create", obj=report)
    assert entry.object_repr == report.reference
    # As written before Incident.log_label existed.
    ActivityLog.objects.filter(pk=entry.pk).update(object_repr=str(report))

    migration = importlib.import_module(
        "incidents.migrations.0026_activity_log_names_reports_by_number"
    )
    migration.rename(apps, connection.schema_editor())

    entry.refresh_from_db()
    assert entry.object_repr == report.reference
