from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.ReportIndexView.as_view(), name="index"),
    path("kop/logo/", views.LogoView.as_view(), name="logo"),
    path("terbit/<int:pk>/unduh/", views.IssuedDownloadView.as_view(), name="download"),
    path("<int:year>/narasi/", views.NarrativeView.as_view(), name="narrative"),
    path("<int:year>/<slug:kind>/", views.PreviewView.as_view(), name="preview"),
    path("<int:year>/<slug:kind>/draf.pdf", views.DraftView.as_view(), name="draft"),
    path("<int:year>/<slug:kind>/terbitkan/", views.IssueView.as_view(), name="issue"),
]
