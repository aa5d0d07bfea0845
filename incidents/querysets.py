"""What a user may see of the reports. Every incident view and export starts here."""

from django.contrib.postgres.search import SearchQuery
from django.db import models
from django.db.models import Q

from accounts.rules import may_see_restricted
from core.rules import is_task_force_member
from incidents.choices import SEARCH_CONFIG, Confidentiality, Status


class IncidentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Reports the user may see at all.

        - drafts only to their author;
        - `terbatas` reports only to the secretariat, leadership, explicitly cleared users, and
          their own author (who already knows what they wrote);
        - a kecamatan-scoped user only within that kecamatan;
        - nothing to an account without a role (deny by default).
        """
        if not user.is_authenticated or not is_task_force_member(user):
            return self.none()
        mine = Q(reported_by=user)
        queryset = self.filter(~Q(status=Status.DRAFT) | mine)
        if not may_see_restricted(user):
            queryset = queryset.filter(Q(confidentiality=Confidentiality.INTERNAL) | mine)
        if user.kecamatan_id:
            queryset = queryset.filter(kecamatan_id=user.kecamatan_id)
        return queryset

    def search(self, text: str):
        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        return self.filter(search_document=query)
