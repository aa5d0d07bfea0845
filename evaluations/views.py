"""Pages of the four-pillar evaluation. Access by named permission (rules.py): the leadership
reads, the secretariat also scores, finalises and records the province's result."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from action_plans.choices import Stage
from action_plans.models import ActionPlan, Activity, Realisation
from core.charts import SCREEN, bar_chart
from core.forms import changes_text, read_opened, sign_opened
from core.mixins import PermissionRequiredMixin, SubmitOnceMixin
from core.services import AlreadySubmitted
from core.views import serve_evidence
from evaluations import indicators, selectors, services
from evaluations.choices import YEAR_SCOPE, ActionClass, EvaluationStatus
from evaluations.forms import FinaliseForm, ManualScoreForm, ProvinceResultForm, WeightsForm
from evaluations.models import Evaluation, ManualScore, ManualScoreEvidence
from incidents.models import HandlingStep, Incident

MAX_LISTED = 200  # records listed per kind on a drill-down page


class EvaluationAccessMixin(PermissionRequiredMixin):
    """Signed-in readers only; `year` and `scope` in the URL must name a real period."""

    permission_required = "evaluations.view_evaluation"

    def dispatch(self, request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return self._dispatch(request, *args, **kwargs)
        # A page reads its year's periods and framework once, however many scopes it shows.
        with indicators.one_reading():
            return self._dispatch(request, *args, **kwargs)

    def _dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.has_perm(self.permission_required):
            raise PermissionDenied
        self.year = kwargs.get("year")
        if self.year is not None and not 2012 <= self.year <= 2100:
            raise Http404
        code = kwargs.get("scope")
        if code is not None:
            try:
                self.scope = indicators.scope_for(self.year, code)
            except LookupError:
                raise Http404 from None
            self.evaluation = (
                Evaluation.objects.visible_to(request.user)
                .filter(year=self.year, scope=code)
                .first()
            )
        return super().dispatch(request, *args, **kwargs)

    def get_or_create_evaluation(self):
        if self.evaluation is None:
            self.evaluation = services.evaluation_get_or_create(
                year=self.year, scope=self.scope.code
            )
        return self.evaluation


def _refuse(request, error):
    messages.error(request, " ".join(getattr(error, "messages", [str(error)])))


class IndexView(EvaluationAccessMixin, TemplateView):
    template_name = "evaluations/index.html"

    def get_context_data(self, **kwargs):
        this_year = timezone.localdate().year
        years = sorted(
            {this_year}
            | set(ActionPlan.objects.values_list("year", flat=True))
            | set(Evaluation.objects.visible_to(self.request.user).values_list("year", flat=True)),
            reverse=True,
        )
        statuses = {
            (e.year, e.scope): e
            for e in Evaluation.objects.visible_to(self.request.user).filter(year__in=years)
        }
        rows = []
        for year, codes in indicators.period_codes(years).items():
            codes = [*codes, YEAR_SCOPE]
            rows.append((year, [(code, statuses.get((year, code))) for code in codes]))
        due_year, due_code = selectors.due_scope()
        return {
            **super().get_context_data(**kwargs),
            "rows": rows,
            "this_year": this_year,
            # In early January last year's B12 is the report due, not this year's first.
            "due_year": due_year,
            "due_code": due_code,
            "results_max_age": settings.EVALUATION_RESULTS_MAX_AGE,
        }


class EvaluationView(EvaluationAccessMixin, TemplateView):
    template_name = "evaluations/detail.html"

    def get_context_data(self, **kwargs):
        figures = selectors.figures_of(self.evaluation, self.scope)
        previous = selectors.previous_scope(self.year, self.scope.code)
        comparisons = []
        if previous:
            comparisons.append(previous)
        if not self.scope.is_year:
            comparisons.append((self.year - 1, self.scope.code))
        # Compared only with scopes that had something to evaluate: a year without a plan or
        # reports is named as such, not shown as a score of 0 with a link to an empty page.
        compared, without_data = [], []
        for year, code in comparisons:
            try:
                other = selectors.evaluation_figures(year, None if code == YEAR_SCOPE else code)
            except LookupError:
                continue
            if other.has_data:
                compared.append((year, code, other))
            else:
                without_data.append((year, code))
        period_scores = []
        if self.scope.is_year:
            for period in self.scope.periods:
                period_scores.append(
                    (period.code, selectors.evaluation_figures(self.year, period.code))
                )
        class_labels = dict(ActionClass.choices)
        # Current scope first, then those compared with it: a row per figure (the total, then
        # each pillar by its code), a column per scope, so the pillars' names stay whole.
        columns = [figures, *(other for _year, _code, other in compared)]
        comparison = [
            (_("Nilai total"), [f.total for f in columns]),
            *(
                (pillar.name, [_pillar_score(f, pillar.code) for f in columns])
                for pillar in figures.pillars
            ),
        ]
        user = self.request.user
        return {
            **super().get_context_data(**kwargs),
            "year": self.year,
            "scope": self.scope,
            "evaluation": self.evaluation,
            "figures": figures,
            "compared": compared,
            "comparison": comparison,
            "without_data": without_data,
            "period_scores": period_scores,
            "pillar_chart": bar_chart(
                _("Nilai per pilar"),
                [(p.name, p.score) for p in figures.pillars],
                maximum=100,
                **SCREEN,
            ),
            "period_chart": bar_chart(
                _("Nilai per periode"),
                [(code, f.total) for code, f in period_scores],
                maximum=100,
                **SCREEN,
            )
            if period_scores
            else "",
            # A bar per class, named and counted in words, against all the activities judged;
            # its colour says the same (CLASS_COLOURS).
            "class_chart": bar_chart(
                _("Kelas capaian kegiatan"),
                [(class_labels[c], n) for c, n in figures.classes.items()],
                maximum=sum(figures.classes.values()) or None,
                colours=[CLASS_COLOURS[c] for c in figures.classes],
                **SCREEN,
            ),
            "class_labels": class_labels,
            "codes": [p.code for p in indicators.year_periods(self.year)[0]],
            "stage_rows": [
                (Stage(stage).label, list(counts.values()))
                for stage, counts in figures.classes_by_stage.items()
            ],
            "can_score": user.has_perm("evaluations.score_evaluation", self.evaluation),
            "can_refresh": user.has_perm("evaluations.refresh_results"),
            "results_max_age": settings.EVALUATION_RESULTS_MAX_AGE,
            "can_finalise": user.has_perm("evaluations.finalise_evaluation", self.evaluation),
            "not_started": timezone.localdate() < self.scope.start,
            # Finalising waits for the period's report deadline (services.evaluation_finalise).
            "reports_still_due": timezone.localdate() <= self.scope.last_due,
            "can_record": user.has_perm("evaluations.record_province_result", self.evaluation),
            "finalise_form": FinaliseForm(),
        }


# Achievement classes in colours that mean what they say, from the Okabe-Ito palette, which
# people with the common colour-vision deficiencies tell apart: blue beyond the target, green on
# it, amber near it, vermilion below it.
CLASS_COLOURS = {
    ActionClass.MELAMPAUI: "#0072B2",
    ActionClass.TERCAPAI: "#009E73",
    ActionClass.MENDEKATI: "#E69F00",
    ActionClass.DI_BAWAH: "#D55E00",
}


def _pillar_score(figures, code):
    return next((p.score for p in figures.pillars if p.code == code), None)


class DrilldownView(EvaluationAccessMixin, TemplateView):
    """The records behind one indicator's figure, as far as the reader may see them."""

    template_name = "evaluations/drilldown.html"

    def get_context_data(self, **kwargs):
        figures = selectors.figures_of(self.evaluation, self.scope)
        row = figures.indicator(self.kwargs["code"])
        if row is None or row.is_manual:
            raise Http404
        if figures.status != EvaluationStatus.FINAL:
            # A draft's page shows stored values; its drill-down works this one out now.
            selectors.live_row(row, self.scope)
        user = self.request.user
        ids = row.records
        visible_incidents = Incident.objects.visible_to(user)
        sections = []
        if ids.get(indicators.INCIDENTS):
            sections.append(
                (
                    "incidents",
                    visible_incidents.filter(pk__in=ids["incidents"])
                    .select_related("kecamatan")
                    .order_by("-occurred_at")[:MAX_LISTED],
                    len(ids["incidents"]),
                )
            )
        if ids.get(indicators.STEPS):
            sections.append(
                (
                    "steps",
                    HandlingStep.objects.filter(pk__in=ids["steps"], incident__in=visible_incidents)
                    .select_related("incident")
                    .prefetch_related("agencies")
                    .order_by("-date", "-pk")[:MAX_LISTED],
                    len(ids["steps"]),
                )
            )
        if ids.get(indicators.ACTIVITIES):
            sections.append(
                (
                    "activities",
                    Activity.objects.visible_to(user)
                    .filter(pk__in=ids["activities"])
                    .select_related("plan", "responsible_agency")
                    .order_by("code")[:MAX_LISTED],
                    len(ids["activities"]),
                )
            )
        if ids.get(indicators.REALISATIONS):
            sections.append(
                (
                    "realisations",
                    Realisation.objects.visible_to(user)
                    .filter(pk__in=ids["realisations"])
                    .select_related("activity__plan", "activity__responsible_agency", "period")
                    .order_by("activity__code", "period__order")[:MAX_LISTED],
                    len(ids["realisations"]),
                )
            )
        return {
            **super().get_context_data(**kwargs),
            "year": self.year,
            "scope": self.scope,
            "row": row,
            "figures": figures,
            "sections": sections,
        }


