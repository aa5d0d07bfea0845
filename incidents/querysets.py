"""What a user may see of the reports. Every incident view and export starts here."""

import re

from django.contrib.postgres.search import SearchQuery
from django.db import models
from django.db.models import Q

from accounts.rules import may_see_restricted
from core.rules import is_task_force_member
from incidents.choices import SEARCH_CONFIG, Confidentiality, Status

# In the search box's syntax (websearch_to_tsquery), "or" between words and a leading "-".
ALTERNATIVE_OR_EXCLUDED = re.compile(r"(?:^|\s)(?:or(?=\s|$)|-\S)", re.IGNORECASE)


def search_is_plain(text: str) -> bool:
    """Whether the search only asks for words (all of them, or a phrase), so that PostgreSQL's
    estimate of its matches can be trusted when large: for a word it has no statistics on it
    guesses about half a percent of the reports, and words joined by "or" add those guesses up
    (seven unknown words: 33,000 expected at 1M, 557 found). Excluded words are left out too."""
    return not ALTERNATIVE_OR_EXCLUDED.search(text)


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

    def for_subject_request(self, user):
        """Every report, drafts and restricted ones included, for a data-subject request
        (`incidents.party_subject_report`): the answer must cover all that is stored about the
        person. An administrator scoped to a kecamatan answers for that kecamatan's reports only.
        Anyone else: what they may see."""
        if user.has_perm("incidents.party_subject_report"):
            if user.kecamatan_id:
                return self.filter(kecamatan_id=user.kecamatan_id)
            return self.all()
        return self.visible_to(user)

    def search(self, text: str):
        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        return self.filter(search_document=query)


class IncidentTallyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The tally rows of reports the user may see whoever wrote them: the rules of
        IncidentQuerySet.visible_to without its "or my own" parts (no drafts, `terbatas` only
        when cleared), which the caller adds from the user's own reports."""
        if not user.is_authenticated or not is_task_force_member(user):
            return self.none()
        queryset = self.exclude(status=Status.DRAFT)
        if not may_see_restricted(user):
            queryset = queryset.filter(confidentiality=Confidentiality.INTERNAL)
        if user.kecamatan_id:
            queryset = queryset.filter(kecamatan_id=user.kecamatan_id)
        return queryset


class IncidentAuthorTallyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The tally rows of the user's own reports, as IncidentQuerySet.visible_to lets them
        see those: all of them (drafts and restricted ones included, being their author), only
        in their kecamatan when scoped, nothing without a role. Nobody reads another author's
        rows here."""
        if not user.is_authenticated or not is_task_force_member(user):
            return self.none()
        queryset = self.filter(reported_by=user)
        if user.kecamatan_id:
            queryset = queryset.filter(kecamatan_id=user.kecamatan_id)
        return queryset


class PartyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Parties of the reports the user may see; for a data-subject request
        (`incidents.party_subject_report`) every report, drafts and restricted ones included,
        since the answer must cover all that is stored about the person (within their kecamatan
        for an administrator scoped to one, as `IncidentQuerySet.for_subject_request`)."""
        if user.has_perm("incidents.party_subject_report"):
            if user.kecamatan_id:
                return self.filter(incident__kecamatan_id=user.kecamatan_id)
            return self.all()
        # The report model through the relation: models.py imports this module.
        incident_model = self.model._meta.get_field("incident").related_model
        return self.filter(incident__in=incident_model.objects.visible_to(user))
