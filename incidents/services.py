"""Every write to a report goes through these functions: they validate, save, record the
workflow and history with the acting user, and nothing else writes incidents."""

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

import pghistory
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pghistory.models import Context as HistoryContext

from accounts.models import User
from core.models import ActivityLog
from core.services import evidence_save, evidence_store, log_action
from core.utils import single_spaced
from incidents.choices import DatePrecision, Kind, LocationPrecision, Resolution, Status
from incidents.models import QUICK_INCOMPLETE, Evidence, HandlingStep, Incident, Party
from incidents.selectors import HIGH_RISK, OPEN_STATUSES

# --- reference numbers -------------------------------------------------------------------------


def reference_next(*, year: int) -> str:
    """`PKS-<year>-<4-digit sequence>`. The upsert locks the year's counter row until the
    surrounding transaction ends, so concurrent reports queue here and get distinct numbers."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO incidents_referencecounter (year, last_number) VALUES (%s, 1)
            ON CONFLICT (year) DO UPDATE
                SET last_number = incidents_referencecounter.last_number + 1
            RETURNING last_number
            """,
            [year],
        )
        (number,) = cursor.fetchone()
    return f"PKS-{year}-{number:04d}"


# --- workflow ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    label: str
    sources: frozenset
    target: str
    perm: str
    author_only: bool = False
    not_author: bool = False
    needs_note: bool = False
    needs_resolution: bool = False
    # Asked on the page before the step is taken: it cannot be undone.
    needs_confirmation: bool = False
    style: str = "primary"


ACTIONS = {
    "submit": Action(
        gettext_lazy("Ajukan"),
        frozenset({Status.DRAFT, Status.DITOLAK}),
        Status.DIAJUKAN,
        "incidents.submit_incident",
        author_only=True,
    ),
    "verify": Action(
        gettext_lazy("Verifikasi"),
        frozenset({Status.DIAJUKAN}),
        Status.DIVERIFIKASI,
        "incidents.verify_incident",
        not_author=True,
        style="success",
    ),
    "reject": Action(
        gettext_lazy("Tolak"),
        frozenset({Status.DIAJUKAN}),
        Status.DITOLAK,
        "incidents.reject_incident",
        not_author=True,
        needs_note=True,
        style="danger",
    ),
    "handle": Action(
        gettext_lazy("Tandai ditangani"),
        frozenset({Status.DIVERIFIKASI}),
        Status.DITANGANI,
        "incidents.handle_incident",
    ),
    "resolve": Action(
        gettext_lazy("Nyatakan selesai"),
        frozenset({Status.DITANGANI}),
        Status.SELESAI,
        "incidents.resolve_incident",
        needs_resolution=True,
        style="success",
    ),
    "close": Action(
        gettext_lazy("Tutup laporan"),
        frozenset({Status.SELESAI}),
        Status.DITUTUP,
        "incidents.close_incident",
        needs_confirmation=True,
        style="secondary",
    ),
}


def actions_available(incident: Incident, user) -> dict[str, Action]:
    return {
        name: action
        for name, action in ACTIONS.items()
        if _action_refusal(action, incident, user) is None
    }


def _action_refusal(action: Action, incident: Incident, user) -> str | None:
    if incident.status not in action.sources:
        return _("Tindakan “%(action)s” tidak tersedia untuk laporan berstatus %(status)s.") % {
            "status": incident.get_status_display(),
            "action": action.label,
        }
    if not user.has_perm(action.perm, incident):
        return _("Anda tidak berwenang melakukan tindakan ini.")
    if action.author_only and incident.reported_by_id != user.pk:
        return _("Hanya pelapor yang dapat mengajukan laporannya.")
    if action.not_author and incident.reported_by_id == user.pk:
        return _("Laporan tidak boleh diverifikasi atau ditolak oleh pelapornya sendiri.")
    if action.target == Status.DIVERIFIKASI and incident.needs_completion:
        return str(QUICK_INCOMPLETE)
    return None


class AlreadyDone(Exception):
    """The same person's same action was just recorded from the same version of the report:
    the button was pressed twice (or the answer was lost and the form sent again)."""


def _just_done(incident: Incident, by, action: str, expected_version: int | None) -> bool:
    if expected_version is None or incident.version != expected_version + 1:
        return False
    # The report's latest move (not a view of it, which the log records too) was this one.
    moves = ActivityLog.objects.for_object(incident).filter(action__startswith="incidents.report.")
    latest = moves.order_by("-at", "-pk").first()
    return (
        latest is not None
        and latest.action == f"incidents.report.{action}"
        and latest.actor_id == by.pk
    )