class ManualScoreView(SubmitOnceMixin, EvaluationAccessMixin, FormView):
    """A manual score with its supporting files; a double tap stores the files once."""

    template_name = "evaluations/manual_score.html"
    form_class = ManualScoreForm

    def setup_row(self):
        figures = selectors.figures_of(self.evaluation, self.scope)
        self.row = figures.indicator(self.kwargs["code"])
        if self.row is None or not self.row.is_manual:
            raise Http404
        user = self.request.user
        # Finalised since the page was opened (or a bookmark): said so, not refused as if the
        # role could not score.
        self.finalised = self.evaluation is not None and self.evaluation.is_final
        may_score = user.has_perm("evaluations.score_evaluation", self.evaluation)
        if not may_score and not (self.finalised and user.has_perm("evaluations.score_evaluation")):
            raise PermissionDenied

    FINAL_MESSAGE = gettext_lazy("Evaluasi ini sudah final; nilainya tidak dapat diubah lagi.")

    def get(self, request, *args, **kwargs):
        self.setup_row()
        if self.finalised:
            messages.info(request, self.FINAL_MESSAGE)
            return redirect("evaluations:detail", self.year, self.scope.code)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.setup_row()
        if self.finalised:
            # What was typed stays on the page (the files must be chosen again anyway).
            form = self.get_form()
            form.is_valid()
            form.add_error(None, self.FINAL_MESSAGE)
            return self.form_invalid(form)
        return super().post(request, *args, **kwargs)

    OPENED_SALT = "opened:evaluations.manualscore"

    def get_initial(self):
        stored = ManualScore.objects.filter(
            evaluation=self.evaluation, indicator_code=self.row.code
        ).first()
        initial = {"opened": sign_opened(services.manual_score_state(stored), self.OPENED_SALT)}
        if self.row.score is None:
            return initial
        return {
            **initial,
            "score": self.row.score.normalize(),
            "justification": self.row.justification,
        }

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "year": self.year,
            "scope": self.scope,
            "row": self.row,
        }

    def form_valid(self, form):
        data = form.cleaned_data
        page = reverse("evaluations:detail", args=[self.year, self.scope.code])

        def save():
            services.manual_score_save(
                evaluation=self.get_or_create_evaluation(),
                indicator_code=self.row.code,
                score=data["score"],
                justification=data["justification"],
                files=data["files"],
                by=self.request.user,
                opened=read_opened(data["opened"], self.OPENED_SALT),
            )
            return None, page

        try:
            self.submit_once(save)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        except services.ScoreChangedMeanwhile as changed:
            # Nothing was written; sent again from this page, it saves knowingly.
            form.data = form.data.copy()
            form.data["opened"] = sign_opened(changed.state, self.OPENED_SALT)
            form.add_error(
                None,
                _(
                    "Nilai ini disimpan orang lain sejak Anda membukanya: %(changes)s. Isian "
                    "Anda di bawah belum disimpan (pilih lagi berkas buktinya); periksa, lalu "
                    "simpan lagi untuk menimpanya."
                )
                % {"changes": changes_text(changed.changes)},
            )
            return self.form_invalid(form)
        except AlreadySubmitted as done:
            return self.already_submitted(done, page)
        messages.success(self.request, _("Nilai %(name)s tersimpan.") % {"name": self.row.name})
        return redirect(page)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class RefreshView(EvaluationAccessMixin, View):
    """Work a draft's computed indicators out again now ("Hitung ulang")."""

    def post(self, request, year, scope):
        if self.evaluation is not None and self.evaluation.is_final:
            messages.info(request, _("Evaluasi ini sudah final; nilainya dibekukan."))
            return redirect("evaluations:detail", year, scope)
        try:
            services.results_refresh(year=year, scope=scope, by=request.user)
        except selectors.RecountRunning:
            # A double click, or a reader's recount of stale values: one run is enough.
            messages.info(
                request,
                _("Nilai indikator sedang dihitung ulang; muat ulang halaman ini sebentar lagi."),
            )
        else:
            messages.success(request, _("Nilai indikator dihitung ulang dari data terkini."))
        return redirect("evaluations:detail", year, scope)


