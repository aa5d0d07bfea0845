"""The letterhead logo for print views rendered by apps below `reports` (the RAT matrix's
`?cetak=1`), which may not import this app: they read `letterhead_logo_src` from the context.

The value is lazy, so pages that never show a letterhead never query for it."""

from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from reports.models import Letterhead


def _logo_src(user) -> str:
    """The logo's URL when one is uploaded and `user` may fetch it (the logo view's own
    permission); empty otherwise, and the letterhead then prints without a logo."""
    if not user.has_perm("reports.view_reports"):
        return ""
    if not Letterhead.objects.exclude(logo="").exists():
        return ""
    return reverse("reports:logo")


def letterhead(request):
    return {"letterhead_logo_src": SimpleLazyObject(lambda: _logo_src(request.user))}