@transaction.atomic
def incident_transition(
    *,
    incident: Incident,
    by,
    action: str,
    note: str = "",
    resolution: str = "",
    expected_version: int | None = None,
) -> Incident:
    """Move a report along the workflow and record who did it and when.

    With `expected_version` (the version the person was looking at), a report edited in the
    meantime is not moved: nobody verifies content they have not seen.
    """
    rule = ACTIONS.get(action)
    if rule is None:
        raise ValidationError(_("Tindakan tidak dikenal."), code="unknown_action")
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if _just_done(incident, by, action, expected_version):
        raise AlreadyDone
    if expected_version is not None and incident.version != expected_version:
        raise ValidationError(
            _("Laporan ini baru saja diubah. Periksa isinya yang terbaru, lalu ulangi tindakan."),
            code="stale",
        )
    refusal = _action_refusal(rule, incident, by)
    if refusal:
        raise PermissionDenied(refusal)
    note = note.strip()
    if rule.needs_note and not note:
        raise ValidationError({"note": _("Tuliskan alasan penolakan.")})
    if rule.needs_resolution:
        if resolution not in Resolution.values:
            raise ValidationError({"resolution": _("Pilih cara penyelesaian.")})
        incident.resolution = resolution
    if action == "submit" and not incident.needs_completion and not incident.parties.exists():
        raise ValidationError(_("Tambahkan paling sedikit satu pihak sebelum mengajukan."))
    if rule.needs_note:
        incident.rejection_reason = note
    previous = incident.status
    incident.status = rule.target
    if action == "submit":
        # The verification queue's "waiting since" (the log keeps every submission too).
        incident.submitted_at = timezone.now()
    incident.version += 1
    incident.full_clean()
    with pghistory.context(user=by.pk, reason=note):
        incident.save()
        log_action(
            actor=by,
            action=f"incidents.report.{action}",
            obj=incident,
            from_status=previous,
            to_status=rule.target,
            note=note,
            resolution=incident.resolution if rule.needs_resolution else "",
        )
    return incident


# --- create and edit ---------------------------------------------------------------------------


@dataclass
class StaleEdit(Exception):
    """Somebody saved the report after this user opened it."""

    changes: list = field(default_factory=list)
    by: object = None
    at: object = None


def _save_parties(incident, parties):
    # An anonymised party's name is not restored, even from a form sent again knowingly.
    stored = dict(
        Party.objects.filter(pk__in=[p.pk for p in parties if p.pk]).values_list("pk", "name")
    )
    for party in parties:
        if party.pk and stored.get(party.pk) == Party.anonymous_name(party.pk):
            party.name = stored[party.pk]
        party.incident = incident
        party.full_clean()
        party.save()


@transaction.atomic
def incident_create(
    *, incident: Incident, parties: list[Party], files=(), by, submit: bool = False
) -> Incident:
    """Save a new report as a draft (optionally submitting it at once) with its parties and
    evidence files."""
    if not by.has_perm("incidents.report_incident"):
        raise PermissionDenied(_("Anda tidak berwenang membuat laporan."))
    incident.reported_by = by
    incident.status = Status.DRAFT
    incident.full_clean(exclude={"reference"})
    for party in parties:
        party.full_clean(exclude={"incident"})
    # Evidence is checked and fingerprinted first; its files are written after the commit.
    evidence = []
    for upload in files:
        item = Evidence()
        item.store(upload, by=by)
        evidence.append(item)
    # The year's counter row lock serialises every new report until this transaction ends:
    # taken last, it is held only for the few inserts below.
    incident.reference = reference_next(year=timezone.localdate().year)
    with pghistory.context(user=by.pk):
        incident.save()
        log_action(actor=by, action="incidents.report.create", obj=incident, to_status=Status.DRAFT)
        _save_parties(incident, parties)
        for item in evidence:
            item.incident = incident
            evidence_save(item)
    if submit:
        incident = incident_transition(incident=incident, by=by, action="submit")
    return incident


