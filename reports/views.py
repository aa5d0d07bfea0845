"""Pages of the official documents: the archive of issued reports, previews, drafts, issuing,
the annual narrative. Permissions come from `reports.rules`; issued reports are read through
`IssuedReport.objects.visible_to(user)`."""

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView

from action_plans.models import ActionPlan
from core.mixins import SUBMISSION_FIELD, PermissionRequiredMixin, PerPageMixin
from core.services import (
    AlreadySubmitted,
    submission_claim,
    submission_done,
    submission_earlier,
)
from core.utils import parse_id
from core.views import stored_file_response
from reports import documents, services
from reports.choices import ReportKind, document_filename
from reports.forms import NarrativeForm
from reports.models import AnnualNarrative, IssuedReport, Letterhead
from reports.rendering import RenderError

# URL words for the kinds of documents.
KIND_SLUGS = {"periode": ReportKind.PERIOD, "tahunan": ReportKind.ANNUAL, "rat": ReportKind.RAT}
SLUG_OF = {kind: slug for slug, kind in KIND_SLUGS.items()}
YEARS = range(2012, 2101)


class ReportPermissionMixin(PermissionRequiredMixin):
    """403 for a signed-in user without the permission, the login page for anyone else."""


class DocumentMixin(ReportPermissionMixin):
    permission_required = "reports.preview_report"

    def dispatch(self, request, *args, **kwargs):
        self.kind = KIND_SLUGS.get(kwargs.get("kind"))
        if self.kind is None or kwargs.get("year") not in YEARS:
            raise Http404
        self.year = kwargs["year"]
        # As the document finds its period (any case, spaces around): the file name and the
        # links carry the code it found, never a line break typed into the URL.
        code = request.GET.get("periode") or request.POST.get("periode") or ""
        self.period_code = code.strip().upper()[:4]
        if self.kind != ReportKind.PERIOD:
            self.period_code = ""
        return super().dispatch(request, *args, **kwargs)

    def query(self):
        return f"?{urlencode({'periode': self.period_code})}" if self.period_code else ""

    def url(self, name):
        return reverse(f"reports:{name}", args=[self.year, SLUG_OF[self.kind]]) + self.query()

    def back_with(self, error):
        messages.error(self.request, error.message)
        return redirect(f"{reverse('reports:index')}?tahun={self.year}")


