"""Writes to the action plan. Views, the Excel import and management commands all go through
these functions, which check the plan's status and the user's permission first."""

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pghistory
from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from action_plans.choices import (
    DEFAULT_DUE_DAYS,
    PERIOD_LAYOUTS,
    Pillar,
    PlanStatus,
    RealisationStatus,
    ordered_pillars,
)
from action_plans.models import (
    ActionPlan,
    Activity,
    ActivitySupport,
    Period,
    Realisation,
    RealisationEvidence,
    Target,
)
from core.services import evidence_store, log_action
from directory.models import TeamDecree
from incidents.models import Incident
from incidents.selectors import linkable_reports


def _require_planner(user):
    if not user.has_perm("action_plans.change_plan"):
        raise PermissionDenied(_("Hanya sekretariat yang dapat mengubah rencana aksi."))


# --- plans and periods -------------------------------------------------------------------------


def default_periods(year: int, scheme: str) -> list[Period]:
    # Stored as text, in the portal's language whatever the creator reads in: the names appear
    # in the official PDFs ("Periode B04 (Januari-April)").
    with translation.override(settings.LANGUAGE_CODE):
        return _default_periods(year, scheme)


def _default_periods(year: int, scheme: str) -> list[Period]:
    periods = []
    for order, (code, name, first, last) in enumerate(PERIOD_LAYOUTS[scheme]):
        end = date(year, last, calendar.monthrange(year, last)[1])
        periods.append(
            Period(
                code=code,
                name=str(name),
                start_date=date(year, first, 1),
                end_date=end,
                due_date=end + timedelta(days=DEFAULT_DUE_DAYS),
                order=order,
            )
        )
    return periods


@transaction.atomic
def plan_create(*, year: int, by, scheme: str, decree_reference: str = "") -> ActionPlan:
    _require_planner(by)
    plan = ActionPlan(
        year=year, period_scheme=scheme, decree_reference=decree_reference, created_by=by
    )
    plan.full_clean()
    with pghistory.context(user=by.pk):
        try:
            # A second click, or a colleague, may create the same year between the check and here.
            with transaction.atomic():
                plan.save()
        except IntegrityError:
            raise ValidationError(
                {"year": ActionPlan._meta.get_field("year").error_messages["unique"]}
            ) from None
        for period in default_periods(year, scheme):
            period.plan = plan
            period.full_clean()
            period.save()
        log_action(actor=by, action="action_plans.plan.create", obj=plan)
    return plan


@transaction.atomic
def plan_start_next_year(*, plan: ActionPlan, by) -> ActionPlan:
    """A draft for the following year with this year's activities, supporting agencies and
    targets (matched by period code), ready to be adjusted."""
    new = plan_create(year=plan.year + 1, by=by, scheme=plan.period_scheme)
    periods = {p.code: p for p in new.periods.all()}
    copied_fields = [f.name for f in Activity._meta.concrete_fields if f.name not in ("id", "plan")]
    with pghistory.context(user=by.pk):
        for activity in plan.activities.prefetch_related("supporting_agencies", "targets__period"):
            copy = Activity(plan=new, **{name: getattr(activity, name) for name in copied_fields})
            copy.full_clean()
            copy.save()
            copy.supporting_agencies.set(activity.supporting_agencies.all())
            Target.objects.bulk_create(
                [
                    Target(activity=copy, period=periods[t.period.code], value=t.value)
                    for t in activity.targets.all()
                    if t.period.code in periods
                ]
            )
    return new


@transaction.atomic
def plan_establish(
    *, plan: ActionPlan, by, decree_reference: str = "", decree_date: date | None = None
) -> ActionPlan:
    """Establish (*tetapkan*) and lock a draft plan under its decree. Without a number and date
    given, the year's Tim Terpadu decree (`TeamDecree`) is used when there is one."""
    _require_planner(by)
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError(_("Hanya rencana berstatus draf yang dapat ditetapkan."))
    if not plan.activities.exists():
        raise ValidationError(_("Rencana tanpa kegiatan tidak dapat ditetapkan."))
    team_decree = TeamDecree.objects.filter(year=plan.year).first()
    if decree_reference.strip():
        plan.decree_reference = decree_reference.strip()
    if decree_date:
        plan.decree_date = decree_date
    if team_decree and not plan.decree_reference and not plan.decree_date:
        plan.decree_reference, plan.decree_date = team_decree.number, team_decree.decree_date
    if team_decree and plan.decree_reference == team_decree.number:
        plan.team_decree = team_decree
    plan.status, plan.established_at = PlanStatus.DITETAPKAN, timezone.now()
    plan.full_clean()
    with pghistory.context(user=by.pk):
        plan.save()
        log_action(
            actor=by,
            action="action_plans.plan.establish",
            obj=plan,
            decree=plan.decree_reference,
            decree_date=plan.decree_date.isoformat(),
        )
    return plan