@transaction.atomic
def incident_quick_report(
    *, incident: Incident, occurred_on: date | None = None, files=(), by
) -> Incident:
    """A quick report ("Lapor cepat") from a phone: kind, title, what happened, when, desa,
    source, optional location and photos. It is submitted at once, marked as needing
    completion, so the secretariat sees it now and the author or the secretariat fills in the
    rest later.

    It happened on `occurred_on` (today when not given), known to the day, in the desa's
    kecamatan. A day in the future is refused by Incident.clean(), on `occurred_at`.

    Only the day is asked, so only the day is stored (`Incident.day_only`), today's too: the
    moment of sending, stored in its place, read as the event's exact time on the report page
    and in the exports. When the report was sent is its `reported_at`.
    """
    if incident.desa_id is None:
        raise ValidationError({"desa": _("Pilih desa/kelurahan.")})
    incident.kecamatan_id = incident.desa.parent_id
    incident.occurred_at = Incident.day_only(occurred_on or timezone.localdate())
    incident.occurred_precision = DatePrecision.DAY
    if incident.latitude is not None and incident.longitude is not None:
        incident.location_precision = LocationPrecision.EXACT
    incident.needs_completion = True
    incident = incident_create(incident=incident, parties=[], files=files, by=by, submit=True)
    log_action(actor=by, action="incidents.report.quick", obj=incident)
    return incident


@transaction.atomic
def incident_update(
    *, incident: Incident, expected_version: int, by, parties=(), deleted_parties=(), files=()
) -> Incident:
    """Save edits unless somebody else saved in between (optimistic locking): then nothing is
    written and StaleEdit says what changed meanwhile."""
    current = Incident.objects.select_for_update().get(pk=incident.pk)
    if not by.has_perm("incidents.edit_incident", current):
        raise PermissionDenied(_("Laporan ini tidak dapat diubah oleh Anda."))
    if current.version != expected_version:
        raise incident_changes_since(current, expected_version)
    incident.version = current.version + 1
    # Columns the database keeps (the step trigger, the submit service) are taken from the locked
    # row: the edited instance was read before a step may have been added meanwhile.
    incident.has_steps, incident.submitted_at = current.has_steps, current.submitted_at
    # The report form asks for everything a quick report left out (classification, risk,
    # at least one party), so a save through it completes the report.
    incident.needs_completion = False
    _keep_redactions(incident, current)
    incident.full_clean()
    was_high_risk = _is_high_risk_potential(current)
    with pghistory.context(user=by.pk):
        incident.save()
        for party in deleted_parties:
            if party.pk and party.incident_id == incident.pk:
                party.delete()
        _save_parties(incident, parties)
        for upload in files:
            evidence_attach(incident=incident, upload=upload, by=by)
        # A quick report is sent before its risk is assessed: completed (or re-assessed) as a
        # high-risk potential conflict while open, it raises the same alert as one submitted so.
        incident.refresh_from_db(fields=["risk_level"])
        if not was_high_risk and _is_high_risk_potential(incident):
            log_action(
                actor=by,
                action=RISK_RAISED,
                obj=incident,
                risk_level=incident.risk_level,
            )
    return incident


RISK_RAISED = "incidents.risk_raised"


def _keep_redactions(incident: Incident, current: Incident) -> None:
    # A name redacted since the form was opened (`party_text_redact`) is not written back by
    # that form, even sent again knowingly: a text with fewer "[nama disamarkan]" than stored
    # is from before the redaction, and the stored text stays.
    for name in REDACTED_FIELDS[Incident]:
        stored = getattr(current, name) or ""
        if stored.count(REDACTED_NAME) > (getattr(incident, name) or "").count(REDACTED_NAME):
            setattr(incident, name, stored)


def _is_high_risk_potential(incident: Incident) -> bool:
    return (
        incident.kind == Kind.POTENSI
        and incident.risk_level in HIGH_RISK
        and incident.status in OPEN_STATUSES
    )


# What a person edits, plus the workflow fields the services change.
TRACKED_FIELDS = [*Incident.EDITABLE_FIELDS, "status", "resolution"]


def incident_changes_since(current: Incident, version: int) -> StaleEdit:
    """What differs between the report as it was at `version` (from its history snapshots) and
    as it is now, field by field, with who saved last."""
    # The snapshot model is generated by pghistory at import time.
    IncidentEvent = apps.get_model("incidents", "IncidentEvent")
    then = IncidentEvent.objects.filter(pgh_obj_id=current.pk, version=version).last()
    last = IncidentEvent.objects.filter(pgh_obj_id=current.pk).select_related("pgh_context").last()
    changes = []
    if then is not None:
        for name in TRACKED_FIELDS:
            model_field = Incident._meta.get_field(name)
            old, new = getattr(then, model_field.attname), getattr(current, model_field.attname)
            if old != new:
                changes.append(
                    (
                        model_field.verbose_name,
                        field_display(model_field, old),
                        field_display(model_field, new),
                    )
                )
    by = None
    if last is not None and last.pgh_context and last.pgh_context.metadata.get("user"):
        by = User.objects.filter(pk=last.pgh_context.metadata["user"]).first()
    return StaleEdit(changes=changes, by=by, at=current.updated_at)


