from django.urls import path, register_converter

from action_plans import views


class YearConverter:
    regex = "[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{value:04d}"


class PeriodCodeConverter:
    regex = "[A-Za-z0-9]{1,4}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(YearConverter, "year")
register_converter(PeriodCodeConverter, "period")

app_name = "action_plans"

urlpatterns = [
    path("", views.PlanListView.as_view(), name="plans"),
    path("baru/", views.PlanCreateView.as_view(), name="plan_create"),
    path("saya/", views.MyActivitiesView.as_view(), name="mine"),
    path(
        "realisasi/<int:pk>/kembalikan/",
        views.RealisationReturnView.as_view(),
        name="realisation_return",
    ),
    path(
        "realisasi/<int:pk>/bukti/",
        views.RealisationEvidenceView.as_view(),
        name="realisation_evidence",
    ),
    path(
        "kegiatan/<int:pk>/realisasi/<period:period>/",
        views.RealisationView.as_view(),
        name="realisation",
    ),
    path("bukti/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence"),
    path("<year:year>/", views.MatrixView.as_view(), name="matrix"),
    path("<year:year>/ringkasan/", views.OverviewView.as_view(), name="overview"),
    path("<year:year>/ekspor.xlsx", views.MatrixExportView.as_view(), name="export"),
    path("<year:year>/impor/", views.ImportView.as_view(), name="import"),
    path(
        "<year:year>/impor/templat.xlsx", views.ImportTemplateView.as_view(), name="import_template"
    ),
    path("<year:year>/periode/", views.PeriodsView.as_view(), name="periods"),
    path("<year:year>/kegiatan/baru/", views.ActivityFormView.as_view(), name="activity_create"),
    path("<year:year>/kegiatan/<int:pk>/", views.ActivityDetailView.as_view(), name="activity"),
    path(
        "<year:year>/kegiatan/<int:pk>/ubah/",
        views.ActivityFormView.as_view(),
        name="activity_update",
    ),
    path("<year:year>/<str:action>/", views.PlanActionView.as_view(), name="plan_action"),
]
