"""Figures of the directory that other apps read."""

from directory.models import Agency, Contact, Region


def directory_summary(user) -> dict:
    """How many kecamatan, desa, active agencies and active contacts the user may see."""
    regions = Region.objects.visible_to(user)
    return {
        "kecamatan": regions.kecamatan().count(),
        "desa": regions.desa().count(),
        "agencies": Agency.objects.visible_to(user).filter(active=True).count(),
        "contacts": Contact.objects.visible_to(user).filter(active=True).count(),
    }
