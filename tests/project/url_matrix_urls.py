"""The portal's URLconf plus one named URL nobody declared, for tests/project/test_url_matrix.py."""

from django.http import HttpResponse
from django.urls import include, path

from jombang_portal.urls import urlpatterns as portal_urlpatterns

probe = ([path("", lambda request: HttpResponse(), name="undeclared")], "probe")

urlpatterns = [*portal_urlpatterns, path("probe/", include(probe))]
