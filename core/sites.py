"""The portal's admin site, the default one (core.apps.PortalAdminConfig). In a module of its
own: core.admin registers models on `admin.site`, which is this site being made."""

import functools

from django.contrib import admin
from django.contrib.admin.exceptions import DisallowedModelAdminToField
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import TO_FIELD_VAR
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class PortalAdminSite(admin.AdminSite):
    """The portal's administration (the default site, see core.apps.PortalAdminConfig)."""

    site_header = _("Administrasi Portal Tim Terpadu PKS")
    site_title = _("Portal Tim Terpadu PKS")
    index_title = _("Administrasi")

    def admin_view(self, view, cacheable=False):
        """Every admin page refuses an empty `_to_field` as Django refuses a field it does not
        allow there (400): Django looked up a field named "" and failed with a 500. The admin
        itself sends the parameter only with a field name.

        A changelist action leaves out the selected values that are no id of the model (junk,
        or a number beyond the column), as it leaves out ids of rows deleted meanwhile: Django
        put them in `pk__in` and failed with a 500. With nothing left, the list is shown again
        and nothing is changed."""
        inner = super().admin_view(view, cacheable)
        model_admin = getattr(view, "__self__", None)
        pk = model_admin.model._meta.pk if isinstance(model_admin, admin.ModelAdmin) else None

        @functools.wraps(inner)
        def guarded(request, *args, **kwargs):
            for data in (request.GET, request.POST):
                if TO_FIELD_VAR in data and not data[TO_FIELD_VAR]:
                    raise DisallowedModelAdminToField(f"The field {TO_FIELD_VAR} is empty.")
            if pk is not None and ACTION_CHECKBOX_NAME in request.POST:
                selected = request.POST.getlist(ACTION_CHECKBOX_NAME)
                ids = [value for value in selected if is_id(pk, value)]
                if ids != selected:
                    request.POST = request.POST.copy()
                    request.POST.setlist(ACTION_CHECKBOX_NAME, ids)
            return inner(request, *args, **kwargs)

        return guarded


def is_id(pk, value) -> bool:
    """Whether `value` can be an id of the primary key `pk` (type and the column's range)."""
    try:
        pk.clean(value, None)
    except ValidationError:
        return False
    return True
