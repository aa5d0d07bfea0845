"""Queryset pieces shared by the apps."""

from django.db import models

from core.rules import is_task_force_member


class TaskForceRecordQuerySet(models.QuerySet):
    """Records every signed-in task-force member may read (decrees, yearly plans)."""

    def visible_to(self, user):
        return self.all() if is_task_force_member(user) else self.none()
