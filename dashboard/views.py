"""The dashboard every role lands on, the hotspots, the map and the notifications. Each composes
the figures the apps below offer in their selectors.py; which panels a user gets is decided by
the permissions in dashboard/rules.py."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db.models import Count
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView, TemplateView

from action_plans.selectors import FIND, operator_due, period_due_now, plan_summary
from core.mixins import PerPageMixin
from core.utils import parse_id
from dashboard import hotspots as hotspot_rules
from dashboard import services
from dashboard.models import Notification, NotificationPreference
from directory.selectors import (
    directory_summary,
    kecamatan_outlines,
    region_centres,
    region_places,
)
from incidents.choices import RiskLevel, Status
from incidents.filters import IncidentFilter
from incidents.models import Incident
from incidents.selectors import (
    OPEN_STATUSES,
    awaiting_first_step,
    conflict_status_in_force,
    dialogues,
    events_year_on_year,
    incident_summary,
    list_query,
    my_reports,
    open_by_risk_and_status,
    verification_queue,
    visible_by_kecamatan,
)
from reports.selectors import latest_issued

HOTSPOTS_ON_DASHBOARD = 5


def risk_matrix(user) -> dict:
    """Open reports by risk level (rows) and status (columns), each cell with its list query."""
    counts = open_by_risk_and_status(user)
    levels = [(level, label) for level, label in reversed(RiskLevel.choices)]
    statuses = [(status, Status(status).label) for status in OPEN_STATUSES]
    rows = []
    for level, label in levels:
        cells = [
            (counts.get((level, status), 0), list_query(status=status, risk_level=level))
            for status, _label in statuses
        ]
        total = sum(n for n, _q in cells)
        rows.append((label, cells, total, list_query(status=list(OPEN_STATUSES), risk_level=level)))
    totals = [
        (sum(n for (_level, s), n in counts.items() if s == status), list_query(status=status))
        for status, _label in statuses
    ]
    # Every open report, assessed or not: the bottom-right corner of the table.
    total = (sum(n for n, _q in totals), list_query(status=list(OPEN_STATUSES)))
    return {"statuses": statuses, "rows": rows, "totals": totals, "total": total}


class DashboardView(LoginRequiredMixin, TemplateView):
    template_name = "dashboard/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        context["today"] = today
        if user.has_perm("dashboard.view_admin_panel"):
            context["summary"] = directory_summary(user)
        plan = plan_summary(user, today.year)
        context["plan_summary"] = plan
        context["issued_reports"] = latest_issued(user)
        if user.has_perm("dashboard.view_leadership_panel"):
            ranked = hotspot_rules.hotspots(user, today, with_trend=False)
            context["situation"] = {
                "risk": risk_matrix(user),
                "events": events_year_on_year(user, today),
                "hotspots": ranked[:HOTSPOTS_ON_DASHBOARD],
                "conflict_status": conflict_status_in_force(today),
                "dialogues": dialogues(user, today.year),
            }
        # The period due now, for the secretariat's and the agency's panels (read once).
        period = FIND
        if user.has_perm("dashboard.view_secretariat_panel"):
            context["incident_summary"] = incident_summary(user)
            first_step = awaiting_first_step(user)
            period = period_due_now(user, today)
            context["work"] = {
                # How many wait is the card's incident_summary["submitted"]: one count.
                "queue": verification_queue(user),
                "first_step_count": first_step[0],
                "first_step": first_step[1],
                "first_step_query": first_step[2],
                "period": period,
                "days_left": (period.due_date - today).days if period else None,
            }
        if user.has_perm("dashboard.view_field_panel"):
            context["own"] = my_reports(user)
        if user.has_perm("dashboard.view_agency_tasks"):
            context["agency_tasks"] = operator_due(user, today, period=period)
        return context


class HotspotView(PermissionRequiredMixin, TemplateView):
    permission_required = "dashboard.view_hotspots"
    template_name = "dashboard/hotspots.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        ranked = hotspot_rules.hotspots(self.request.user, today)
        weights = hotspot_rules.weights()
        context.update(
            hotspots=ranked,
            overall=hotspot_rules.overall_trend(ranked, today),
            parts=[(name, label, weights[name]) for name, label in hotspot_rules.PARTS],
            alert_score=settings.HOTSPOT_ALERT_SCORE,
            today=today,
        )
        return context


def _map_filter(request):
    return IncidentFilter(
        request.GET or None, queryset=Incident.objects.visible_to(request.user), request=request
    )


class MapView(PermissionRequiredMixin, TemplateView):
    permission_required = "dashboard.view_map"
    template_name = "dashboard/map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        filterset = _map_filter(self.request)
        context.update(
            filter=filterset,
            filter_fields=filterset.bound_fields(IncidentFilter.MAP_FIELDS),
            querystring=query.urlencode(),
            tile_url=settings.MAP_TILE_URL,
            tile_attribution=settings.MAP_TILE_ATTRIBUTION or _("© kontributor OpenStreetMap"),
            alert_score=settings.HOTSPOT_ALERT_SCORE,
        )
        return context


# Filters the report tally can answer (per kecamatan, status, risk level) without reading the
# reports: with only these, the map knows how many reports match before fetching any.
TALLY_FILTERS = {"kecamatan", "status", "risk_level"}


class MapDataView(PermissionRequiredMixin, View):
    """The map's markers as JSON: the list's filters over what the user may see (visible_to),
    so a restricted report never reaches someone who may not open it, not even as a dot.

    Up to MAP_MAX_MARKERS reports come as one marker each. Beyond that they come as counts per
    kecamatan (`aggregated`), placed at the kecamatan's centre: from the report tally when the
    filters allow (a few hundred rows, however many reports), otherwise grouped in SQL. The
    counts are of visible reports only, each equal to what the list shows for that kecamatan
    with the same filters, so they reveal no report the user may not open."""

    permission_required = "dashboard.view_map"

    def get(self, request):
        filterset = _map_filter(request)
        if filterset.is_bound and not filterset.is_valid():
            return JsonResponse({"error": _("Filter tidak valid."), "features": []}, status=400)
        limit = settings.MAP_MAX_MARKERS
        data = filterset.form.cleaned_data if filterset.is_bound else {}
        active = {name for name, value in data.items() if value not in (None, "", [])}
        if active <= TALLY_FILTERS:
            counts = visible_by_kecamatan(
                request.user,
                statuses=data.get("status") or (),
                risk_levels=data.get("risk_level") or (),
                kecamatan=data.get("kecamatan"),
            )
            if sum(counts.values()) > limit:
                return self.aggregated(request, counts, limit)
        rows = list(
            filterset.qs.order_by("-occurred_at", "-pk").values(
                "pk",
                "reference",
                "title",
                "kind",
                "status",
                "risk_level",
                "latitude",
                "longitude",
                "location_precision",
                "kecamatan_id",
                "kecamatan__name",
                "desa_id",
            )[: limit + 1]
        )
        if len(rows) > limit:
            counts = dict(
                filterset.qs.order_by().values_list("kecamatan_id").annotate(n=Count("pk"))
            )
            return self.aggregated(request, counts, limit)
        return JsonResponse(self.markers(request, rows))

    def markers(self, request, rows) -> dict:
        # Reports without coordinates sit at their desa's reference centre, else their
        # kecamatan's (one query for all of them), and are marked as approximate.
        unlocated = [r for r in rows if r["latitude"] is None]
        centres = region_centres(
            request.user,
            {r["desa_id"] for r in unlocated if r["desa_id"]}
            | {r["kecamatan_id"] for r in unlocated},
        )
        features, unplaced = [], 0
        statuses = {value: str(label) for value, label in Status.choices}
        risks = {value: str(label) for value, label in RiskLevel.choices}
        # One URL reversed, the rest by substitution: thousands of reverse() calls add up.
        detail_url = reverse("incidents:detail", args=[0]).replace("/0/", "/{}/")
        for row in rows:
            placed = "tepat"
            if row["latitude"] is not None:
                point = (float(row["latitude"]), float(row["longitude"]))
            elif row["desa_id"] in centres:
                point, placed = centres[row["desa_id"]], "desa"
            elif row["kecamatan_id"] in centres:
                point, placed = centres[row["kecamatan_id"]], "kecamatan"
            else:
                unplaced += 1
                continue
            features.append(
                {
                    "id": row["pk"],
                    "lat": round(point[0], 6),
                    "lon": round(point[1], 6),
                    "placed": placed,
                    "reference": row["reference"],
                    "title": row["title"],
                    "kind": row["kind"],
                    "status": row["status"],
                    "status_label": statuses.get(row["status"], ""),
                    "risk": row["risk_level"] or "",
                    "risk_label": risks.get(row["risk_level"], ""),
                    "kecamatan": row["kecamatan__name"],
                    "url": detail_url.format(row["pk"]),
                }
            )
        return {"features": features, "unplaced": unplaced, "aggregated": False}

    def aggregated(self, request, counts: dict, limit: int) -> JsonResponse:
        """Counts per kecamatan at its centre, each linking to the list of those reports."""
        places = region_places(request.user, set(counts))
        query = request.GET.copy()
        query.pop("kecamatan", None)
        list_url = reverse("incidents:list")
        areas, unplaced = [], 0
        for kecamatan_id, count in sorted(counts.items(), key=lambda item: -item[1]):
            name, centre = places.get(kecamatan_id, ("", None))
            if centre is None:
                unplaced += count
                continue
            query["kecamatan"] = kecamatan_id
            areas.append(
                {
                    "id": kecamatan_id,
                    "name": name,
                    "lat": round(centre[0], 6),
                    "lon": round(centre[1], 6),
                    "count": count,
                    "url": f"{list_url}?{query.urlencode()}",
                }
            )
        return JsonResponse(
            {
                "features": [],
                "areas": areas,
                "aggregated": True,
                "total": sum(counts.values()),
                "unplaced": unplaced,
                "limit": limit,
            }
        )


class MapAreasView(PermissionRequiredMixin, View):
    """The kecamatan outlines as a GeoJSON FeatureCollection, each with its early-warning score
    and band, for shading. Empty when no outline is loaded (the map then shows markers only).
    Scores are computed over what the user may see, like the hotspot page."""

    permission_required = "dashboard.view_map"

    def get(self, request):
        outlines = kecamatan_outlines(request.user)
        if not outlines:
            return JsonResponse({"type": "FeatureCollection", "features": []})
        ranked = hotspot_rules.hotspots(request.user, timezone.localdate(), with_trend=False)
        scores = {h.kecamatan.pk: h.score for h in ranked}
        features = []
        for region in outlines:
            score = scores.get(region.pk, 0)
            features.append(
                {
                    "type": "Feature",
                    "geometry": region.boundary,
                    "properties": {
                        "id": region.pk,
                        "code": region.code,
                        "name": str(region.display_name),
                        "score": score,
                        # As the hotspot page prints it, in the reader's language ("12,5").
                        "score_label": floatformat(score, "-1"),
                        "band": hotspot_rules.band(score),
                        "url": reverse("incidents:list") + "?" + list_query(kecamatan=region.pk),
                    },
                }
            )
        return JsonResponse({"type": "FeatureCollection", "features": features})


class NotificationListView(PermissionRequiredMixin, PerPageMixin, ListView):
    permission_required = "dashboard.view_notifications"
    template_name = "dashboard/notifications.html"
    context_object_name = "notifications"

    def get_queryset(self):
        return Notification.objects.visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        preference = NotificationPreference.objects.filter(user=self.request.user).first()
        context["email_on"] = preference.email if preference else True
        return context

    def post(self, request):
        if "email" in request.POST:
            on = request.POST.get("email") == "on"
            services.preference_set(user=request.user, email=on)
            messages.success(
                request,
                _("Notifikasi email dinyalakan.") if on else _("Notifikasi email dimatikan."),
            )
        else:
            pk = parse_id(request.POST.get("notification"))
            services.notifications_mark_read(user=request.user, pk=pk)
            if pk is not None:
                target = Notification.objects.visible_to(request.user).filter(pk=pk).first()
                if target and target.url.startswith("/"):
                    return redirect(target.url)
        return redirect("notifications")


class NotificationBellView(LoginRequiredMixin, TemplateView):
    """The bell's unread count, loaded after the page (htmx) so no page pays for it."""

    template_name = "dashboard/_bell_count.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["unread"] = Notification.objects.visible_to(self.request.user).unread().count()
        return context