NUMBER_FIELDS = (models.IntegerField, models.DecimalField, models.FloatField)


def _number_display(model_field, value) -> str:
    # "1.250.000" and "-7,556" as the pages show numbers, not "1250000" and "-7.556000".
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not number.is_finite():
        return str(value)
    number = (
        number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()
    )
    text = formats.number_format(number, force_grouping=True)
    return f"Rp {text}" if model_field.name.endswith("rupiah") else text


def field_display(model_field, value, cache: dict | None = None) -> str:
    """A stored value as a person reads it: choice labels, related names, local times.

    `cache` remembers related names across calls (a history lists the same kecamatan often).
    """
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    if model_field.is_relation:
        key = (model_field.related_model, value)
        if cache is None or key not in cache:
            found = model_field.related_model.objects.filter(pk=value).first()
            name = str(found or value)
            if cache is None:
                return name
            cache[key] = name
        return cache[key]
    if isinstance(value, bool):
        return _("Ya") if value else _("Tidak")
    if isinstance(value, str) and isinstance(model_field, models.DateTimeField):
        value = parse_datetime(value) or value
    if hasattr(value, "astimezone"):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    if isinstance(model_field, NUMBER_FIELDS):
        return _number_display(model_field, value)
    text = str(value)
    return text if len(text) <= 120 else text[:117] + "…"


# --- handling steps and evidence ---------------------------------------------------------------


@transaction.atomic
def step_add(
    *, incident: Incident, step: HandlingStep, agencies=(), contacts=(), files=(), by
) -> HandlingStep:
    # Decided on the report as it is now, not as the form read it: a report closed meanwhile
    # takes no step. The lock also orders this before the stage update below.
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    if not by.has_perm("incidents.add_step", incident):
        raise PermissionDenied(_("Tindak lanjut tidak dapat ditambahkan pada laporan ini."))
    step.incident = incident
    step.created_by = by
    step.full_clean()
    with pghistory.context(user=by.pk):
        step.save()
        step.agencies.set(agencies)
        step.contacts.set(contacts)
        for upload in files:
            evidence_attach(incident=incident, step=step, upload=upload, by=by)
        # The report's current stage follows its most recent handling step when the secretariat
        # records it (issue 13 item 8). The report row is locked and its version bumped, so an
        # edit form opened earlier cannot undo this.
        if by.has_perm("incidents.change_stage", incident):
            _stage_follow(incident=incident, step=step)
    return step


def _stage_follow(*, incident: Incident, step: HandlingStep):
    locked = Incident.objects.select_for_update().get(pk=incident.pk)
    latest = locked.steps.order_by("-date", "-pk").first()
    if latest == step and step.stage != locked.stage:
        Incident.objects.filter(pk=incident.pk).update(stage=step.stage, version=F("version") + 1)


@transaction.atomic
def evidence_attach(*, incident: Incident, upload, by, step: HandlingStep | None = None):
    with pghistory.context(user=by.pk):
        return evidence_store(Evidence(incident=incident, step=step), upload, by=by)


# --- personal data of parties (UU 27/2022) -------------------------------------------------------

PARTY_SUBJECT_REPORT = "incidents.party.subject_report"
PARTY_ANONYMISE = "incidents.party.anonymise"
PARTY_TEXT_REDACT = "incidents.party.text_redact"
# What stands in a report's text where a person's name was (stored, in the portal's language).
REDACTED_NAME = "[nama disamarkan]"
# Where a report's own text may name a person, by model: its current rows and every earlier
# version in the field history are rewritten.
REDACTED_FIELDS = {
    Incident: ("title", "chronology", "address", "rejection_reason"),
    HandlingStep: ("description", "outcome"),
    Evidence: ("original_name",),
}


def party_subject_report_log(*, parties: list[Party], by, ip: str | None, fmt: str) -> None:
    """Record a data-subject report: who searched, which party rows it showed (by id, not by
    name: the log itself must not spread the name), from where."""
    log_action(
        actor=by,
        action=PARTY_SUBJECT_REPORT,
        ip=ip,
        format=fmt,
        parties=[party.pk for party in parties],
        incidents=sorted({party.incident_id for party in parties}),
    )


