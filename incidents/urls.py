from django.urls import path

from incidents import subject_views, views

app_name = "incidents"

urlpatterns = [
    path("", views.IncidentListView.as_view(), name="list"),
    path("ekspor.csv", views.IncidentExportView.as_view(), {"fmt": "csv"}, name="export_csv"),
    # `;`-separated, decimal commas, DD/MM/YYYY: for Excel set to Indonesian.
    path(
        "ekspor-excel-id.csv",
        views.IncidentExportView.as_view(),
        {"fmt": "csv_semicolon"},
        name="export_csv_semicolon",
    ),
    path("ekspor.xlsx", views.IncidentExportView.as_view(), {"fmt": "xlsx"}, name="export_xlsx"),
    path("baru/", views.IncidentCreateView.as_view(), name="create"),
    # Data-subject requests about a party named in reports (administrators).
    path(
        "data-subjek/pihak/",
        subject_views.PartySubjectReportView.as_view(),
        name="party_subject_report",
    ),
    path(
        "data-subjek/pihak/anonimkan/",
        subject_views.PartyAnonymiseView.as_view(),
        name="party_anonymise",
    ),
    path(
        "data-subjek/pihak/samarkan-teks/",
        subject_views.PartyTextRedactView.as_view(),
        name="party_text_redact",
    ),
    path("lapor-cepat/", views.QuickReportView.as_view(), name="quick_report"),
    path("pilihan-desa/", views.DesaOptionsView.as_view(), name="desa_options"),
    path("<int:pk>/", views.IncidentDetailView.as_view(), name="detail"),
    path("<int:pk>/ubah/", views.IncidentUpdateView.as_view(), name="update"),
    path("<int:pk>/status/", views.IncidentTransitionView.as_view(), name="transition"),
    path("<int:pk>/tindak-lanjut/", views.StepCreateView.as_view(), name="step_create"),
    path("bukti/<int:pk>/", views.EvidenceDownloadView.as_view(), name="evidence"),
    path(
        "status-keadaan-konflik/",
        views.ConflictStatusListView.as_view(),
        name="conflict_status_list",
    ),
    path(
        "status-keadaan-konflik/baru/",
        views.ConflictStatusCreateView.as_view(),
        name="conflict_status_create",
    ),
    path(
        "status-keadaan-konflik/<int:pk>/ubah/",
        views.ConflictStatusUpdateView.as_view(),
        name="conflict_status_update",
    ),
]
