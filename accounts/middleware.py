"""Two-factor login is enforced here, for every page, export and the admin site alike."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseForbidden
from django.shortcuts import redirect
from django.urls import reverse

from accounts import two_factor


class TwoFactorRequiredMiddleware:
    """A signed-in user whose session has not passed the second factor is sent to the code page
    when the account has an authenticator, or to the set-up page when the account must use one
    (`accounts.require_two_factor`). Signing out, the language switch and the health check stay
    open. Off only when TWO_FACTOR_ENFORCED is false (the test suite, except its 2FA tests)."""

    OPEN_URL_NAMES = frozenset({"accounts:logout", "set_language", "health"})
    # Whether the account had no authenticator is remembered for the session: a device added
    # later in the same session is added through the set-up page, which verifies the session.
    NO_DEVICE_KEY = "_two_factor_no_device"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.TWO_FACTOR_ENFORCED:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        name = match.view_name if match is not None else ""
        if name in self.OPEN_URL_NAMES:
            return None
        if request.session.get(self.NO_DEVICE_KEY):
            enrolled = False
        else:
            enrolled = two_factor.is_enrolled(user)
            if not enrolled:
                request.session[self.NO_DEVICE_KEY] = True
        if enrolled:
            target = "accounts:two_factor_verify"
        elif two_factor.is_required(user):
            target = "accounts:two_factor_setup"
        else:
            return None
        if name == target:
            return None
        if request.headers.get("HX-Request"):
            # A fragment (the notification bell polls from the navbar of the code page itself):
            # refused without a body, which htmx leaves unswapped, instead of a redirect whose
            # page it would swap into the fragment's place.
            return HttpResponseForbidden()
        url = reverse(target)
        if request.method == "GET":
            url += "?" + urlencode({"next": request.get_full_path()})
        return redirect(url)
