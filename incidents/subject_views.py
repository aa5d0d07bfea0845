"""Data-subject requests about a party named in reports (UU 27/2022): find every report that
names the person, show what is stored and every access, export it, anonymise it."""

import csv
import operator
import re
from functools import reduce

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from openpyxl import Workbook

from core import sheets
from core.mixins import PermissionRequiredMixin
from core.models import ActivityLog
from core.utils import parse_id, single_spaced, spreadsheet_safe
from incidents import services
from incidents.models import Evidence, HandlingStep, Incident, Party

MIN_QUERY = 3
MAX_PARTIES = 500
# What the log holds about the identities in these reports.
ACCESS_ACTIONS = ("incidents.identities.view", services.PARTY_ANONYMISE)


def mentioning(user, name: str):
    """Reports whose own text names the person as a whole word, now or in an earlier version
    (title, chronology, place, rejection reason, a handling step's account or result, an
    attached file's name): anonymising parties does not touch them; `party_text_redact` does."""
    word = re.escape(single_spaced(name)).replace(r"\ ", r"\s+")
    regex = rf"(^|[^[:alnum:]]){word}($|[^[:alnum:]])"

    def naming(fields) -> Q:
        return reduce(operator.or_, (Q(**{f"{field}__iregex": regex}) for field in fields))

    fields = services.REDACTED_FIELDS
    report_history = Incident.pgh_event_model.objects.filter(pgh_obj_id=OuterRef("pk"))
    owned = {"incident": OuterRef("pk")}
    found = (
        naming(fields[Incident])
        | Exists(report_history.filter(naming(fields[Incident])))
        | Exists(HandlingStep.objects.filter(naming(fields[HandlingStep]), **owned))
        | Exists(HandlingStep.pgh_event_model.objects.filter(naming(fields[HandlingStep]), **owned))
        | Exists(Evidence.objects.filter(naming(fields[Evidence]), **owned))
        | Exists(Evidence.pgh_event_model.objects.filter(naming(fields[Evidence]), **owned))
    )
    return (
        Incident.objects.for_subject_request(user)
        .filter(found)
        .only("pk", "reference", "title")
        .order_by("occurred_at", "pk")
    )


