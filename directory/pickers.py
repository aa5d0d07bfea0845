"""What the directory offers in the searchable pickers (core.pickers): agencies and
community-leader contacts, grouped by kind, each labelled by what a clerk recognises first."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.choices import choice_label
from core.pickers import Picker
from directory.choices import AgencyKind, ContactKind
from directory.models import Agency, Contact

AGENCY_KIND_ORDER = {value: index for index, value in enumerate(AgencyKind.values)}
CONTACT_KIND_ORDER = {value: index for index, value in enumerate(ContactKind.values)}


def agency_label(agency) -> str:
    """`Singkatan — Nama lengkap`, or the name alone when there is no acronym (or it is the
    name)."""
    if agency.acronym and agency.acronym != agency.name:
        return f"{agency.acronym} — {agency.name}"
    return agency.name


class AgencyPicker(Picker):
    """Active agencies of the task force's roster; a few dozen, so all are offered at once."""

    search_label = _("Cari instansi: singkatan atau nama")

    def queryset(self, user):
        return Agency.objects.visible_to(user).filter(active=True)

    def search(self, queryset, text):
        return queryset.filter(Q(acronym__icontains=text) | Q(name__icontains=text))

    def label(self, obj):
        return agency_label(obj)

    def group(self, obj):
        return AGENCY_KIND_ORDER.get(obj.kind, len(AGENCY_KIND_ORDER)), choice_label(obj, "kind")


class ContactPicker(Picker):
    """Active community-leader contacts the user may see (personal data: scoped by kecamatan)."""

    search_label = _("Cari tokoh: nama atau organisasi")

    def queryset(self, user):
        return Contact.objects.visible_to(user).filter(active=True)

    def search(self, queryset, text):
        return queryset.filter(Q(name__icontains=text) | Q(organisation__icontains=text))

    def label(self, obj):
        return f"{obj.name} — {obj.organisation}" if obj.organisation else obj.name

    def group(self, obj):
        return CONTACT_KIND_ORDER.get(obj.kind, len(CONTACT_KIND_ORDER)), choice_label(obj, "kind")
