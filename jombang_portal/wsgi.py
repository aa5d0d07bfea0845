"""WSGI entry point for production servers (e.g. gunicorn jombang_portal.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jombang_portal.settings")

application = get_wsgi_application()
