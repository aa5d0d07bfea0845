from django.urls import path

from dashboard import views

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("titik-rawan/", views.HotspotView.as_view(), name="hotspots"),
    path("peta/", views.MapView.as_view(), name="map"),
    path("peta/data.json", views.MapDataView.as_view(), name="map_data"),
    path("peta/wilayah.json", views.MapAreasView.as_view(), name="map_areas"),
    path("notifikasi/", views.NotificationListView.as_view(), name="notifications"),
    path("notifikasi/jumlah/", views.NotificationBellView.as_view(), name="notification_bell"),
]
