"""What a user may see of the evaluation: all of it, or nothing."""

from django.db import models


class EvaluationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The evaluation is read by the secretariat and the leadership (see rules.py); field
        officers and agency operators see none of it."""
        if user.is_authenticated and user.has_perm("evaluations.view_evaluation"):
            return self.all()
        return self.none()