class PartySubjectReportView(PermissionRequiredMixin, View):
    permission_required = "incidents.party_subject_report"
    template_name = "incidents/party_subject_report.html"

    def get(self, request):
        name = request.GET.get("nama", "").strip()[:150]
        fmt = request.GET.get("format", "")
        context = {"name": name, "min_query": MIN_QUERY}
        if len(name) < MIN_QUERY:
            if name:
                context["error"] = _("Ketik paling sedikit %(count)s huruf nama.") % {
                    "count": MIN_QUERY
                }
            return render(request, self.template_name, context)
        parties = list(
            Party.objects.visible_to(request.user)
            .filter(name__icontains=name)
            .select_related("incident", "incident__kecamatan")
            .order_by("incident__occurred_at", "pk")[:MAX_PARTIES]
        )
        incident_ids = sorted({party.incident_id for party in parties})
        mentioned = list(mentioning(request.user, name)[:MAX_PARTIES])
        accesses = list(self.accesses(parties, incident_ids))
        services.party_subject_report_log(
            parties=parties, by=request.user, ip=get_client_ip_address(request), fmt=fmt or "html"
        )
        if fmt == "csv":
            response = self.csv(name, parties, mentioned, accesses)
        elif fmt == "xlsx":
            response = self.xlsx(name, parties, mentioned, accesses)
        else:
            query = urlencode({"nama": name})
            context.update(
                parties=parties,
                mentioned=mentioned,
                accesses=accesses,
                csv_url=f"?{query}&format=csv",
                xlsx_url=f"?{query}&format=xlsx",
            )
            response = render(request, self.template_name, context)
        add_never_cache_headers(response)
        return response

    @staticmethod
    def accesses(parties, incident_ids):
        earlier_reports = Q()
        for party in parties:
            earlier_reports |= Q(data__parties__contains=[party.pk])
        query = ActivityLog.objects.for_objects(Incident, incident_ids).filter(
            action__in=ACCESS_ACTIONS
        )
        if parties:
            query = query | ActivityLog.objects.filter(
                Q(action=services.PARTY_SUBJECT_REPORT) & earlier_reports
            )
        return query.select_related("actor").order_by("-at", "-pk")[:2000]

    @staticmethod
    def rows(parties, mentioned, accesses):
        yield [_("Data yang disimpan")]
        yield [_("Nomor laporan"), _("Nama pihak"), _("Jenis pihak"), _("Perkiraan jumlah")]
        for party in parties:
            yield [
                party.incident.reference,
                party.name,
                party.get_party_type_display(),
                "" if party.estimated_size is None else party.estimated_size,
            ]
        yield []
        yield [_("Disebut dalam teks laporan, tindak lanjut atau nama berkas")]
        for incident in mentioned:
            yield [incident.reference, incident.title]
        yield []
        yield [_("Waktu"), _("Pengguna"), _("Tindakan"), _("Data"), _("Alamat IP")]
        for entry in accesses:
            yield [
                date_format(timezone.localtime(entry.at), "DATETIME_FORMAT"),
                entry.actor.get_username() if entry.actor else "-",
                str(entry.action_label),
                entry.object_repr,
                entry.data.get("ip") or "",
            ]

    def csv(self, name, parties, mentioned, accesses):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="data-subjek-pihak.csv"'
        writer = csv.writer(response)
        for row in self.rows(parties, mentioned, accesses):
            writer.writerow([spreadsheet_safe(value) for value in row])
        return response

    def xlsx(self, name, parties, mentioned, accesses):
        book = Workbook()
        sheet = book.active
        sheet.title = _("Data subjek")
        for row in self.rows(parties, mentioned, accesses):
            sheet.append(sheets.cells(sheet, row))
        response = HttpResponse(
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = 'attachment; filename="data-subjek-pihak.xlsx"'
        book.save(response)
        return response


class PartyAnonymiseView(PermissionRequiredMixin, View):
    permission_required = "incidents.party_subject_report"

    def post(self, request):
        name = request.POST.get("nama", "").strip()[:150]
        back = reverse("incidents:party_subject_report") + "?" + urlencode({"nama": name})
        ids = [pk for pk in map(parse_id, request.POST.getlist("party")) if pk is not None]
        if request.POST.get("confirm") != "1" or not ids:
            messages.error(
                request, _("Pilih pihak dan centang konfirmasi dulu; tidak ada yang diubah.")
            )
            return redirect(back)
        parties = list(Party.objects.visible_to(request.user).filter(pk__in=ids))
        count = services.party_anonymise(
            parties=parties, by=request.user, ip=get_client_ip_address(request)
        )
        messages.success(
            request,
            _(
                "Nama %(count)s pihak sudah dihapus; jenis dan jumlahnya tetap tercatat. Periksa "
                "juga teks laporan yang menyebut nama itu."
            )
            % {"count": count},
        )
        return redirect(back)


class PartyTextRedactView(PermissionRequiredMixin, View):
    """The name, found in the reports' own text, replaced there by "[nama disamarkan]"."""

    permission_required = "incidents.party_subject_report"

    def post(self, request):
        name = request.POST.get("nama", "").strip()[:150]
        back = reverse("incidents:party_subject_report") + "?" + urlencode({"nama": name})
        if request.POST.get("confirm_text") != "1" or len(name) < MIN_QUERY or "\x00" in name:
            messages.error(request, _("Centang konfirmasi dulu; tidak ada yang diubah."))
            return redirect(back)
        count = services.party_text_redact(
            name=name,
            incidents=list(mentioning(request.user, name)[:MAX_PARTIES]),
            by=request.user,
            ip=get_client_ip_address(request),
        )
        messages.success(
            request,
            _(
                "Nama itu sudah disamarkan di %(count)s laporan, termasuk versi-versi "
                "sebelumnya di riwayat perubahan. Catatan di log kegiatan (misalnya alasan "
                "penolakan yang tercatat di riwayat status) tidak dapat diubah dan tetap seperti "
                "ditulis."
            )
            % {"count": count},
        )
        return redirect(back)
