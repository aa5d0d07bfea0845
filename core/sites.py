"""The portal's admin site, the default one (core.apps.PortalAdminConfig). In a module of its
own: core.admin registers models on `admin.site`, which is this site being made."""

import functools
import logging
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.exceptions import DisallowedModelAdminToField
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IS_POPUP_VAR, TO_FIELD_VAR
from django.contrib.admin.views.main import ERROR_FLAG
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.mixins import SUBMISSION_FIELD
from core.services import (
    AlreadySubmitted,
    submission_claim,
    submission_done,
    submission_earlier,
)
from core.utils import once_more_after_clash, parse_uuid

logger = logging.getLogger(__name__)


class PortalAdminSite(admin.AdminSite):
    """The portal's administration (the default site, see core.apps.PortalAdminConfig)."""

    site_header = _("Administrasi Portal Tim Terpadu PKS")
    site_title = _("Portal Tim Terpadu PKS")
    index_title = _("Administrasi")

    def each_context(self, request):
        """Every add and change form carries a submission token (templates/admin/change_form.html;
        see `admin_form_once`): the one it was sent with when shown again after an error."""
        token = parse_uuid(request.POST.get(SUBMISSION_FIELD)) or uuid.uuid4()
        return {**super().each_context(request), "submission_token": token}

    def login(self, request, extra_context=None):
        """One sign-in for the whole portal: the portal's own page, with its length checks,
        lockout and second step. Django's admin form let a 256-character name through to the
        lockout log (255) and failed there with a 500. Signed in without admin access: 403, not
        the sign-in page again (it would send the user straight back here); with it, on to the page
        the link names."""
        index = reverse("admin:index", current_app=self.name)
        target = request.GET.get(REDIRECT_FIELD_NAME) or index
        if request.user.is_authenticated:
            if not self.has_permission(request):
                raise PermissionDenied
            # Signed in already (a bookmark, the back button): on to where the link leads.
            safe = url_has_allowed_host_and_scheme(
                target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
            response = HttpResponseRedirect(target if safe else index)
        else:
            response = redirect_to_login(target, settings.LOGIN_URL)
        add_never_cache_headers(response)
        return response

    def admin_view(self, view, cacheable=False):
        """Every admin page refuses an empty `_to_field` as Django refuses a field it does not
        allow there (400): Django looked up a field named "" and failed with a 500. The admin
        itself sends the parameter only with a field name.

        A changelist action leaves out the selected values that are no id of the model (junk,
        or a number beyond the column), as it leaves out ids of rows deleted meanwhile: Django
        put them in `pk__in` and failed with a 500. With nothing left, the list is shown again
        and nothing is changed.

        A changelist's date hierarchy (`?at__year=…&at__month=…&at__day=…`) whose day or the
        day after it no calendar has is answered as Django answers a month 13: back to the whole
        list (`?e=1`). Django caught only the ValueError of a bad date and failed with a 500 on
        a year beyond the integer or at the end of year 9999.

        An add or change form saved twice at the same moment (a double click on "Simpan") passed
        the form's unique checks twice before either row was written, and the second insert
        broke the unique constraint (a 500); the form is now checked once more
        (core.utils.once_more_after_clash) and says, next to the field, that the value is
        taken. A form that carries its submission token is saved once whatever its model's
        constraints (`admin_form_once`): a contact or a decree's new member rows were stored
        twice.

        A list (or its export) filtered by a lookup Django allows on any field but that fails
        only when the query is written (`?joined__year=10000`, `?at__iso_year=0`) is answered
        like any bad lookup, back to the whole list (`?e=1`); regular-expression lookups, which
        PostgreSQL refuses only as it runs them (`?name__regex=[`), are not taken at all."""
        inner = super().admin_view(view, cacheable)
        model_admin = getattr(view, "__self__", None)
        if not isinstance(model_admin, admin.ModelAdmin):
            model_admin = None
        pk = model_admin.model._meta.pk if model_admin else None
        hierarchy = model_admin.date_hierarchy if model_admin else None
        # Django's add and change views save in one transaction of their own (changeform_view).
        saves_a_form = getattr(view, "__name__", "") in {"add_view", "change_view"}
        lists_rows = getattr(view, "__name__", "") in {"changelist_view", "export_action"}

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
            if hierarchy and not hierarchy_dates_exist(hierarchy, request.GET):
                return HttpResponseRedirect(f"{request.path}?{ERROR_FLAG}=1")
            if lists_rows and set(request.GET) - {ERROR_FLAG, IS_POPUP_VAR, TO_FIELD_VAR}:
                if any(key.endswith(REGEX_LOOKUPS) for key in request.GET):
                    return whole_list(request)
                if request.method == "GET" or view.__name__ == "export_action":
                    # Only where rows are listed (not around an action a list page runs).
                    try:
                        return inner(request, *args, **kwargs)
                    except (ValueError, OverflowError):
                        logger.warning("Admin list filter refused: %s", request.path, exc_info=True)
                        return whole_list(request)
            if saves_a_form and request.method == "POST" and self.has_permission(request):
                # The retry outside: a reference broken by a row deleted meanwhile shows when
                # admin_form_once's transaction commits.
                return once_more_after_clash(
                    request,
                    lambda: admin_form_once(request, lambda: inner(request, *args, **kwargs)),
                )
            return inner(request, *args, **kwargs)

        return guarded


REGEX_LOOKUPS = ("__regex", "__iregex")


def whole_list(request):
    """Back to the whole list with Django's "wrong filter" mark (?e=1), in the popup it was in."""
    kept = {key: request.GET[key] for key in (IS_POPUP_VAR, TO_FIELD_VAR) if key in request.GET}
    return HttpResponseRedirect(f"{request.path}?{urlencode({**kept, ERROR_FLAG: 1})}")


def admin_form_once(request, respond):
    """`respond()` (an add or change view's POST) at most once per rendered form.

    The form's token is claimed in the transaction that saves it: a second request with the same
    token waits for the first to end and, if it saved, is sent where the first one led, with a
    message. A form shown again with errors gives its token back, so correcting it and saving
    again works. A form without a token (an old page, a script) is saved as before."""
    token = request.POST.get(SUBMISSION_FIELD)
    try:
        if (earlier := submission_earlier(token=token, by=request.user)) is not None:
            raise AlreadySubmitted.of(earlier)
        with transaction.atomic():
            claimed = submission_claim(token=token, by=request.user)
            response = respond()
            if claimed is not None:
                if shows_the_form_again(response):
                    claimed.delete()
                else:
                    submission_done(
                        submission=claimed,
                        url=response.get("Location", ""),
                        popup=context_of(response).get("popup_response_data", ""),
                    )
        return response
    except AlreadySubmitted as done:
        if done.popup:
            # A popup's second tap closes the popup and picks the row, as the first would have.
            return TemplateResponse(
                request, "admin/popup_response.html", {"popup_response_data": done.popup}
            )
        messages.info(
            request, gettext("Formulir ini sudah terkirim sebelumnya dan tidak disimpan dua kali.")
        )
        return HttpResponseRedirect(done.url or request.path)


def shows_the_form_again(response) -> bool:
    """Whether an add or change view answered with its form (errors: nothing was saved) rather
    than a redirect or a popup's answer after saving."""
    return "adminform" in context_of(response)


def context_of(response) -> dict:
    return getattr(response, "context_data", None) or {}


def is_id(pk, value) -> bool:
    """Whether `value` can be an id of the primary key `pk` (type and the column's range)."""
    try:
        pk.clean(value, None)
    except ValidationError:
        return False
    return True


def hierarchy_dates_exist(field: str, query) -> bool:
    """Whether the day a date hierarchy's year, month and day name exists, and the first day
    after the span they name (which Django computes next) does too."""
    parts = [query.get(f"{field}__{part}") for part in ("year", "month", "day")]
    if parts[0] is None:
        return True
    try:
        year, month, day = (int(part) if part is not None else 1 for part in parts)
        first = date(year, month, day)
        if parts[2] is not None:
            first + timedelta(days=1)
        elif parts[1] is not None:
            first + timedelta(days=32)
        else:
            first.replace(year=year + 1)
    except (ValueError, OverflowError):
        return False
    return True
