"""Pages of the conflict reports. Every object is fetched from `Incident.objects.visible_to(user)`,
so a report the user may not see is a 404 wherever its id is typed."""

import copy

from axes.helpers import get_client_ip_address
from django.apps import apps
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import CreateView, DetailView, ListView, UpdateView
from pghistory.models import Events

from accounts.models import User
from core.mixins import (
    PermissionRequiredMixin,
    PerPageMixin,
    RecheckAfterClashMixin,
    SubmitOnceMixin,
)
from core.pagination import CappedPaginator
from core.services import AlreadySubmitted, log_action
from core.utils import parse_id
from core.views import serve_evidence
from directory.models import Contact, Region
from directory.selectors import regency_title
from incidents import exports, selectors, services
from incidents.choices import Status
from incidents.filters import IncidentFilter
from incidents.forms import (
    ConflictStatusForm,
    HandlingStepForm,
    IncidentForm,
    PartyFormSet,
    QuickReportForm,
    TransitionForm,
)
from incidents.listing import ListRow, list_markup
from incidents.models import ConflictStatus, Evidence, Incident, Party
from incidents.querysets import search_is_plain
from incidents.rules import edit_refusal


def visible_incidents(user):
    return Incident.objects.visible_to(user)


class IncidentListView(LoginRequiredMixin, PerPageMixin, ListView):
    template_name = "incidents/incident_list.html"
    context_object_name = "incidents"
    paginator_class = CappedPaginator

    def get_queryset(self):
        # The table never shows the chronology, its search vector or the rejection reason:
        # leaving them out keeps each row a few hundred bytes instead of a few kilobytes.
        base = (
            visible_incidents(self.request.user)
            .select_related("kecamatan", "desa")
            .defer("chronology", "search_document", "rejection_reason")
        )
        self.filterset = IncidentFilter(
            self.request.GET or None, queryset=base, request=self.request
        )
        return self.filterset.qs

    def paginate_queryset(self, queryset, page_size):
        """Numbered pages while the count is exact (at most the paginator's cap); beyond it,
        "Berikutnya / Sebelumnya / Terakhir" by cursor (`after`, `before`, `last`), which cost
        the same at any depth."""
        paginator = self.get_paginator(queryset, page_size)
        search = getattr(self.filterset.form, "cleaned_data", {}).get("q")
        if search and search_is_plain(search):
            # A search tests every row it counts. From three times the cap on, the planner's
            # estimate decides "more than 10.000" (CappedPaginator.estimate_from): at 1M reports
            # it is close for common words and at most a few thousand for one it has no
            # statistics on; "or" adds such guesses up, so those searches are counted.
            paginator.estimate_from = 3 * paginator.cap
        paginator.known_total = self.tallied_total()
        params = self.request.GET
        cursor = {"after": params.get("after", ""), "before": params.get("before", "")}
        if paginator.capped:
            page = paginator.keyset_page(**cursor, last="last" in params)
        else:
            page = paginator.get_page(params.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    # Filters both report tallies (IncidentTally, IncidentAuthorTally) are kept by: with only
    # these set, the number of matching reports is read from them, exact at any size, instead
    # of counted.
    TALLIED_FILTERS = {"kecamatan", "status", "risk_level"}

    def tallied_total(self) -> int | None:
        """How many reports the list shows, from the tallies when only tallied filters are set
        (exact where the count would stop at the cap and say "more than 10.000"); else None,
        and the list counts."""
        form = self.filterset.form
        if form.is_bound and not form.is_valid():
            return None
        data = form.cleaned_data if form.is_bound else {}
        chosen = {name for name, value in data.items() if value not in (None, "", [])}
        if not chosen <= self.TALLIED_FILTERS | {"sort"}:
            return None
        return selectors.visible_total(
            self.request.user,
            statuses=data.get("status") or (),
            risk_levels=data.get("risk_level") or (),
            kecamatan=data.get("kecamatan"),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        for name in ("page", "after", "before", "last"):
            query.pop(name, None)
        context.update(
            rows=list_markup([ListRow.of(incident) for incident in context["incidents"]]),
            filter=self.filterset,
            filter_fields=self.filterset.bound_fields(IncidentFilter.LIST_FIELDS),
            querystring=query.urlencode(),
            can_report=self.request.user.has_perm("incidents.report_incident"),
            active_filters=self.active_filter_count(),
            page_title=self.page_title(),
        )
        return context

    def active_filter_count(self) -> int:
        """How many filters are set, shown on the (phone) filter toggle; sorting is no filter."""
        names = set(self.filterset.filters) - {"sort"}
        return sum(1 for name in names if any(v.strip() for v in self.request.GET.getlist(name)))

    def page_title(self) -> str:
        """The secretariat's verification queue (the dashboard's "diajukan" link) and a user's
        own reports get their own title; any other filtering is still "Laporan konflik"."""
        set_filters = {
            name
            for name in set(self.filterset.filters) - {"sort"}
            if any(v.strip() for v in self.request.GET.getlist(name))
        }
        if set_filters == {"status"} and self.request.GET.getlist("status") == [Status.DIAJUKAN]:
            return _("Antrean verifikasi")
        if set_filters == {"mine"} and self.request.GET.get("mine") == "true":
            return _("Laporan saya")
        return _("Laporan konflik")


class IncidentExportView(LoginRequiredMixin, View):
    """The filtered rows of the list, as CSV or Excel."""

    def get(self, request, fmt):
        base = visible_incidents(request.user)
        filterset = IncidentFilter(request.GET or None, queryset=base, request=request)
        if filterset.is_bound and not filterset.is_valid():
            # The list shows the rest with the faulty filter marked; a file would leave the
            # portal holding more reports than asked for, with nothing to say so.
            messages.error(
                request,
                _("Ekspor tidak dibuat: perbaiki dulu isian saringan yang ditandai merah."),
            )
            return redirect(f"{reverse('incidents:list')}?{request.GET.urlencode()}")
        queryset = filterset.qs
        filename = f"laporan-pks-{timezone.localdate():%Y%m%d}"
        # Reports name people: who exported what is kept (UU 27/2022).
        log_action(
            actor=request.user,
            action="incidents.export",
            format=fmt,
            filters=request.GET.urlencode()[:2000],
            ip=get_client_ip_address(request),
        )
        if fmt == "csv":
            return exports.csv_response(queryset, filename)
        if fmt == "csv_semicolon":
            return exports.csv_response(queryset, filename, delimiter=";")
        return exports.xlsx_response(queryset, filename)


class DesaOptionsView(LoginRequiredMixin, View):
    """`<option>`s of the desa of one kecamatan, for the intake form and, with `saringan=1`, for
    the report list's filter (htmx): there "Semua" first and the desa by name, as the filter
    draws them when the page loads."""

    def get(self, request):
        kecamatan_id = parse_id(request.GET.get("kecamatan"))
        desa = Region.objects.visible_to(request.user).desa()
        desa = desa.filter(parent_id=kecamatan_id) if kecamatan_id else desa.none()
        context = {"desa_list": desa, "for_filter": "saringan" in request.GET}
        return render(request, "incidents/_desa_options.html", context)


class IncidentFormMixin:
    """The report form with its parties formset; shared by create and edit."""

    model = Incident
    form_class = IncidentForm
    template_name = "incidents/incident_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("parties", self.get_parties())
        return context

    def get_parties(self, data=None):
        return PartyFormSet(
            data, instance=self.object if self.object else Incident(), prefix="parties"
        )

    def post(self, request, *args, **kwargs):
        self.object = self.get_object() if self.kwargs.get("pk") else None
        form = self.get_form()
        self.party_data, self.vanished_parties = self.parties_sent(request.POST)
        parties = self.get_parties(self.party_data)
        if not (form.is_valid() and parties.is_valid()):
            return self.invalid(form, parties)
        try:
            return self.save(form, parties)
        except ValidationError as error:
            form.add_error(None, error)
            return self.invalid(form, parties)

    def parties_sent(self, data):
        """The parties as sent, and the names of those deleted meanwhile (by a colleague's save
        of this report): such a party comes back as a new one, after the existing ones. The
        formset refused the id of a row no longer there with no visible message, on every
        resend; now the save meets the newer version, the page says what changed, and the
        person decides whether the party stays."""
        if self.object is None:
            return data, []
        prefix = "parties"
        initial = min(parse_id(data.get(f"{prefix}-INITIAL_FORMS")) or 0, 1000)
        total = min(parse_id(data.get(f"{prefix}-TOTAL_FORMS")) or 0, 1000)
        ids = {i: parse_id(data.get(f"{prefix}-{i}-id")) for i in range(initial)}
        existing = set(Party.objects.filter(pk__in=ids.values()).values_list("pk", flat=True))
        gone = [i for i, pk in ids.items() if pk is not None and pk not in existing]
        if not gone:
            return data, []
        kept = [i for i in range(initial) if i not in gone]
        order = kept + gone + list(range(initial, max(total, initial)))
        rewritten = data.copy()
        fields = {}  # form index: [(field name, values)]
        for key in data:
            _prefix, _sep, rest = key.partition("-")
            index, _sep, name = rest.partition("-")
            if _prefix == prefix and name and index.isascii() and index.isdigit():
                del rewritten[key]
                fields.setdefault(int(index), []).append((name, data.getlist(key)))
        for new, old in enumerate(order):
            for name, values in fields.get(old, []):
                if not (old in gone and name == "id"):
                    rewritten.setlist(f"{prefix}-{new}-{name}", values)
        rewritten[f"{prefix}-INITIAL_FORMS"] = str(len(kept))
        rewritten[f"{prefix}-TOTAL_FORMS"] = str(len(order))
        return rewritten, [data.get(f"{prefix}-{i}-name", "") for i in gone]

    def invalid(self, form, parties, **extra):
        messages.error(self.request, _("Laporan belum tersimpan. Periksa isian yang ditandai."))
        return self.render_to_response(
            self.get_context_data(form=form, parties=parties, **extra), status=400
        )

    @staticmethod
    def party_instances(parties):
        saved = [
            f.save(commit=False)
            for f in parties.forms
            if f.has_changed() and not parties._should_delete_form(f)
        ]
        deleted = [f.instance for f in parties.deleted_forms if f.instance.pk]
        return saved, deleted


class IncidentCreateView(SubmitOnceMixin, PermissionRequiredMixin, IncidentFormMixin, CreateView):
    permission_required = "incidents.report_incident"

    def get_initial(self):
        return {"occurred_at": timezone.localtime().replace(second=0, microsecond=0)}

    def save(self, form, parties):
        saved, _deleted = self.party_instances(parties)

        def create():
            incident = services.incident_create(
                incident=form.instance,
                parties=saved,
                files=form.cleaned_data["files"],
                by=self.request.user,
                submit="submit" in self.request.POST,
            )
            return incident, incident.get_absolute_url()

        try:
            incident = self.submit_once(create)
        except AlreadySubmitted as done:
            return self.already_submitted(done, reverse("incidents:list"))
        if incident.status == Status.DIAJUKAN:
            messages.success(
                self.request,
                _("Laporan %(ref)s diajukan untuk diverifikasi.") % {"ref": incident.reference},
            )
        else:
            messages.success(
                self.request, _("Draf laporan %(ref)s tersimpan.") % {"ref": incident.reference}
            )
        return redirect(incident)


class QuickReportView(SubmitOnceMixin, PermissionRequiredMixin, CreateView):
    """ "Lapor cepat": one phone screen, submitted at once and marked as needing completion."""

    permission_required = "incidents.report_incident"
    model = Incident
    form_class = QuickReportForm
    template_name = "incidents/quick_report_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        def create():
            incident = services.incident_quick_report(
                incident=form.instance,
                occurred_on=form.cleaned_data["occurred_at"],
                files=form.cleaned_data["files"],
                by=self.request.user,
            )
            return incident, incident.get_absolute_url()

        try:
            incident = self.submit_once(create)
        except AlreadySubmitted as done:
            return self.already_submitted(done, reverse("incidents:list"))
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _(
                "Laporan cepat %(ref)s terkirim ke sekretariat. Lengkapi klasifikasi, penilaian "
                "risiko, dan pihak yang terlibat bila sempat."
            )
            % {"ref": incident.reference},
        )
        if form.location_dropped:
            messages.warning(
                self.request,
                _(
                    "Lokasi dari perangkat Anda berada di luar %(region)s, jadi tidak disimpan. "
                    "Isi koordinat tempat kejadian saat melengkapi laporan."
                )
                % {"region": regency_title()},
            )
        return redirect(incident)

    def form_invalid(self, form):
        messages.error(self.request, _("Laporan belum terkirim. Periksa isian yang ditandai."))
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class IncidentUpdateView(SubmitOnceMixin, LoginRequiredMixin, IncidentFormMixin, UpdateView):
    """Editing a report; a double tap saves it once (SubmitOnceMixin): the second tap was told
    that someone else had changed the report meanwhile, listing the person's own change."""

    def get_queryset(self):
        return visible_incidents(self.request.user)

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        # The form shows the parties' names and addresses: an access to personal data, kept as
        # the report page keeps it (the parties' data-subject reports list it).
        log_action(
            actor=request.user,
            action="incidents.identities.view",
            obj=self.object,
            ip=get_client_ip_address(request),
            contacts=[],
        )
        return response

    def get_object(self, queryset=None):
        incident = super().get_object(queryset)
        user = self.request.user
        if self.request.method == "POST" and user.has_perm("incidents.maintain_incident", incident):
            # The status may have moved on while this person was typing: the save is then
            # refused with a message next to what they typed (see save()), not a bare 403.
            return incident
        if not user.has_perm("incidents.edit_incident", incident):
            raise PermissionDenied(edit_refusal(user, incident))
        return incident

    def save(self, form, parties):
        saved, deleted = self.party_instances(parties)
        expected = form.cleaned_data.get("version") or 0
        url = form.instance.get_absolute_url()

        def update():
            updated = services.incident_update(
                incident=form.instance,
                expected_version=expected,
                by=self.request.user,
                parties=saved,
                deleted_parties=deleted,
                files=form.cleaned_data["files"],
            )
            return updated, url

        try:
            incident = self.submit_once(update)
        except AlreadySubmitted as done:
            return self.already_submitted(done, url)
        except PermissionDenied:
            current = Incident.objects.get(pk=form.instance.pk)
            form.add_error(
                None,
                _(
                    "Laporan ini tidak dapat Anda ubah lagi karena statusnya kini %(status)s. "
                    "Isian Anda di bawah belum disimpan."
                )
                % {"status": current.get_status_display()},
            )
            return self.invalid(form, self.get_parties(self.party_data))
        except services.StaleEdit as stale:
            # Nothing was written. Keep what this user typed, show what changed meanwhile, and
            # let them save again knowingly on top of the newer version.
            data = self.request.POST.copy()
            data["version"] = Incident.objects.get(pk=form.instance.pk).version
            form = self.get_form_class()(
                data, self.request.FILES, instance=self.get_object(), user=self.request.user
            )
            form.is_valid()
            stale.changes += [(_("pihak"), name, _("dihapus")) for name in self.vanished_parties]
            return self.invalid(form, self.get_parties(self.party_data), stale=stale)
        messages.success(
            self.request, _("Perubahan laporan %(ref)s tersimpan.") % {"ref": incident.reference}
        )
        return redirect(incident)


class IncidentDetailView(LoginRequiredMixin, DetailView):
    template_name = "incidents/incident_detail.html"
    context_object_name = "incident"

    def get_queryset(self):
        return visible_incidents(self.request.user).select_related(
            "kecamatan", "desa", "reported_by", "conflict_status"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        incident, user = self.object, self.request.user
        context.update(
            parties=incident.parties.all(),
            timeline=selectors.incident_timeline(incident),
            # Contacts are personal data: only those this user may see (UU 27/2022).
            steps=incident.steps.select_related("created_by").prefetch_related(
                "agencies",
                "evidence",
                Prefetch("contacts", queryset=Contact.objects.visible_to(user)),
            ),
            evidence=incident.evidence.filter(step__isnull=True),
            actions=services.actions_available(incident, user),
            can_edit=user.has_perm("incidents.edit_incident", incident),
            can_add_step=user.has_perm("incidents.add_step", incident),
            resolution_form=TransitionForm(),
            typed=typed_action(self.request, incident),
        )
        if user.has_perm("incidents.view_history", incident):
            context["history"] = incident_history(incident)
        # The page names the parties and the contacts of the steps: personal data, so who saw
        # them, when and from where is kept (UU 27/2022); the contacts' data-subject reports
        # find this entry by their ids.
        shown_contacts = sorted({c.pk for step in context["steps"] for c in step.contacts.all()})
        log_action(
            actor=user,
            action="incidents.identities.view",
            obj=incident,
            ip=get_client_ip_address(self.request),
            contacts=shown_contacts,
        )
        return context


HISTORY_HIDDEN_FIELDS = {"version", "updated_at", "id"}
HISTORY_LABELS = {
    "insert": gettext_lazy("dibuat"),
    "update": gettext_lazy("diubah"),
    "delete": gettext_lazy("dihapus"),
}


def incident_history(incident):
    """Trigger-recorded changes of the report and its parties, steps and evidence, newest
    first, each with the acting user (from the history context) and a readable label."""
    events = list(Events.objects.references(incident).order_by("-pgh_created_at", "-pgh_id")[:200])
    # On the aggregated Events rows, pgh_context is the context's metadata itself (a dict).
    user_ids = {(e.pgh_context or {}).get("user") for e in events}
    actors = User.objects.in_bulk([pk for pk in user_ids if pk])
    names = {}  # related objects' names, looked up once each
    for event in events:
        event.actor = actors.get((event.pgh_context or {}).get("user"))
        event.action_label = HISTORY_LABELS.get(event.pgh_label, event.pgh_label)
        model = apps.get_model(event.pgh_obj_model)
        event.object_label = model._meta.verbose_name
        event.changes = list(_readable_diff(model, event.pgh_diff or {}, names))
    return events


def _readable_diff(model, diff, names):
    for name, (old, new) in diff.items():
        if name in HISTORY_HIDDEN_FIELDS:
            continue
        try:
            field = model._meta.get_field(name.removesuffix("_id"))
        except FieldDoesNotExist:
            continue
        yield (
            field.verbose_name,
            services.field_display(field, old, names),
            services.field_display(field, new, names),
        )


class IncidentTransitionView(LoginRequiredMixin, View):
    def post(self, request, pk):
        incident = get_object_or_404(visible_incidents(request.user), pk=pk)
        form = TransitionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Permintaan tidak valid."))
            return redirect(incident)
        data = form.cleaned_data
        rule = services.ACTIONS.get(data["action"])
        needs_confirmation = rule is not None and rule.needs_confirmation
        if (
            needs_confirmation
            and not data["confirm"]
            and request.user.has_perm(rule.perm, incident)
        ):
            messages.error(
                request,
                _("Centang pernyataan konfirmasi dulu: tindakan ini tidak dapat dibatalkan."),
            )
            keep_typed_action(request, incident, data)
            return redirect(incident)
        try:
            incident = services.incident_transition(
                incident=incident,
                by=request.user,
                action=data["action"],
                note=data["note"],
                resolution=data["resolution"],
                expected_version=data["version"],
            )
        except services.AlreadyDone:
            incident.refresh_from_db(fields=["status"])
            messages.info(
                request,
                _(
                    "Tindakan ini sudah tercatat dan tidak dicatat dua kali. Status laporan kini: "
                    "%(status)s."
                )
                % {"status": incident.get_status_display()},
            )
            return redirect(incident)
        except PermissionDenied as refusal:
            messages.error(request, str(refusal) or _("Anda tidak berwenang."))
            keep_typed_action(request, incident, data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            keep_typed_action(request, incident, data)
        else:
            messages.success(
                request,
                _("Status laporan kini: %(status)s.") % {"status": incident.get_status_display()},
            )
        return redirect(incident)


TYPED_ACTION_KEY = "incidents.typed_action"


def keep_typed_action(request, incident, data) -> None:
    """A refused action (the report changed meanwhile, the confirmation not ticked) goes back
    to the report page: what was typed for it (a rejection's reason, a resolution) is kept for
    that page, not lost with the redirect."""
    if data.get("note") or data.get("resolution"):
        request.session[TYPED_ACTION_KEY] = {
            "incident": incident.pk,
            "action": data["action"],
            "note": data.get("note") or "",
            "resolution": data.get("resolution") or "",
        }


def typed_action(request, incident) -> dict | None:
    # Taken by this report's page only: another report opened in between leaves it.
    typed = request.session.get(TYPED_ACTION_KEY)
    if isinstance(typed, dict) and typed.get("incident") == incident.pk:
        del request.session[TYPED_ACTION_KEY]
        return typed
    return None


class StepCreateView(SubmitOnceMixin, LoginRequiredMixin, CreateView):
    """A handling step; a double tap on "Simpan" adds it once (SubmitOnceMixin)."""

    form_class = HandlingStepForm
    template_name = "incidents/step_form.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.incident = get_object_or_404(visible_incidents(request.user), pk=kwargs["pk"])
        # A report closed while the form was being filled: its status refuses, not the role.
        # The form comes back with what was typed and says so (form_invalid).
        closed_meanwhile = request.method == "POST" and self.allowed_in_handling()
        if not request.user.has_perm("incidents.add_step", self.incident) and not closed_meanwhile:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def allowed_in_handling(self) -> bool:
        """Whether this user may add steps to this report while it is being handled."""
        probe = copy.copy(self.incident)
        probe.status = Status.DITANGANI
        return self.request.user.has_perm("incidents.add_step", probe)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "incident": self.incident}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "incident": self.incident}

    def form_valid(self, form):
        url = self.incident.get_absolute_url()

        def add():
            step = services.step_add(
                incident=self.incident,
                step=form.instance,
                agencies=form.cleaned_data["agencies"],
                contacts=form.cleaned_data["contacts"],
                files=form.cleaned_data["files"],
                by=self.request.user,
            )
            return step, url

        try:
            self.submit_once(add)
        except AlreadySubmitted as done:
            return self.already_submitted(done, url)
        except PermissionDenied:
            self.incident.refresh_from_db()  # closed meanwhile
            return self.form_invalid(form)
        messages.success(self.request, _("Tindak lanjut tersimpan."))
        return HttpResponseRedirect(url)

    def form_invalid(self, form):
        if not self.request.user.has_perm("incidents.add_step", self.incident):
            form.add_error(
                None,
                _(
                    "Laporan ini kini berstatus %(status)s: tindak lanjut tidak dapat ditambahkan "
                    "lagi. Isian Anda di bawah belum disimpan."
                )
                % {"status": self.incident.get_status_display()},
            )
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class EvidenceDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk):
        evidence = get_object_or_404(
            Evidence.objects.filter(incident__in=visible_incidents(request.user)), pk=pk
        )
        return serve_evidence(evidence)