@transaction.atomic
def plan_close(*, plan: ActionPlan, by) -> ActionPlan:
    _require_planner(by)
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.DITETAPKAN:
        raise ValidationError(_("Hanya rencana yang sudah ditetapkan yang dapat ditutup."))
    # A closed plan takes no more realisations: the last period (ending 31 December) is
    # reported until its due date in January.
    last_due = plan.periods.aggregate(last=Max("due_date"))["last"]
    if last_due is not None and timezone.localdate() <= last_due:
        raise ValidationError(
            _(
                "Rencana baru dapat ditutup setelah batas laporan periode terakhir "
                "(%(date)s): sampai tanggal itu realisasinya masih dapat dilaporkan."
            )
            % {"date": date_format(last_due, "j F Y")}
        )
    # A closed plan takes no corrections: a report returned for one would be lost for good.
    returned = (
        Realisation.objects.filter(activity__plan=plan, status=RealisationStatus.DIKEMBALIKAN)
        .select_related("activity", "period")
        .order_by("activity__order", "activity__code", "period__order")
    )
    if returned:
        raise ValidationError(
            _(
                "Rencana belum dapat ditutup: realisasi berikut masih dikembalikan untuk "
                "perbaikan dan belum diserahkan lagi: %(list)s."
            )
            % {"list": ", ".join(f"{r.activity.code} {r.period.code}" for r in returned)}
        )
    plan.status, plan.closed_at = PlanStatus.DITUTUP, timezone.now()
    plan.full_clean()
    with pghistory.context(user=by.pk):
        plan.save()
        log_action(actor=by, action="action_plans.plan.close", obj=plan)
    return plan


def _period_value(period: Period, name: str) -> str:
    value = getattr(period, name)
    return date_format(value, "j F Y") if isinstance(value, date) else str(value or "")


@transaction.atomic
def periods_update(*, plan: ActionPlan, periods: list[Period], by, reason: str = "") -> None:
    """Save changed dates of some of a plan's periods together; on an established plan only
    with a recorded reason. The whole set must still follow without overlapping."""
    _require_planner(by)
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    stored = {p.pk: p for p in plan.periods.all()}
    changes = []
    for period in periods:
        if period.plan_id != plan.pk or period.pk not in stored:
            raise ValidationError(
                _("Periode %(code)s bukan bagian dari rencana ini.") % {"code": period.code}
            )
        before = stored[period.pk]
        # Logged as text in the portal's language, dates as people read them.
        with translation.override(settings.LANGUAGE_CODE):
            changes += [
                {
                    "item": period.code,
                    "field": str(Period._meta.get_field(name).verbose_name),
                    "old": _period_value(before, name),
                    "new": _period_value(period, name),
                }
                for name in ("name", "start_date", "end_date", "due_date")
                if getattr(before, name) != getattr(period, name)
            ]
        stored[period.pk] = period
    _check_change_allowed(plan, reason, changes)
    Period.check_no_overlap(stored.values())
    with pghistory.context(user=by.pk, reason=reason.strip()):
        for period in periods:
            # The set was checked above; a row-by-row check against the stored periods would
            # refuse a boundary moved between two of them (the database checks at commit).
            period.full_clean(exclude={"plan"})
            period.save()
        _record_revision(plan, by, reason, changes)


def period_update(*, period: Period, by, reason: str = "") -> Period:
    """Save one period's dates (see periods_update)."""
    periods_update(plan=period.plan, periods=[period], by=by, reason=reason)
    return period


# --- activities and targets --------------------------------------------------------------------


def _check_change_allowed(plan, reason, changes):
    if plan.status == PlanStatus.DITUTUP:
        raise ValidationError(_("Rencana sudah ditutup dan tidak dapat diubah lagi."))
    if plan.status == PlanStatus.DITETAPKAN and changes and not reason.strip():
        raise ValidationError({"reason": _("Rencana sudah ditetapkan: tuliskan alasan perubahan.")})


def _record_revision(plan, by, reason, changes):
    """A change to an established plan is logged with its reason and what changed; the rows'
    own before/after values are kept by pghistory under the same reason."""
    if plan.status == PlanStatus.DITETAPKAN and changes:
        log_action(
            actor=by,
            action="action_plans.plan.revise",
            obj=plan,
            reason=reason.strip(),
            changes=changes,
        )