class FinaliseView(EvaluationAccessMixin, View):
    def post(self, request, year, scope):
        if self.evaluation is not None and self.evaluation.is_final:
            # A second click (or a stale tab) lands on the frozen result, not on an error.
            if not request.user.has_perm("evaluations.score_evaluation"):
                raise PermissionDenied
            messages.info(request, _("Evaluasi ini sudah final."))
            return redirect("evaluations:detail", year, scope)
        if not request.user.has_perm("evaluations.finalise_evaluation", self.evaluation):
            raise PermissionDenied
        form = FinaliseForm(request.POST)
        if not form.is_valid():
            messages.error(request, " ".join(form.errors["confirm"]))
            return redirect("evaluations:detail", year, scope)
        try:
            services.evaluation_finalise(
                evaluation=self.get_or_create_evaluation(), by=request.user
            )
        except ValidationError as error:
            _refuse(request, error)
        else:
            messages.success(request, _("Evaluasi difinalkan; nilainya kini dibekukan."))
        return redirect("evaluations:detail", year, scope)


class ProvinceResultView(SubmitOnceMixin, EvaluationAccessMixin, FormView):
    """The province's result; a double tap records it once (SubmitOnceMixin): the second tap
    was refused as "recorded by someone else" (by the first)."""

    template_name = "evaluations/province_result.html"
    form_class = ProvinceResultForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(
            "evaluations.record_province_result"
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.evaluation or Evaluation()}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "year": self.year, "scope": self.scope}

    def form_valid(self, form):
        data = form.cleaned_data
        page = reverse("evaluations:detail", args=[self.year, self.scope.code])

        def record():
            evaluation = self.get_or_create_evaluation()
            # A result a colleague recorded since this page was opened is not written over
            # unseen (a corrected rank put back to the old one).
            if form.refused_as_changed_meanwhile(
                Evaluation.objects.select_for_update().get(pk=evaluation.pk),
                _(
                    "Hasil ini dicatat orang lain sejak Anda membukanya: %(changes)s. Isian Anda "
                    "di bawah belum disimpan; periksa, lalu simpan lagi untuk menimpanya."
                ),
            ):
                raise RecordedMeanwhile  # nothing written, the token not spent
            services.province_result_record(
                evaluation=evaluation,
                rank=data["province_rank"],
                score=data["province_score"],
                award=data["province_award"],
                note=data["province_note"],
                by=self.request.user,
            )
            return None, page

        try:
            self.submit_once(record)
        except AlreadySubmitted as done:
            return self.already_submitted(done, page)
        except RecordedMeanwhile:
            return self.form_invalid(form)
        messages.success(self.request, _("Hasil dari provinsi tercatat."))
        return redirect("evaluations:detail", self.year, self.scope.code)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class RecordedMeanwhile(Exception):
    """The province's result changed since the form was opened (the form says what)."""


