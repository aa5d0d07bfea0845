"""Portal users."""

import pghistory
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from accounts.choices import Role
from directory.choices import RegionLevel


# Only what decides a user's reach: agency, kecamatan scope, clearance and whether they may log
# in (roles are group memberships, tracked through `UserGroup` below).
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    fields=["username", "agency", "kecamatan", "cleared_restricted", "is_active", "is_superuser"],
    model_name="UserEvent",
)
class User(AbstractUser):
    """A task-force member. Roles are Groups (`accounts.choices.Role`); what each role may do is
    decided by the predicates in the apps' `rules.py`, asked through `has_perm`.

    `agency` ties an agency operator to its institution; `kecamatan` narrows what a field officer
    sees and may report to one kecamatan. `cleared_restricted` is the explicit clearance for
    `terbatas` (restricted) records held by users outside the secretariat and leadership.
    """

    agency = models.ForeignKey(
        "directory.Agency",
        verbose_name=_("instansi"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    kecamatan = models.ForeignKey(
        "directory.Region",
        verbose_name=_("cakupan kecamatan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to={"level": RegionLevel.KECAMATAN},
        related_name="+",
        help_text=_("Kosongkan bila pengguna bekerja untuk seluruh kabupaten."),
    )
    cleared_restricted = models.BooleanField(
        _("boleh melihat data terbatas"),
        default=False,
        help_text=_("Izin eksplisit untuk catatan berklasifikasi terbatas."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    def clean(self):
        super().clean()
        if self.kecamatan_id and self.kecamatan.level != RegionLevel.KECAMATAN:
            raise ValidationError({"kecamatan": _("Pilih wilayah setingkat kecamatan.")})

    @cached_property
    def roles(self) -> frozenset[str]:
        """Names of the roles this user holds (one query, cached for the request)."""
        return frozenset(self.groups.filter(name__in=Role.values).values_list("name", flat=True))

    @property
    def role_labels(self) -> list[str]:
        return [label for value, label in Role.choices if value in self.roles]


# A membership row is only ever added or removed (never updated), so inserts and deletes tell
# who got or lost which role when; the acting user comes from the history context.
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.DeleteEvent(),
    obj_field=None,
    model_name="UserGroupEvent",
)
class UserGroup(User.groups.through):
    """A user's membership of a group, i.e. a role (the auto-created link table, tracked)."""

    class Meta:
        proxy = True
        verbose_name = _("keanggotaan peran")
        verbose_name_plural = _("keanggotaan peran")