@dataclass
class StaleActivity(Exception):
    """Somebody saved the activity after this user opened it: `changes` lists (label, as it
    was opened, as it is now) for each field; nothing of this user's was written."""

    current: dict
    changes: list = field(default_factory=list)


def activity_opened_state(activity: Activity, user) -> dict:
    """What the edit form keeps to notice a change made meanwhile: the snapshot and the linked
    reports (not part of a revision: linking a report needs no reason) that `user` may see; a
    save keeps the others as they are, and their numbers are not for this user to read."""
    with translation.override(settings.LANGUAGE_CODE):
        references = activity.incidents.filter(pk__in=linkable_reports(user).values("pk"))
        linked = ", ".join(sorted(references.values_list("reference", flat=True)))
        label = str(Activity._meta.get_field("incidents").verbose_name)
        return {**activity_snapshot(activity), label: linked}


def linked_reports_out_of_reach(activity: Activity, user):
    """The reports linked to the activity that `user` may not link (not shown to them: restricted,
    another kecamatan, a draft). The edit form cannot offer them, so a save keeps them linked."""
    if not activity.pk:
        return Incident.objects.none()
    return activity.incidents.exclude(pk__in=linkable_reports(user).values("pk"))


def activity_snapshot(activity: Activity) -> dict:
    """The activity as a person reads it, label by label (targets included): what a revision
    compares, and what the edit form keeps to notice a change made meanwhile."""
    # In the portal's language whatever the editor reads in: the revision log keeps these
    # field names and labels as text, for every reader and the documents.
    with translation.override(settings.LANGUAGE_CODE):
        return _activity_fields(activity)


def _activity_fields(activity: Activity) -> dict:
    if not activity.pk:
        return {}

    def shown(name):
        # Choice fields as their labels, so a revision reads "Pencegahan", not "pencegahan";
        # the budget grouped as people read it (its label says "(Rp)": "15.000.000").
        display = getattr(activity, f"get_{name}_display", None)
        if name == "budget" and activity.budget is not None:
            return intcomma(int(activity.budget))
        return str(display() if display else getattr(activity, name) or "")

    snapshot = {
        str(Activity._meta.get_field(name).verbose_name): shown(name)
        for name in (
            "code",
            "stage",
            "title",
            "responsible_agency",
            "indicator",
            "unit",
            "budget",
            "budget_source",
            "location",
        )
    }
    snapshot[str(Activity._meta.get_field("pillars").verbose_name)] = ", ".join(
        str(Pillar(p).label) for p in ordered_pillars(activity.pillars)
    )
    snapshot[str(Activity._meta.get_field("supporting_agencies").verbose_name)] = ", ".join(
        sorted(str(a) for a in activity.supporting_agencies.all())
    )
    for target in activity.targets.select_related("period"):
        snapshot[f"target {target.period.code}"] = f"{target.value.normalize():f}"
    return snapshot


@transaction.atomic
def activity_save(
    *,
    activity: Activity,
    targets: dict,
    supporting=(),
    incidents=None,
    by,
    reason: str = "",
    opened: dict | None = None,
) -> Activity:
    """Create or edit an activity and its per-period targets (`{period: value}`). On an
    established plan the change needs a reason and is recorded as a revision. `opened` is the
    activity's state when the editor opened it (activity_opened_state): StaleActivity when it
    changed since, so a form sent back whole does not undo a colleague's change without a
    word."""
    _require_planner(by)
    plan = ActionPlan.objects.select_for_update().get(pk=activity.plan_id)
    stored = Activity.objects.get(pk=activity.pk) if activity.pk else None
    before = activity_snapshot(stored) if stored else {}
    now = activity_opened_state(stored, by) if stored and opened is not None else {}
    if opened is not None and stored and opened != now:
        raise StaleActivity(
            current=now,
            changes=[
                (key, opened.get(key, ""), now.get(key, ""))
                for key in sorted(set(opened) | set(now))
                if opened.get(key, "") != now.get(key, "")
            ],
        )
    for period, value in targets.items():
        if period.plan_id != plan.pk:
            raise ValidationError(
                _("Periode %(code)s bukan bagian dari rencana ini.") % {"code": period.code}
            )
        if value is not None and value < 0:
            raise ValidationError(_("Target tidak boleh negatif."))
    activity.pillars = ordered_pillars(activity.pillars)
    activity.full_clean()
    activity.check_supporting(supporting)
    with pghistory.context(user=by.pk, reason=reason.strip()):
        activity.save()
        activity.supporting_agencies.set(supporting)
        if incidents is not None:
            # `incidents` are the links the editor chose among the reports they may see; the
            # form never showed the others, which must not be unlinked by their absence.
            kept = list(linked_reports_out_of_reach(activity, by).values_list("pk", flat=True))
            activity.incidents.set([*incidents, *kept])
        for period, value in targets.items():
            if value is None:
                Target.objects.filter(activity=activity, period=period).delete()
            else:
                target = Target.objects.filter(activity=activity, period=period).first()
                target = target or Target(activity=activity, period=period)
                target.value = value
                target.full_clean()
                target.save()
    after = activity_snapshot(activity)
    changes = [
        {"item": activity.code, "field": key, "old": before.get(key, ""), "new": after.get(key, "")}
        for key in sorted(set(before) | set(after))
        if before.get(key, "") != after.get(key, "")
    ]
    _check_change_allowed(plan, reason, changes)  # raising here rolls everything back
    _record_revision(plan, by, reason, changes)
    return activity


