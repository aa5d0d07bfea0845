from django.urls import path

from evaluations import views

app_name = "evaluations"

# `scope` is a period code (B04, B08, B12 ...) or "tahun" for the whole year.
urlpatterns = [
    path("", views.IndexView.as_view(), name="index"),
    path("bukti/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence"),
    path("<int:year>/kesiapan/", views.ReadinessView.as_view(), name="readiness"),
    path("<int:year>/bobot/", views.FrameworkView.as_view(), name="framework"),
    path("<int:year>/<str:scope>/", views.EvaluationView.as_view(), name="detail"),
    path(
        "<int:year>/<str:scope>/rincian/<str:code>/",
        views.DrilldownView.as_view(),
        name="drilldown",
    ),
    path(
        "<int:year>/<str:scope>/nilai/<str:code>/",
        views.ManualScoreView.as_view(),
        name="manual_score",
    ),
    path("<int:year>/<str:scope>/final/", views.FinaliseView.as_view(), name="finalise"),
    path("<int:year>/<str:scope>/hitung-ulang/", views.RefreshView.as_view(), name="refresh"),
    path(
        "<int:year>/<str:scope>/hasil-provinsi/",
        views.ProvinceResultView.as_view(),
        name="province_result",
    ),
]
