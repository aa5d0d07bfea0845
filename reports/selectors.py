"""Figures of the reports app that the dashboard reads."""

from reports.models import IssuedReport


def latest_issued(user, limit: int = 5) -> list[IssuedReport]:
    """The most recently issued reports the user may download (one query, none without the
    permission)."""
    return list(
        IssuedReport.objects.visible_to(user)
        .select_related("issued_by")
        .order_by("-issued_at", "-pk")[:limit]
    )