# --- realisations ------------------------------------------------------------------------------


def reporting_refused(activity: Activity) -> PermissionDenied:
    """The refusal of someone who may not report `activity`'s realisation: it names who may,
    rather than pointing at roles (the secretariat itself may be the one refused)."""
    return PermissionDenied(
        _(
            "Realisasi kegiatan ini dilaporkan oleh pengguna dari instansi penanggung jawabnya, "
            "%(agency)s."
        )
        % {"agency": activity.responsible_agency.name}
    )


def _check_reportable(activity: Activity, period: Period, by):
    if not by.has_perm("action_plans.report_realisation", activity):
        raise reporting_refused(activity)
    if period.plan_id != activity.plan_id:
        raise ValidationError(
            _("Periode %(code)s tidak ada dalam rencana %(year)s.")
            % {"code": period.code, "year": activity.plan.year}
        )
    if activity.plan.status != PlanStatus.DITETAPKAN:
        raise ValidationError(
            _(
                "Realisasi hanya dapat dilaporkan untuk rencana yang sudah "
                "ditetapkan dan belum ditutup."
            )
        )
    if not period.is_open_for_reporting():
        raise ValidationError(_("Periode %(code)s belum dimulai.") % {"code": period.code})


@dataclass
class StaleRealisation(Exception):
    """Somebody saved the realisation (or the secretariat returned it) after this user opened
    it. `changes` lists (label, what is stored now, what this user typed) for each field that
    differs; nothing of this user's was written."""

    current: Realisation
    changes: list = field(default_factory=list)


REALISATION_FIELDS = ("achieved_value", "narrative", "budget_spent", "obstacles", "follow_up")


def _stale_realisation(current: Realisation, typed: Realisation) -> StaleRealisation:
    changes = [
        (
            Realisation._meta.get_field(name).verbose_name,
            getattr(current, name),
            getattr(typed, name),
        )
        for name in REALISATION_FIELDS
        if getattr(current, name) != getattr(typed, name)
    ]
    return StaleRealisation(current=current, changes=changes)


@transaction.atomic
def realisation_save(
    *,
    realisation: Realisation,
    by,
    files=(),
    submit: bool = False,
    expected_version: int | None = None,
) -> Realisation:
    """Save an agency's realisation (as a draft, or submitted). A submitted one can be changed
    again only after the secretariat returns it.

    With `expected_version` (the version the person opened; 0 when none existed), a save on top
    of a newer one is refused with StaleRealisation (optimistic locking, like reports)."""
    activity, period = realisation.activity, realisation.period
    _check_reportable(activity, period, by)
    if not realisation.pk:
        # Two first reports for one period (a double click, two operators) queue on the
        # activity's row; the later one finds the earlier and is refused instead of failing on
        # the unique constraint.
        Activity.objects.select_for_update().filter(pk=activity.pk).first()
        current = Realisation.objects.filter(activity=activity, period=period).first()
        if current is not None and expected_version is not None:
            raise _stale_realisation(current, realisation)
        if current is not None:
            raise ValidationError(
                _(
                    "Realisasi periode %(code)s baru saja disimpan oleh orang lain. Muat ulang "
                    "halaman untuk melihatnya; isian Anda belum disimpan."
                )
                % {"code": period.code}
            )
    if realisation.pk:
        current = Realisation.objects.select_for_update().get(pk=realisation.pk)
        if expected_version is not None and current.version != expected_version:
            raise _stale_realisation(current, realisation)
        if current.status == RealisationStatus.DISERAHKAN:
            raise ValidationError(
                _(
                    "Realisasi sudah diserahkan. Perubahan hanya setelah "
                    "dikembalikan oleh sekretariat."
                )
            )
        realisation.version = current.version + 1
    was_returned = realisation.status == RealisationStatus.DIKEMBALIKAN
    if submit:
        now = timezone.now()
        realisation.status = RealisationStatus.DISERAHKAN
        realisation.submitted_at, realisation.submitted_by = now, by
        realisation.first_submitted_at = realisation.first_submitted_at or now
    realisation.full_clean()
    with pghistory.context(user=by.pk):
        realisation.save()
        for upload in files:
            evidence_store(RealisationEvidence(realisation=realisation), upload, by=by)
        if submit:
            log_action(
                actor=by,
                action=(
                    "action_plans.realisation.resubmit"
                    if was_returned
                    else "action_plans.realisation.submit"
                ),
                obj=realisation,
            )
    return realisation


