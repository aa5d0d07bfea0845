"""Queryset pieces shared by the apps."""

from django.db import models


class TaskForceRecordQuerySet(models.QuerySet):
    """Records every signed-in task-force member may read (decrees, yearly plans)."""

    def visible_to(self, user):
        return self.all() if user.is_authenticated else self.none()
