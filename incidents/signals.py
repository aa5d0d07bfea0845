"""Reports follow their region: the directory below does not know the reports above it, so the
incidents app listens to its regions' saves."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from directory.choices import RegionLevel
from directory.models import Region
from incidents.models import Incident


@receiver(post_save, sender=Region, dispatch_uid="incidents.follow_moved_desa")
def follow_moved_desa(sender, instance, raw=False, **kwargs):
    """A desa moved to another kecamatan (redistricting) takes its reports along. Left behind,
    each of them failed its own rule ("Desa ini tidak berada di kecamatan yang dipilih") on any
    later action, so a finished report could never be closed; the history and tally triggers
    record the move as any update."""
    if raw or instance.level != RegionLevel.DESA or instance.parent_id is None:
        return
    Incident.objects.filter(desa=instance).exclude(kecamatan_id=instance.parent_id).update(
        kecamatan_id=instance.parent_id
    )
