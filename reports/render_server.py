"""Loaded once by the PDF forkserver (reports.rendering): Django's settings and apps (the
fetcher finds the documents' static files through them) and WeasyPrint, so every rendering child
forked from the server starts warm. Nothing here touches the database."""

import django

django.setup()

from reports import rendering  # noqa: E402,F401  (imported for its libraries)
