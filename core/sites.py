"""The portal's admin site, the default one (core.apps.PortalAdminConfig). In a module of its
own: core.admin registers models on `admin.site`, which is this site being made."""

import functools

from django.contrib import admin
from django.contrib.admin.exceptions import DisallowedModelAdminToField
from django.contrib.admin.options import TO_FIELD_VAR
from django.utils.translation import gettext_lazy as _


class PortalAdminSite(admin.AdminSite):
    """The portal's administration (the default site, see core.apps.PortalAdminConfig)."""

    site_header = _("Administrasi Portal Tim Terpadu PKS")
    site_title = _("Portal Tim Terpadu PKS")
    index_title = _("Administrasi")

    def admin_view(self, view, cacheable=False):
        """Every admin page refuses an empty `_to_field` as Django refuses a field it does not
        allow there (400): Django looked up a field named "" and failed with a 500. The admin
        itself sends the parameter only with a field name."""
        inner = super().admin_view(view, cacheable)

        @functools.wraps(inner)
        def guarded(request, *args, **kwargs):
            for data in (request.GET, request.POST):
                if TO_FIELD_VAR in data and not data[TO_FIELD_VAR]:
                    raise DisallowedModelAdminToField(f"The field {TO_FIELD_VAR} is empty.")
            return inner(request, *args, **kwargs)

        return guarded
