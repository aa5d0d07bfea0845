"""Reports offered in the searchable picker of activities' linked reports (core.pickers)."""

import re

from django.utils.translation import gettext_lazy as _

from core.pickers import Picker
from incidents.selectors import linkable_reports

# Something typed with a digit in it is a reference number or part of one (`PKS-2024-0007`,
# `0007`); anything else is searched in titles and chronologies (full text, GIN index).
REFERENCE_LIKE = re.compile(r"\d")


class IncidentPicker(Picker):
    """Submitted reports the user may see. There may be many thousands: before a search only the
    latest few are offered, and a search answers at most `limit` of them."""

    search_label = _("Cari laporan: nomor atau judul")
    initial_limit = 20
    limit = 20

    def queryset(self, user):
        return (
            linkable_reports(user)
            .only("pk", "reference", "title", "occurred_at")
            .order_by("-occurred_at", "-id")
        )

    def search(self, queryset, text):
        if REFERENCE_LIKE.search(text):
            return queryset.filter(reference__icontains=text)
        return queryset.search(text)

    def label(self, obj):
        return f"{obj.reference} — {obj.title}"