class ReportIndexView(ReportPermissionMixin, PerPageMixin, ListView):
    """The year's documents to build (for the secretariat) and the issued archive."""

    permission_required = "reports.view_reports"
    template_name = "reports/index.html"
    context_object_name = "issued"

    def get_year(self):
        year = parse_id(self.request.GET.get("tahun"))
        return year if year in YEARS else timezone.localdate().year

    def get_queryset(self):
        return IssuedReport.objects.visible_to(self.request.user).select_related("issued_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        year = self.get_year()
        plan = (
            ActionPlan.objects.visible_to(self.request.user)
            .filter(year=year)
            .prefetch_related("periods")
            .first()
        )
        # The archive's pages keep the year chosen for the documents to build.
        query = self.request.GET.copy()
        query.pop(self.page_kwarg, None)
        context.update(
            year=year,
            plan=plan,
            periods=list(plan.periods.all()) if plan else [],
            querystring=query.urlencode(),
            can_preview=self.request.user.has_perm("reports.preview_report"),
            can_write=self.request.user.has_perm("reports.write_narrative"),
            slugs=SLUG_OF,
        )
        return context


class PreviewView(DocumentMixin, View):
    """The document in the browser, from the same template as the PDF, watermarked as draft."""

    def get(self, request, year, kind):
        try:
            document = documents.build(self.kind, year, self.period_code)
        except documents.DocumentUnavailable as error:
            return self.back_with(error)
        toolbar = {
            "draft_url": self.url("draft"),
            "issue_url": self.url("issue"),
            "can_issue": request.user.has_perm("reports.issue_report"),
            "submission_token": uuid.uuid4(),
        }
        return HttpResponse(
            document.html(pdf=False, draft=True, extra={"toolbar": toolbar}, request=request)
        )


class DraftView(DocumentMixin, View):
    def get(self, request, year, kind):
        try:
            _title, content = services.report_draft(
                kind=self.kind, year=year, period_code=self.period_code, by=request.user
            )
        except (documents.DocumentUnavailable, RenderError) as error:
            return self.back_with(error)
        filename = document_filename(kind=self.kind, year=year, period_code=self.period_code)
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="draf-{filename}"'
        return response


class IssueView(DocumentMixin, View):
    permission_required = "reports.issue_report"

    def post(self, request, year, kind):
        """One new version per "Terbitkan" on a preview: the preview's token is claimed in the
        transaction that archives the version, so a double tap or a resend of the same page
        issues nothing more (issuing from a fresh preview still makes the next version)."""
        index = f"{reverse('reports:index')}?tahun={year}"
        token = request.POST.get(SUBMISSION_FIELD)
        try:
            if submission_earlier(token=token, by=request.user) is not None:
                raise AlreadySubmitted(index)
            with transaction.atomic():
                claimed = submission_claim(token=token, by=request.user)
                report = services.report_issue(
                    kind=self.kind, year=year, period_code=self.period_code, by=request.user
                )
                submission_done(submission=claimed, url=index)
        except AlreadySubmitted:
            messages.info(
                request, _("Formulir ini sudah terkirim sebelumnya dan tidak disimpan dua kali.")
            )
            return redirect(index)
        except (documents.DocumentUnavailable, RenderError) as error:
            return self.back_with(error)
        messages.success(
            request,
            _("%(title)s diterbitkan sebagai versi %(version)s.")
            % {"title": report.title, "version": report.version},
        )
        return redirect(index)


class IssuedDownloadView(ReportPermissionMixin, View):
    permission_required = "reports.download_issued"

    def get(self, request, pk):
        report = get_object_or_404(IssuedReport.objects.visible_to(request.user), pk=pk)
        try:
            content = services.report_download(report=report, by=request.user)
        except (OSError, ValueError):
            messages.error(
                request,
                _("Berkas laporan ini rusak atau hilang; hubungi administrator."),
            )
            return redirect("reports:index")
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{report.filename}"'
        return response


class NarrativeView(ReportPermissionMixin, FormView):
    permission_required = "reports.write_narrative"
    template_name = "reports/narrative.html"
    form_class = NarrativeForm

    def dispatch(self, request, *args, **kwargs):
        if kwargs["year"] not in YEARS:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = AnnualNarrative.objects.filter(year=self.kwargs["year"]).first()
        return kwargs

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "year": self.kwargs["year"]}

    def form_valid(self, form):
        try:
            services.narrative_save(
                year=self.kwargs["year"],
                by=self.request.user,
                opened=form.opened_digests(),
                **form.texts(),
            )
        except services.NarrativeConflict as conflict:
            return self.conflicted(form, conflict)
        messages.success(self.request, _("Narasi laporan tahunan disimpan."))
        return redirect(f"{reverse('reports:index')}?tahun={self.kwargs['year']}")

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)

    def conflicted(self, form, conflict):
        """Nothing was written. The page keeps what this user typed; each section a colleague
        changed meanwhile says so and shows the stored text; sent again, this user's text
        replaces it knowingly (its digest now stands for what was seen)."""
        opened = form.opened_digests() or {}
        opened.update({name: services.text_digest(text) for name, text in conflict.stored.items()})
        data = self.request.POST.copy()
        data["opened"] = NarrativeForm.sign_opened(opened)
        form = self.get_form_class()(**{**self.get_form_kwargs(), "data": data})
        form.is_valid()
        who = (
            conflict.by.get_full_name() or conflict.by.username if conflict.by else _("orang lain")
        )
        when = date_format(timezone.localtime(conflict.at), "j F Y, H.i")
        for name, text in conflict.stored.items():
            form.add_error(
                name,
                _(
                    "Bagian ini diubah oleh %(who)s pada %(when)s sejak Anda membuka halaman ini. "
                    "Tersimpan sekarang: “%(text)s”. Teks Anda masih di kotak ini; simpan lagi "
                    "untuk menggantinya."
                )
                % {"who": who, "when": when, "text": Truncator(text).chars(300) or "—"},
            )
        return self.form_invalid(form)


class LogoView(ReportPermissionMixin, View):
    """The letterhead logo for previews (PDFs receive it directly from the renderer)."""

    permission_required = "reports.view_reports"

    def get(self, request):
        letterhead = Letterhead.objects.exclude(logo="").first()
        if letterhead is None:
            raise Http404
        try:
            handle = letterhead.logo.open("rb")
        except OSError:
            raise Http404 from None
        head = handle.read(8)
        handle.seek(0)
        content_type = "image/png" if head.startswith(b"\x89PNG") else "image/jpeg"
        return stored_file_response(handle, content_type=content_type)