class ReadinessView(EvaluationAccessMixin, TemplateView):
    """For the period whose report is next due: what would cost points if it went today."""

    template_name = "evaluations/readiness.html"

    def get_context_data(self, **kwargs):
        codes = [p.code for p in indicators.year_periods(self.year)[0]]
        code = self.request.GET.get("periode")
        if code not in codes:
            code = selectors.current_period_code(self.year)
        return {
            **super().get_context_data(**kwargs),
            "year": self.year,
            "codes": codes,
            "readiness": selectors.readiness(self.year, code),
        }


class FrameworkView(SubmitOnceMixin, EvaluationAccessMixin, FormView):
    """Pillar and indicator weights in force for a year; saving makes a version from that year
    on when the one in force began earlier. A double tap saves once (SubmitOnceMixin): the
    second tap was refused as "changed by someone else" (by the first)."""

    template_name = "evaluations/framework.html"
    form_class = WeightsForm

    def get_form_kwargs(self):
        self.framework = selectors.framework_for(self.year)
        if self.framework is None:
            raise Http404
        return {**super().get_form_kwargs(), "framework": self.framework}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "year": self.year,
            "framework": self.framework,
            "can_change": self.request.user.has_perm("evaluations.change_framework"),
        }

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm("evaluations.change_framework"):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        pillars, indicator_weights = form.weights()
        page = reverse("evaluations:framework", args=[self.year])

        def save():
            services.framework_weights_update(
                year=self.year,
                pillar_weights=pillars,
                indicator_weights=indicator_weights,
                by=self.request.user,
                opened=form.opened(),
            )
            return None, page

        try:
            self.submit_once(save)
        except AlreadySubmitted as done:
            return self.already_submitted(done, page)
        except services.WeightsChangedMeanwhile as changed:
            form.reopened(changed.state)
            form.add_error(
                None,
                _(
                    "Bobot ini diubah orang lain sejak Anda membukanya: %(changes)s. Isian Anda "
                    "di bawah belum disimpan; periksa, lalu simpan lagi untuk menimpanya."
                )
                % {"changes": changes_text(changed.changes)},
            )
            return self.form_invalid(form)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
            return self.form_invalid(form)
        messages.success(
            self.request, _("Bobot evaluasi mulai %(year)s tersimpan.") % {"year": self.year}
        )
        return redirect(page)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class EvidenceDownloadView(EvaluationAccessMixin, View):
    def get(self, request, pk):
        evidence = get_object_or_404(
            ManualScoreEvidence.objects.filter(
                manual_score__evaluation__in=Evaluation.objects.visible_to(request.user)
            ),
            pk=pk,
        )
        return serve_evidence(evidence)
