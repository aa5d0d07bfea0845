"""What a user may see of the action plan."""

from django.db import models

from accounts.rules import is_agency_member
from action_plans.choices import RealisationStatus
from action_plans.rules import reads_whole_plan


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The secretariat, leadership and admins read the whole plan; anyone else working for
        an agency sees only the activities their agency is responsible for."""
        if not user.is_authenticated:
            return self.none()
        if reads_whole_plan(user):
            return self.all()
        if is_agency_member(user):
            return self.filter(responsible_agency_id=user.agency_id)
        return self.none()


class RealisationQuerySet(models.QuerySet):
    def submitted(self):
        """Realisations that stand as reported (a returned one awaits correction)."""
        return self.filter(status=RealisationStatus.DISERAHKAN)

    def visible_to(self, user):
        activity_model = self.model._meta.get_field("activity").related_model
        return self.filter(activity__in=activity_model.objects.visible_to(user))
