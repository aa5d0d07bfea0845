"""View helpers shared by the apps."""

import uuid

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from core.services import (
    AlreadySubmitted,
    submission_claim,
    submission_done,
    submission_earlier,
)
from core.utils import once_more_after_clash, parse_id, parse_uuid


class PermissionRequiredMixin(LoginRequiredMixin):
    """Refuses (403) signed-in users without the named permission `permission_required` (see the
    apps' rules.py) on `get_permission_object()`; sends anonymous visitors to the login page."""

    permission_required: str = ""

    def get_permission_object(self):
        """The object the permission is about; None for a permission about no one object."""
        return None

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.has_perm(
            self.permission_required, self.get_permission_object()
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PerPageMixin:
    """`?per_page=` among a few sizes; an unknown page number shows the nearest page instead of
    an error (a shared link may outlive the rows it pointed at)."""

    page_sizes = (10, 25, 50, 100)
    paginate_by = 25

    def get_paginate_by(self, queryset):
        size = parse_id(self.request.GET.get("per_page"))
        return size if size in self.page_sizes else self.paginate_by

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()


SUBMISSION_FIELD = "submission_token"


class RecheckAfterClashMixin:
    """The POST in a transaction, checked once more after it broke a unique constraint
    (core.utils.once_more_after_clash): for forms that save rows with unique values without a
    lock of their own."""

    def post(self, request, *args, **kwargs):
        def respond():
            with transaction.atomic():
                return super(RecheckAfterClashMixin, self).post(request, *args, **kwargs)

        return once_more_after_clash(request, respond)


class SubmitOnceMixin:
    """One creation per rendered form (issue: two "Ajukan" taps filed two reports).

    The template puts `{{ submission_token }}` in a hidden `submission_token` input; the view
    runs its work through `submit_once()` and answers AlreadySubmitted with `already_submitted()`.
    A form shown again after an error keeps its token: nothing was claimed yet.
    """

    def post(self, request, *args, **kwargs):
        if not hasattr(super(), "post"):
            # A page that only shows the form (the plan list) takes no POST itself.
            return self.http_method_not_allowed(request, *args, **kwargs)
        # Already done (the first tap's answer was just slow): go where it led, before the form
        # is validated again (which might refuse it as a duplicate with a confusing message).
        earlier = submission_earlier(token=request.POST.get(SUBMISSION_FIELD), by=request.user)
        if earlier is not None:
            return self.already_submitted(AlreadySubmitted.of(earlier), request.path)
        # A row the form chose (an agency, a contact) deleted by someone else after the form
        # was checked: its reference broke when the work committed. Checked once more, the
        # form says the choice is no longer there, next to its field.
        response = once_more_after_clash(
            request, lambda: super(SubmitOnceMixin, self).post(request, *args, **kwargs)
        )
        if response.status_code == 400:
            # Refused by a check that ran after another tap of this form committed (its code or
            # number is now taken, by that tap): the form went through, say so.
            earlier = submission_earlier(token=request.POST.get(SUBMISSION_FIELD), by=request.user)
            if earlier is not None:
                return self.already_submitted(AlreadySubmitted.of(earlier), request.path)
        return response

    def get_context_data(self, **kwargs):
        token = parse_uuid(self.request.POST.get(SUBMISSION_FIELD)) or uuid.uuid4()
        return {**super().get_context_data(**kwargs), "submission_token": token}

    def submit_once(self, work):
        """`work()` returns (result, url of what it created); all of it, and the claim, commit
        together or not at all."""
        with transaction.atomic():
            claimed = submission_claim(
                token=self.request.POST.get(SUBMISSION_FIELD), by=self.request.user
            )
            result, url = work()
            submission_done(submission=claimed, url=url)
        return result

    def already_submitted(self, done: AlreadySubmitted, fallback_url: str):
        messages.info(
            self.request,
            _("Formulir ini sudah terkirim sebelumnya dan tidak disimpan dua kali."),
        )
        return redirect(done.url or fallback_url)