@transaction.atomic
def party_anonymise(*, parties: list[Party], by, ip: str | None) -> int:
    """Remove a person's name from the parties of reports, keeping type and size, so counts
    and statistics do not move. The field history (pghistory) loses the name too; the
    reports' own free text (title, chronology) is the administrator's to edit."""
    count = 0
    incidents = set()
    for party in Party.objects.select_for_update().filter(pk__in=[p.pk for p in parties]):
        anonymous = Party.anonymous_name(party.pk)
        party.name = anonymous
        party.save(update_fields=["name"])
        Party.pgh_event_model.objects.filter(pgh_obj_id=party.pk).update(name=anonymous)
        log_action(actor=by, action=PARTY_ANONYMISE, obj=party.incident, ip=ip, party=party.pk)
        incidents.add(party.incident_id)
        count += 1
    # An edit form opened before this is now out of date (incident_update refuses it and says
    # so) instead of writing the name it still shows back.
    Incident.objects.filter(pk__in=incidents).update(version=F("version") + 1)
    return count


def name_pattern(name: str) -> re.Pattern:
    """The name as a whole word, in any case ("Adi", not the "adi" in "terjadi"), or the
    placeholder already put in its place (kept as it is, so redacting twice changes nothing)."""
    word = re.escape(single_spaced(name)).replace(r"\ ", r"\s+")
    # Bounded by anything but a letter or digit: "KTP_Sukarmin.jpg" names him too.
    return re.compile(rf"({re.escape(REDACTED_NAME)})|(?<![^\W_]){word}(?![^\W_])", re.IGNORECASE)


@transaction.atomic
def party_text_redact(*, name: str, incidents: list[Incident], by, ip: str | None) -> int:
    """Replace `name` (a whole word, in any case) with "[nama disamarkan]" wherever these
    reports' own text holds it: title, chronology, place, rejection reason, their handling
    steps' accounts and results, their files' names, every earlier version of those in the
    field history, and the reasons recorded with those versions. The parties are anonymised
    separately (`party_anonymise`); each report's log entry keeps no name, and the dashboard,
    hearing of it, takes the name from the notifications that carry the report's title. The
    activity log's own notes are append-only and keep what was written. Returns how many reports
    changed."""
    name = single_spaced(name)
    if len(name) < 3 or "\x00" in name:
        raise ValidationError(_("Ketik paling sedikit 3 huruf nama."))
    pattern = name_pattern(name)
    ids = [incident.pk for incident in incidents]
    changed: set[int] = set()
    contexts: set = set()
    for model, fields in REDACTED_FIELDS.items():
        owner = "pk" if model is Incident else "incident_id"
        live = model.objects.select_for_update().filter(**{f"{owner}__in": ids})
        history = model.pgh_event_model.objects.filter(
            **{"pgh_obj_id__in" if model is Incident else "incident_id__in": ids}
        )
        for queryset in (live, history):
            for row in queryset:
                updates = _redacted(row, fields, pattern)
                if queryset is history and row.pgh_context_id:
                    contexts.add(row.pgh_context_id)
                if updates:
                    type(row).objects.filter(pk=row.pk).update(**updates)
                    if model is not Incident:
                        changed.add(row.incident_id)
                    else:
                        changed.add(row.pk if queryset is live else row.pgh_obj_id)
    # The reason given with a change (a rejection's note) is kept with its history context.
    for context in HistoryContext.objects.filter(pk__in=contexts):
        reason = (context.metadata or {}).get("reason")
        if isinstance(reason, str) and pattern.search(reason):
            context.metadata["reason"] = pattern.sub(REDACTED_NAME, reason)
            HistoryContext.objects.filter(pk=context.pk).update(metadata=context.metadata)
    if changed:
        # An edit form opened before this is out of date (incident_update says so, and keeps
        # the placeholders: `_keep_redactions`).
        Incident.objects.filter(pk__in=changed).update(
            version=F("version") + 1, updated_at=timezone.now()
        )
        for incident in Incident.objects.filter(pk__in=changed):
            log_action(actor=by, action=PARTY_TEXT_REDACT, obj=incident, ip=ip)
    return len(changed)


def _redacted(row, fields, pattern) -> dict:
    updates = {}
    for name in fields:
        value = getattr(row, name)
        if not value:
            continue
        text = pattern.sub(lambda m: m.group(1) or REDACTED_NAME, value)
        if text == value:
            continue
        field = row._meta.get_field(name)
        if isinstance(field, models.CharField) and len(text) > field.max_length:
            # A varchar column: the end goes, but a file keeps its extension.
            stem, dot, extension = text.rpartition(".")
            if name != "original_name" or not dot:
                stem, dot, extension = text, "", ""
            text = stem[: field.max_length - len(dot + extension)] + dot + extension
        updates[name] = text
    return updates