@transaction.atomic
def realisation_return(*, realisation: Realisation, by, note: str) -> Realisation:
    if not by.has_perm("action_plans.return_realisation", realisation):
        raise PermissionDenied(_("Hanya sekretariat yang dapat mengembalikan realisasi."))
    realisation = Realisation.objects.select_for_update().get(pk=realisation.pk)
    if realisation.activity.plan.status != PlanStatus.DITETAPKAN:
        raise ValidationError(
            _("Rencana sudah ditutup; realisasinya tidak dapat dikembalikan lagi.")
        )
    if realisation.status != RealisationStatus.DISERAHKAN:
        raise ValidationError(_("Hanya realisasi yang sudah diserahkan yang dapat dikembalikan."))
    if not note.strip():
        raise ValidationError({"note": _("Tuliskan catatan perbaikan untuk operator.")})
    realisation.status, realisation.return_note = RealisationStatus.DIKEMBALIKAN, note.strip()
    realisation.version += 1
    realisation.full_clean()
    with pghistory.context(user=by.pk, reason=note.strip()):
        realisation.save()
        log_action(
            actor=by, action="action_plans.realisation.return", obj=realisation, note=note.strip()
        )
    return realisation


@transaction.atomic
def realisation_add_evidence(*, realisation: Realisation, files, by) -> Realisation:
    """Attach missing data dukung (photos, minutes, attendance lists) to a realisation without
    touching its figures, so a submitted report need not be returned just for a file. The
    secretariat may do it for any realisation, an operator for their agency's."""
    if not by.has_perm("action_plans.add_realisation_evidence", realisation):
        raise PermissionDenied(_("Anda tidak dapat menambahkan data dukung pada realisasi ini."))
    # The plan as it is now (closing it locks it too), not as the page read it.
    plan = ActionPlan.objects.select_for_update().get(pk=realisation.activity.plan_id)
    if plan.status == PlanStatus.DITUTUP:
        raise ValidationError(_("Rencana sudah ditutup; data dukungnya tidak dapat ditambah lagi."))
    if not files:
        raise ValidationError({"files": _("Pilih sedikitnya satu berkas data dukung.")})
    for upload in files:
        evidence_store(RealisationEvidence(realisation=realisation), upload, by=by)
    return realisation


def achievement_uncapped(target: Decimal | None, achieved: Decimal | None) -> Decimal | None:
    """Achievement as a fraction of the target, as the province counts it: 1.3 means 130%.
    None when there is no target (empty or 0): nothing was expected."""
    if not target:
        return None
    return (achieved or Decimal(0)) / target


def achievement(target: Decimal | None, achieved: Decimal | None) -> Decimal | None:
    """Achievement capped at 1 (over-achievement counts as 100%). Only for averages across
    activities, whose units differ; single activities and action classes use the uncapped one."""
    ratio = achievement_uncapped(target, achieved)
    return None if ratio is None else min(ratio, Decimal(1))


def supporting_that_leads_drop(*, agencies) -> int:
    """`agencies` are about to become one (directory.services.agency_merge): a supporting link
    of one of them on an activity another of them is responsible for would list the responsible
    agency again among the supporting ones (Activity.check_supporting). Such links are deleted,
    under the merge's history context; returns how many."""
    deleted, _by_model = ActivitySupport.objects.filter(
        agency__in=agencies, activity__responsible_agency__in=agencies
    ).delete()
    return deleted
