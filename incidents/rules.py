"""Who may do what with a report of conflict."""

import rules
from django.utils.translation import gettext as _

from accounts.rules import is_admin, is_petugas, is_reporter, is_secretariat
from incidents.choices import Status


@rules.predicate
def is_author(user, incident) -> bool:
    return incident is not None and incident.reported_by_id == user.pk


@rules.predicate
def is_draft(user, incident) -> bool:
    return incident is not None and incident.status == Status.DRAFT


@rules.predicate
def is_open(user, incident) -> bool:
    """Not yet resolved or closed: still editable by someone."""
    return incident is not None and incident.status not in (Status.SELESAI, Status.DITUTUP)


@rules.predicate
def is_before_verification(user, incident) -> bool:
    return incident is not None and incident.status in (
        Status.DRAFT,
        Status.DIAJUKAN,
        Status.DITOLAK,
    )


@rules.predicate
def is_in_handling(user, incident) -> bool:
    """Verified and not closed: handling steps may be recorded."""
    return incident is not None and incident.status in (
        Status.DIVERIFIKASI,
        Status.DITANGANI,
        Status.SELESAI,
    )


@rules.predicate
def is_operator_of_handling_agency(user, incident) -> bool:
    """The user's agency already took part in a handling step of this report."""
    agency_id = getattr(user, "agency_id", None)
    if incident is None or not agency_id or not incident.pk:
        return False
    return incident.steps.filter(agencies=agency_id).exists()


rules.add_perm("incidents.report_incident", is_reporter)
# Authors fix their report until it is verified; the secretariat edits any report but another's
# draft; nobody edits a resolved or closed one.
rules.add_perm(
    "incidents.edit_incident",
    is_open & ((is_secretariat & (~is_draft | is_author)) | (is_author & is_before_verification)),
)
# Whether the user may edit this report in some status: a save refused only because the status
# moved on meanwhile gets a message next to what they typed, not a bare 403.
rules.add_perm("incidents.maintain_incident", is_secretariat | is_author)
rules.add_perm("incidents.view_history", is_secretariat | is_admin)

# The workflow. Author-only and not-the-author rules are checked by the service, with their
# own messages.
rules.add_perm("incidents.submit_incident", is_reporter)
rules.add_perm("incidents.verify_incident", is_secretariat)
rules.add_perm("incidents.reject_incident", is_secretariat)
rules.add_perm("incidents.handle_incident", is_secretariat)
rules.add_perm("incidents.resolve_incident", is_secretariat)
rules.add_perm("incidents.close_incident", is_secretariat)

# Handling steps (issue 13 item 8): the secretariat, the report's author, or an operator of an
# agency already handling it; only the secretariat moves the report to another stage.
rules.add_perm(
    "incidents.add_step",
    is_in_handling & (is_secretariat | (is_petugas & (is_author | is_operator_of_handling_agency))),
)
rules.add_perm("incidents.change_stage", is_secretariat)

rules.add_perm("incidents.manage_conflict_status", is_secretariat)

# Data-subject requests about a party named in reports (UU 27/2022): search every report,
# list every access, export, anonymise. Administrators only, like contacts' requests.
rules.add_perm("incidents.party_subject_report", is_admin)


def edit_refusal(user, incident) -> str:
    """Why `incidents.edit_incident` refuses, when the reason is the report's status rather than
    the user's role (the author of a verified report): said on the refusal page instead of the
    generic "your role does not allow this". Empty when the role is the reason."""
    if user.has_perm("incidents.edit_incident", incident) or not user.has_perm(
        "incidents.maintain_incident", incident
    ):
        return ""
    if incident.status in (Status.SELESAI, Status.DITUTUP):
        return _(
            "Laporan sudah %(status)s dan tidak dapat diubah lagi. Catat perkembangan baru "
            "sebagai laporan baru."
        ) % {"status": incident.get_status_display().lower()}
    if incident.status in (Status.DIVERIFIKASI, Status.DITANGANI):
        return _(
            "Laporan sudah diverifikasi; tambahkan tindak lanjut untuk mencatat perkembangannya. "
            "Perbaikan isi laporan dilakukan oleh sekretariat."
        )
    return ""