# --- Status Keadaan Konflik --------------------------------------------------------------------


class ConflictStatusListView(LoginRequiredMixin, PerPageMixin, ListView):
    template_name = "incidents/conflictstatus_list.html"
    context_object_name = "statuses"

    def get_queryset(self):
        return ConflictStatus.objects.visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_manage"] = self.request.user.has_perm("incidents.manage_conflict_status")
        return context


class ChangedMeanwhile(Exception):
    """Nothing was saved: the form says what a colleague changed (refused_as_changed_meanwhile)."""


class ConflictStatusFormMixin(SubmitOnceMixin, RecheckAfterClashMixin, PermissionRequiredMixin):
    """A decree saved once per rendered form (SubmitOnceMixin): the second tap of a double tap
    was refused next to the number, "Nomor keputusan ini sudah tercatat", by the first tap.
    Without a token (a script), two at once still end in that refusal, not a 500."""

    permission_required = "incidents.manage_conflict_status"
    model = ConflictStatus
    form_class = ConflictStatusForm
    template_name = "incidents/conflictstatus_form.html"

    def get_queryset(self):
        return ConflictStatus.objects.visible_to(self.request.user)

    def form_valid(self, form):
        url = reverse("incidents:conflict_status_list")

        def save():
            # Keep what this user typed, say what changed meanwhile; sent again from this page,
            # it saves knowingly over the newer version.
            if form.instance.pk and form.refused_as_changed_meanwhile(
                ConflictStatus.objects.select_for_update().get(pk=form.instance.pk),
                _(
                    "Keputusan ini diubah orang lain sejak Anda membukanya: %(changes)s. Isian "
                    "Anda di bawah belum disimpan; periksa, lalu simpan lagi untuk menimpanya."
                ),
            ):
                raise ChangedMeanwhile
            self.object = form.save()
            return self.object, url

        try:
            self.submit_once(save)
        except AlreadySubmitted as done:
            return self.already_submitted(done, url)
        except ChangedMeanwhile:
            return self.form_invalid(form)
        messages.success(self.request, _("Status keadaan konflik tersimpan."))
        return redirect(url)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class ConflictStatusCreateView(ConflictStatusFormMixin, CreateView):
    pass


class ConflictStatusUpdateView(ConflictStatusFormMixin, UpdateView):
    pass
