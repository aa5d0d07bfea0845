"""The portal's URLs plus a stock Django admin changelist of the reports, the bench's baseline:
what Django gives out of the box for the same model, columns and filters."""

from django.contrib import admin
from django.urls import path

from incidents.models import Incident
from jombang_portal.urls import urlpatterns as portal_urlpatterns


class BaselineSite(admin.AdminSite):
    site_url = None

    def has_permission(self, request):
        return request.user.is_active


class BaselineIncidentAdmin(admin.ModelAdmin):
    list_display = ("reference", "title", "occurred_at", "kecamatan", "risk_level", "status")
    list_select_related = ("kecamatan",)
    list_filter = ("status", "kind", "kecamatan")
    search_fields = ("title",)

    def has_module_permission(self, request):
        return True

    def has_view_permission(self, request, obj=None):
        return True


baseline_site = BaselineSite(name="bench_baseline")
baseline_site.register(Incident, BaselineIncidentAdmin)

urlpatterns = [path("bench-baseline/", baseline_site.urls), *portal_urlpatterns]
