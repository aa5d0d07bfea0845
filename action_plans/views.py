"""Pages of the Integrated Action Plan. Activities and realisations are always read through
`visible_to(user)`: an agency operator reaches only their agency's activities."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from action_plans import selectors, services, spreadsheets
from action_plans.choices import PlanStatus, RealisationStatus
from action_plans.filters import ActivityFilter
from action_plans.forms import (
    ActivityForm,
    CloseForm,
    DecreeForm,
    EvidenceForm,
    ImportForm,
    NextYearForm,
    PeriodFormSet,
    PlanForm,
    RealisationForm,
    ReasonForm,
    ReturnForm,
)
from action_plans.models import (
    ActionPlan,
    Activity,
    Period,
    Realisation,
    RealisationEvidence,
)
from core.forms import changes_text
from core.mixins import PermissionRequiredMixin, SubmitOnceMixin
from core.services import AlreadySubmitted
from core.views import serve_evidence
from directory import selectors as directory_selectors
from directory.models import TeamDecree
from incidents.models import Incident

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def visible_activities(user):
    return Activity.objects.visible_to(user)


class PlanMixin(LoginRequiredMixin):
    """Looks up the plan of the `year` in the URL (404 when there is none)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.plan = get_object_or_404(
                ActionPlan.objects.visible_to(request.user), year=kwargs["year"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "plan": self.plan,
            "can_plan": self.request.user.has_perm("action_plans.change_plan"),
        }


class PlannerMixin(PlanMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm("action_plans.change_plan"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _refuse(request, error):
    messages.error(request, " ".join(getattr(error, "messages", [str(error)])))


class PlanListView(SubmitOnceMixin, LoginRequiredMixin, ListView):
    template_name = "action_plans/plan_list.html"
    context_object_name = "plans"

    def get_queryset(self):
        return ActionPlan.objects.visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_plan"] = self.request.user.has_perm("action_plans.change_plan")
        context["form"] = PlanForm(initial={"year": timezone.localdate().year})
        return context


class PlanCreateView(SubmitOnceMixin, PermissionRequiredMixin, FormView):
    permission_required = "action_plans.change_plan"
    form_class = PlanForm
    template_name = "action_plans/plan_form.html"

    def form_valid(self, form):
        data = form.cleaned_data

        def create():
            plan = services.plan_create(
                year=data["year"],
                scheme=data["period_scheme"],
                decree_reference=data["decree_reference"],
                by=self.request.user,
            )
            return plan, plan.get_absolute_url()

        try:
            plan = self.submit_once(create)
        except AlreadySubmitted as done:
            return self.already_submitted(done, reverse("action_plans:plans"))
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Draf RAT %(year)s dibuat.") % {"year": plan.year})
        return redirect(plan)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class MatrixView(PlanMixin, TemplateView):
    template_name = "action_plans/matrix.html"

    def decree_initial(self):
        """The plan's own decree, else the year's Tim Terpadu decree, as a starting point."""
        if self.plan.status != PlanStatus.DRAFT or not self.request.user.has_perm(
            "action_plans.change_plan"
        ):
            return {}
        if self.plan.decree_reference or self.plan.decree_date:
            return {"decree": self.plan.decree_reference, "decree_date": self.plan.decree_date}
        team = TeamDecree.objects.filter(year=self.plan.year).first()
        return {"decree": team.number, "decree_date": team.decree_date} if team else {}

    def get_template_names(self):
        if self.request.GET.get("cetak"):
            return ["action_plans/matrix_print.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        activities = visible_activities(self.request.user).filter(plan=self.plan)
        self.filterset = ActivityFilter(
            self.request.GET or None, queryset=activities, request=self.request
        )
        rows = selectors.matrix_rows(self.plan, self.filterset.qs)
        query = self.request.GET.copy()
        query.pop("cetak", None)
        if self.request.GET.get("cetak"):
            # The same letterhead and signature block as the official documents.
            context.update(directory_selectors.letterhead(self.plan.year))
        context.update(
            filter=self.filterset,
            groups=selectors.rows_by_stage(rows),
            periods=list(self.plan.periods.all()),
            row_count=len(rows),
            querystring=query.urlencode(),
            # Revisions name activities and their values: only for those who read the whole plan.
            revisions=(
                selectors.plan_revisions(self.plan)[:20]
                if self.request.user.has_perm("action_plans.read_whole_plan")
                else []
            ),
            next_year_exists=ActionPlan.objects.filter(year=self.plan.year + 1).exists(),
            # A refused establishment comes back with the decree as typed (PlanActionView).
            decree_form=kwargs.get("decree_form") or DecreeForm(initial=self.decree_initial()),
            close_form=CloseForm(),
            next_year_form=NextYearForm(plan=self.plan),
        )
        periods = context["periods"]
        last_due = max((p.due_date for p in periods), default=None)
        # Closed only once the last realisation is due (services.plan_close): until then the
        # page names the date instead of offering a button every press of which is refused.
        if last_due is not None and timezone.localdate() <= last_due:
            context["closes_after"] = last_due
        return context


class OverviewView(PlanMixin, TemplateView):
    template_name = "action_plans/overview.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        activities = visible_activities(self.request.user).filter(plan=self.plan)
        rows = selectors.matrix_rows(self.plan, activities)
        context["overview"] = selectors.overview(self.plan, rows)
        return context


class MatrixExportView(PlanMixin, View):
    def get(self, request, year):
        activities = visible_activities(request.user).filter(plan=self.plan)
        activities = ActivityFilter(request.GET or None, queryset=activities, request=request).qs
        content = spreadsheets.matrix_workbook(
            self.plan, selectors.matrix_rows(self.plan, activities)
        )
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="rat-{year}.xlsx"'
        return response


class ImportTemplateView(PlannerMixin, View):
    def get(self, request, year):
        response = HttpResponse(spreadsheets.import_template(self.plan), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="templat-rat-{year}.xlsx"'
        return response


class ImportView(SubmitOnceMixin, PlannerMixin, FormView):
    """A filled-in template into a draft plan; a double tap imports it once (SubmitOnceMixin)
    rather than refusing the second time every row's code as taken."""

    form_class = ImportForm
    template_name = "action_plans/import.html"

    def form_valid(self, form):
        def load():
            imported = spreadsheets.import_plan(
                plan=self.plan, upload=form.cleaned_data["file"], by=self.request.user
            )
            return imported, self.plan.get_absolute_url()

        try:
            count = self.submit_once(load)
        except AlreadySubmitted as done:
            return self.already_submitted(done, self.plan.get_absolute_url())
        except spreadsheets.ImportRejected as rejected:
            context = self.get_context_data(form=form, problems=rejected.problems)
            return self.render_to_response(context, status=400)
        messages.success(self.request, _("%(count)s kegiatan diimpor.") % {"count": count})
        return redirect(self.plan)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PlanActionView(PlannerMixin, View):
    """POST-only status changes: establish, close, start next year's plan."""

    # The log code each status change records (see `pressed_twice`).
    LOGGED = {"tetapkan": "action_plans.plan.establish", "tutup": "action_plans.plan.close"}

    # Where the service's refusals about the decree go in the establish form.
    DECREE_FIELDS = {"decree_reference": "decree", "decree_date": "decree_date"}

    def post(self, request, year, action):
        if action == "tetapkan":
            return self.establish(request)
        try:
            if action == "tutup":
                if not CloseForm(request.POST).is_valid():
                    raise ValidationError(_("Centang konfirmasi untuk menutup rencana."))
                services.plan_close(plan=self.plan, by=request.user)
                messages.success(request, _("RAT %(year)s ditutup.") % {"year": year})
            elif action == "lanjutkan":
                confirm = NextYearForm(request.POST, plan=self.plan)
                if not confirm.is_valid():
                    raise ValidationError(confirm.errors["confirm"])
                new = services.plan_start_next_year(plan=self.plan, by=request.user)
                messages.success(
                    request, _("Draf RAT %(year)s dibuat dari rencana ini.") % {"year": new.year}
                )
                return redirect(new)
            else:
                raise Http404
        except ValidationError as error:
            answer = self.pressed_twice(request, action, error)
            if answer is not None:
                return answer
            _refuse(request, error)
        return redirect(self.plan)

    def establish(self, request):
        """Establish the plan under the decree typed; refused, the page comes back with the
        decree as typed and the reason next to its field."""
        decree = DecreeForm(request.POST)
        if decree.is_valid():
            try:
                services.plan_establish(
                    plan=self.plan,
                    by=request.user,
                    decree_reference=decree.cleaned_data["decree"],
                    decree_date=decree.cleaned_data["decree_date"],
                )
            except ValidationError as error:
                answer = self.pressed_twice(request, "tetapkan", error)
                if answer is not None:
                    return answer
                for key, errors in getattr(error, "error_dict", {None: error}).items():
                    decree.add_error(self.DECREE_FIELDS.get(key), errors)
            else:
                messages.success(
                    request, _("RAT %(year)s ditetapkan dan dikunci.") % {"year": self.plan.year}
                )
                return redirect(self.plan)
        self.plan.refresh_from_db()
        if self.plan.status != PlanStatus.DRAFT:
            # Established meanwhile: there is no form to come back to.
            messages.error(
                request, " ".join(e for errors in decree.errors.values() for e in errors)
            )
            return redirect(self.plan)
        page = MatrixView(request=request, args=(), kwargs={"year": self.plan.year})
        page.plan = self.plan
        # Shown at the form-only address: the page's own links and forms lead to the matrix.
        context = page.get_context_data(decree_form=decree, page_path=self.plan.get_absolute_url())
        return TemplateResponse(request, page.template_name, context, status=400)

    def pressed_twice(self, request, action, error):
        """The answer to a refused press that this person's own press moments ago explains
        (pressed twice, or sent again after a lost answer): the refusal would read as a failure
        of the first press. None for any other refusal."""
        if action == "lanjutkan" and "year" in getattr(error, "error_dict", {}):
            made = ActionPlan.objects.filter(year=self.plan.year + 1).first()
            if made and selectors.plan_action_just_done(
                made, "action_plans.plan.create", request.user
            ):
                messages.info(
                    request,
                    _("Tindakan ini sudah tercatat sebelumnya: draf RAT %(year)s sudah dibuat.")
                    % {"year": made.year},
                )
                return redirect(made)
        elif action in self.LOGGED and selectors.plan_action_just_done(
            self.plan, self.LOGGED[action], request.user
        ):
            self.plan.refresh_from_db(fields=["status"])
            messages.info(
                request,
                _("Tindakan ini sudah tercatat sebelumnya. Status RAT %(year)s kini: %(status)s.")
                % {"year": self.plan.year, "status": self.plan.get_status_display()},
            )
            return redirect(self.plan)
        return None


class PeriodsView(SubmitOnceMixin, PlannerMixin, TemplateView):
    """The plan's periods; a double tap saves them once (the form's `submission_token`): the
    second tap was refused as "changed by someone else" (by the first)."""

    template_name = "action_plans/periods.html"

    def get_formset(self):
        return PeriodFormSet(self.request.POST or None, queryset=self.plan.periods.all())

    def get_context_data(self, **kwargs):
        kwargs.setdefault("formset", self.get_formset())
        return super().get_context_data(**kwargs)

    def post(self, request, year):
        formset = self.get_formset()
        reason_form = ReasonForm(request.POST)
        reason = request.POST.get("reason", "")
        if not reason_form.is_valid():
            messages.error(request, " ".join(reason_form.errors["reason"]))
        elif formset.is_valid():
            reason = reason_form.cleaned_data["reason"]

            def save():
                keep = self.changed_meanwhile(formset)
                # All periods or none, checked together.
                services.periods_update(
                    plan=self.plan,
                    periods=[
                        form.save(commit=False)
                        for form in formset.forms
                        if form.has_changed() and form not in keep
                    ],
                    by=request.user,
                    reason=reason,
                )
                return None, self.plan.get_absolute_url()

            try:
                self.submit_once(save)
            except AlreadySubmitted as done:
                return self.already_submitted(done, self.plan.get_absolute_url())
            except PeriodsChangedMeanwhile as changed:
                formset = changed.formset
                messages.error(
                    request,
                    _(
                        "Periode diubah orang lain sejak Anda membukanya: %(changes)s. Isian Anda "
                        "di bawah belum disimpan; periksa, lalu simpan lagi untuk menimpa "
                        "perubahan itu."
                    )
                    % {"changes": changes_text(changed.changes)},
                )
            except ValidationError as error:
                _refuse(request, error)
            else:
                messages.success(request, _("Periode tersimpan."))
                return redirect(self.plan)
        return self.render_to_response(
            self.get_context_data(formset=formset, reason=reason), status=400
        )

    def changed_meanwhile(self, formset) -> list:
        """The forms of periods a colleague changed since this page was opened and this one
        left as they were: their stored values stay (the page sent the old ones back, and the
        save undid the change). A period changed both here and there refuses the save
        (PeriodsChangedMeanwhile), with every period's values as stored now where this page
        left it alone, so a second send saves knowingly."""
        # The plan first, as every save of a plan's parts locks it (an activity's new targets
        # point at its periods): periods first would deadlock with such a save.
        ActionPlan.objects.select_for_update().filter(pk=self.plan.pk).exists()
        stored = {p.pk: p for p in self.plan.periods.select_for_update()}
        keep, changes = [], []
        for form in formset.forms:
            current = stored[form.instance.pk]  # the formset refused periods of other plans
            changed = form.changes_since_opened(current)
            if not changed:
                continue
            if form.edited_since_opened():
                changes += [(f"{current.code} {label}", old, new) for label, old, new in changed]
            else:
                keep.append(form)
        if not changes:
            return keep
        data = self.request.POST.copy()
        for form in formset.forms:
            current = stored[form.instance.pk]
            if not form.edited_since_opened():
                for name, value in form.row_state(current).items():
                    data[form.add_prefix(name)] = value
            data[form.add_prefix(form.OPENED_FIELD)] = form.sign_state(current)
        fresh = PeriodFormSet(data, queryset=self.plan.periods.all())
        fresh.is_valid()
        raise PeriodsChangedMeanwhile(fresh, changes)


class PeriodsChangedMeanwhile(Exception):
    def __init__(self, formset, changes):
        super().__init__(changes)
        self.formset, self.changes = formset, changes


def stale_activity_message(stale) -> str:
    return _(
        "Kegiatan ini diubah orang lain sejak Anda membukanya: %(changes)s. Isian Anda di bawah "
        "belum disimpan; periksa, lalu simpan lagi untuk menimpa perubahan itu."
    ) % {"changes": changes_text(stale.changes)}


class ActivityFormView(SubmitOnceMixin, PlannerMixin, FormView):
    """An activity, new or changed; a double tap saves it once (SubmitOnceMixin): the second
    tap was refused with "code already used" (new) or recorded a second revision (changed)."""

    form_class = ActivityForm
    template_name = "action_plans/activity_form.html"

    def get_activity(self):
        if "pk" in self.kwargs:
            return get_object_or_404(self.plan.activities.all(), pk=self.kwargs["pk"])
        return Activity(plan=self.plan)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        self.activity = self.get_activity()
        return {**kwargs, "instance": self.activity, "plan": self.plan, "user": self.request.user}

    def form_valid(self, form):
        if self.plan.status == PlanStatus.DITUTUP:
            form.add_error(None, _("Rencana sudah ditutup dan tidak dapat diubah lagi."))
            return self.form_invalid(form)

        def save():
            activity = services.activity_save(
                activity=form.save(commit=False),
                targets=form.targets(),
                supporting=form.cleaned_data["supporting_agencies"],
                incidents=form.cleaned_data["incidents"],
                by=self.request.user,
                reason=form.cleaned_data.get("reason", ""),
                opened=form.opened_snapshot(),
            )
            return activity, self.plan.get_absolute_url()

        try:
            self.submit_once(save)
        except AlreadySubmitted as done:
            return self.already_submitted(done, self.plan.get_absolute_url())
        except services.StaleActivity as stale:
            # Nothing was written. Keep what this user typed, say what changed meanwhile, and
            # let them save again knowingly on top of the newer version.
            data = self.request.POST.copy()
            data["opened"] = ActivityForm.sign_opened(stale.current)
            form = self.get_form_class()(**{**self.get_form_kwargs(), "data": data})
            form.is_valid()
            form.add_error(None, stale_activity_message(stale))
            return self.form_invalid(form)
        except ValidationError as error:
            if hasattr(error, "error_dict") and "reason" in error.error_dict:
                form.add_error("reason", error.error_dict["reason"])
            else:
                form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Kegiatan %(code)s tersimpan.") % {"code": form.instance.code}
        )
        return redirect(self.plan)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ActivityDetailView(PlanMixin, TemplateView):
    template_name = "action_plans/activity_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        activities = visible_activities(self.request.user).filter(plan=self.plan)
        activity = get_object_or_404(activities, pk=self.kwargs["pk"])
        [row] = selectors.matrix_rows(self.plan, activities.filter(pk=activity.pk))
        selectors.attach_realisation_history([cell.realisation for cell in row.cells])
        context.update(
            activity=row.activity,
            row=row,
            can_report=self.request.user.has_perm("action_plans.report_realisation", activity),
            can_return=self.request.user.has_perm("action_plans.return_realisation"),
            evidence_form=EvidenceForm(),
            # Linked reports are shown only as far as this user may see them.
            incidents=activity.incidents.filter(
                pk__in=Incident.objects.visible_to(self.request.user).values("pk")
            ),
            # A refused return comes back with its note (`return_for`: whose form it is).
            return_form=kwargs.get("return_form") or ReturnForm(),
            return_for=kwargs.get("return_for"),
        )
        return context


class MyActivitiesView(LoginRequiredMixin, TemplateView):
    """The activities of the user's agency in the current plans, with what is due per period."""

    template_name = "action_plans/my_activities.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        plans = ActionPlan.objects.visible_to(user).filter(status=PlanStatus.DITETAPKAN)
        # The agency's own activities, also for someone who reads the whole plan (a secretariat
        # member of Bakesbangpol).
        own = visible_activities(user).filter(responsible_agency_id=user.agency_id)
        context["sections"] = (
            [(plan, selectors.matrix_rows(plan, own.filter(plan=plan))) for plan in plans]
            if user.has_perm("action_plans.view_own_activities")
            else []
        )
        context["today"] = timezone.localdate()
        return context


class RealisationView(SubmitOnceMixin, LoginRequiredMixin, FormView):
    """The responsible agency's report on one activity for one period."""

    form_class = RealisationForm
    template_name = "action_plans/realisation_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.activity = get_object_or_404(
            visible_activities(request.user).select_related("plan", "responsible_agency"),
            pk=kwargs["pk"],
        )
        self.period = get_object_or_404(Period, plan=self.activity.plan, code=kwargs["period"])
        if not request.user.has_perm("action_plans.report_realisation", self.activity):
            raise services.reporting_refused(self.activity)
        self.realisation = Realisation.objects.filter(
            activity=self.activity, period=self.period
        ).first() or Realisation(activity=self.activity, period=self.period)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.realisation}

    def get_context_data(self, **kwargs):
        target = self.activity.targets.filter(period=self.period).first()
        return {
            **super().get_context_data(**kwargs),
            "activity": self.activity,
            "period": self.period,
            "realisation": self.realisation,
            "target": target.value if target else None,
            "locked": self.realisation.status == RealisationStatus.DISERAHKAN,
            "unavailable": self.activity.plan.status != PlanStatus.DITETAPKAN,
        }

    def form_valid(self, form):
        activity_url = reverse(
            "action_plans:activity", args=[self.activity.plan.year, self.activity.pk]
        )

        def save():
            realisation = services.realisation_save(
                realisation=form.save(commit=False),
                files=form.cleaned_data["files"],
                by=self.request.user,
                submit="submit" in self.request.POST,
                # None (a form without the field): unguarded, as before versions existed.
                expected_version=form.cleaned_data["version"],
            )
            return realisation, activity_url

        try:
            realisation = self.submit_once(save)
        except AlreadySubmitted as done:
            return self.already_submitted(done, activity_url)
        except services.StaleRealisation as stale:
            # Nothing was written. Keep what this user typed, show what is stored now, and let
            # them save again knowingly on top of it.
            data = self.request.POST.copy()
            data["version"] = stale.current.version
            # A page cannot hand chosen files back to the browser: named, to be chosen again.
            dropped = [upload.name for upload in form.cleaned_data["files"]]
            self.realisation = stale.current
            form = self.get_form_class()(data, instance=stale.current)
            form.is_valid()
            return self.render_to_response(
                self.get_context_data(form=form, stale=stale, dropped_files=dropped), status=400
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        if realisation.status == RealisationStatus.DISERAHKAN:
            text = _("Realisasi %(code)s diserahkan.") % {"code": self.period.code}
            if realisation.is_late:
                text += " " + _("Penyerahan ini melewati batas %(due)s (terlambat).") % {
                    "due": date_format(self.period.due_date)
                }
            messages.success(self.request, text)
        else:
            messages.success(self.request, _("Draf realisasi tersimpan."))
        return redirect("action_plans:activity", year=self.activity.plan.year, pk=self.activity.pk)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class RealisationReturnView(SubmitOnceMixin, PermissionRequiredMixin, View):
    """Back to the operator with a note; a double tap returns it once (SubmitOnceMixin): the
    second tap was refused in red, "only a submitted realisation can be returned"."""

    permission_required = "action_plans.return_realisation"

    def post(self, request, pk):
        realisation = get_object_or_404(
            Realisation.objects.visible_to(request.user).select_related("activity__plan"),
            pk=pk,
        )
        activity = realisation.activity
        url = reverse("action_plans:activity", args=[activity.plan.year, activity.pk])
        form = ReturnForm(request.POST)

        def send_back():
            returned = services.realisation_return(
                realisation=realisation, by=request.user, note=form.cleaned_data["note"]
            )
            return returned, url

        if not form.is_valid():
            return self.refused(request, realisation, form)
        try:
            self.submit_once(send_back)
        except AlreadySubmitted as done:
            return self.already_submitted(done, url)
        except ValidationError as error:
            return self.refused(request, realisation, form, error)
        messages.success(request, _("Realisasi dikembalikan untuk perbaikan."))
        return redirect(url)

    def refused(self, request, realisation, form, error=None):
        """The activity page again, the typed note kept in its form and the reason next to it;
        when the form is no longer offered (the plan closed, or a colleague returned it
        meanwhile) the reason stands at the top."""
        realisation.refresh_from_db(fields=["status"])
        plan = ActionPlan.objects.get(pk=realisation.activity.plan_id)
        offered = (
            realisation.status == RealisationStatus.DISERAHKAN
            and plan.status == PlanStatus.DITETAPKAN
        )
        if error is not None and offered:
            form.add_error("note", getattr(error, "error_dict", {}).get("note", error))
        elif error is not None:
            _refuse(request, error)
            if form.cleaned_data.get("note"):
                # No form to put it back in: shown, so it can be copied.
                messages.info(
                    request,
                    _("Catatan yang Anda tulis (belum tersimpan): %(note)s")
                    % {"note": form.cleaned_data["note"]},
                )
        page = ActivityDetailView(request=request, args=(), kwargs={"pk": realisation.activity_id})
        page.plan = plan
        context = page.get_context_data(
            return_form=form,
            return_for=realisation.pk,
            page_path=reverse("action_plans:activity", args=[plan.year, realisation.activity_id]),
        )
        return TemplateResponse(request, page.template_name, context, status=400)


class RealisationEvidenceView(SubmitOnceMixin, LoginRequiredMixin, View):
    """Adds evidence files to a realisation (POST from the activity page); a double tap adds
    them once (the form's own `submission_token`)."""

    def post(self, request, pk):
        realisation = get_object_or_404(
            Realisation.objects.visible_to(request.user).select_related("activity__plan", "period"),
            pk=pk,
        )
        if not request.user.has_perm("action_plans.add_realisation_evidence", realisation):
            raise PermissionDenied
        activity = realisation.activity
        page = reverse("action_plans:activity", args=[activity.plan.year, activity.pk])
        form = EvidenceForm(request.POST, request.FILES)
        try:
            if not form.is_valid():
                raise ValidationError(form.errors["files"])

            def add():
                services.realisation_add_evidence(
                    realisation=realisation, files=form.cleaned_data["files"], by=request.user
                )
                return None, page

            self.submit_once(add)
        except ValidationError as error:
            _refuse(request, error)
        except AlreadySubmitted as done:
            return self.already_submitted(done, page)
        else:
            messages.success(
                request,
                _("Data dukung realisasi %(code)s ditambahkan.")
                % {"code": realisation.period.code},
            )
        return redirect(page)


class EvidenceDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk):
        evidence = get_object_or_404(
            RealisationEvidence.objects.filter(
                realisation__in=Realisation.objects.visible_to(request.user)
            ),
            pk=pk,
        )
        return serve_evidence(evidence)
