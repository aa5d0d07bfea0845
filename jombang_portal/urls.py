"""Top-level URLs. Each app brings its own namespaced urls.py."""

from django.contrib import admin
from django.urls import include, path

from core.views import health, picker_search

urlpatterns = [
    path("", include("dashboard.urls")),
    path("akun/", include("accounts.urls")),
    path("laporan/", include("incidents.urls")),
    path("rat/", include("action_plans.urls")),
    path("evaluasi/", include("evaluations.urls")),
    path("laporan-resmi/", include("reports.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("kesehatan/", health, name="health"),
    path("pilihan/<slug:name>/", picker_search, name="picker"),
]
