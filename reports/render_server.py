"""Loaded once by the PDF forkserver (reports.rendering): Django's settings and apps (the
fetcher finds the documents' static files through them) and WeasyPrint, and one small document
rendered (fonts and stylesheets loaded), so every rendering child forked from the server starts
warm. Nothing here touches the database."""

import ctypes

import django

django.setup()

from reports import rendering  # noqa: E402

# One malloc arena (glibc) for the server and its children. The warm-up's first rendering runs
# threads (Pango loading the font configuration), and glibc gives each thread an arena with 64 MB
# of address space reserved: every child would inherit the reservations and could fill them
# without growing its address space, that is past the memory bound it sets itself
# (tests/reports/test_safe_rendering.py: a 1 MB bound is no longer met without this).
# Without glibc (no mallopt, or refused) the children start cold rather than unbounded.
M_ARENA_MAX = -8
mallopt = getattr(ctypes.CDLL(None), "mallopt", None)
if mallopt is not None and mallopt(M_ARENA_MAX, 1) == 1:
    rendering.warm_up()
