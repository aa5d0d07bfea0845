"""Reads every view needs: what a user may see of the directory."""

from django.db import models
from django.db.models.functions import Lower

from core.rules import is_task_force_member
from core.utils import single_spaced
from directory.choices import RegionLevel


class RegionQuerySet(models.QuerySet):
    def kecamatan(self):
        return self.filter(level=RegionLevel.KECAMATAN)

    def desa(self):
        return self.filter(level=RegionLevel.DESA)

    def within(self, region):
        """The region itself and everything below it (codes are hierarchical)."""
        return self.filter(models.Q(pk=region.pk) | models.Q(code__startswith=region.code + "."))

    def visible_to(self, user):
        # Region names are public data; a kecamatan-scoped user works only in that kecamatan.
        if not is_task_force_member(user):
            return self.none()
        if user.kecamatan_id:
            return self.within(user.kecamatan)
        return self.all()


class AgencyQuerySet(models.QuerySet):
    def visible_to(self, user):
        # The agency list is the task force's own roster: every member may read it.
        return self.all() if is_task_force_member(user) else self.none()

    def named(self, name: str):
        """The agency called `name` as the database compares names under the unique
        constraint (agency_name_unique_ignoring_case): letter case ignored, spacing as the
        model keeps it. Served by that constraint's index on lower(name)."""
        wanted = single_spaced(name)
        return self.alias(lower_name=Lower("name")).filter(lower_name=Lower(models.Value(wanted)))


class ContactQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Community-leader contacts are personal data (UU 27/2022): a kecamatan-scoped user
        sees only the contacts of that kecamatan and its desa; an account without a role none."""
        if not is_task_force_member(user):
            return self.none()
        if user.kecamatan_id:
            code = user.kecamatan.code
            return self.filter(
                models.Q(region__code=code) | models.Q(region__code__startswith=code + ".")
            )
        return self.all()
