"""Language choice: Bahasa Indonesia unless the user picked another language with the switcher.

Django's LocaleMiddleware also follows the browser's Accept-Language, which would show English
to an officer whose phone happens to be set to English; the portal's working language is
Indonesian, so only an explicit choice (the language cookie) changes it."""

from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import QueryDict
from django.shortcuts import render, resolve_url
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme


class PortalLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class RoleRequiredMiddleware:
    """Deny by default (issue 13 item 7): a signed-in account that holds no role gets, on every
    page and export, one page asking to contact an administrator, and no data.

    Signing in and out, the password pages, the language switch and the health check stay open,
    and so does the admin, which applies its own model permissions. Querysets deny the same
    accounts again (`visible_to`), so a view that forgot this still shows nothing.
    """

    OPEN_NAMESPACES = frozenset({"accounts", "admin"})
    OPEN_URL_NAMES = frozenset({"set_language", "health"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.has_perm("core.access_portal"):
            return None
        match = request.resolver_match
        if match is not None and (
            set(match.namespaces) & self.OPEN_NAMESPACES or match.url_name in self.OPEN_URL_NAMES
        ):
            return None
        return render(request, "no_role.html", status=403)


class RejectNulBytesMiddleware:
    """A NUL byte in the query string is refused with the 400 page before any view runs.

    PostgreSQL cannot store or compare text containing NUL, so a filter value such as
    `?kind__exact=%00` would otherwise fail deep inside the admin's changelist as a 500. Form
    fields already refuse NUL with a message next to the field (Django's CharField does).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            raise BadRequest("NUL byte in the query string")
        return self.get_response(request)


class IdleSessionMiddleware:
    """Idle logout without writing the session on every request.

    The session row's expiry (now + SESSION_COOKIE_AGE) is set whenever the session is saved.
    Saving it on every request (SESSION_SAVE_EVERY_REQUEST) costs a write per page, image and
    htmx call; here a signed-in session's expiry is moved on only when it was set at least
    SESSION_REFRESH_SECONDS ago, so the idle timeout is exact to within that much. The refresh
    moves the expiry alone (core.sessions.SessionStore.touch): writing the whole session back
    would undo what another request changed in it meanwhile. A session saved anyway (signing
    in, a message for the next page) gets its new expiry with that save."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.session_key or session.modified:
            return response
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return response
        if not hasattr(session, "touch"):
            # Another session engine (not the portal's setting): saved whole on every request.
            session.modified = True
            return response
        expiry = session.loaded_expiry
        if expiry is None:
            return response
        set_ago = settings.SESSION_COOKIE_AGE - (expiry - timezone.now()).total_seconds()
        if set_ago >= settings.SESSION_REFRESH_SECONDS:
            session.touch()
        return response


class NoStoreMiddleware:
    """`Cache-Control: private, no-store` on everything a signed-in user receives, and on every
    download (an attachment or a streamed file), so no shared proxy or browser cache keeps
    reports, exports, evidence or PDFs (UU 27/2022). Static files never pass through here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        download = response.streaming or "attachment" in response.get("Content-Disposition", "")
        if signed_in or download:
            patch_cache_control(response, private=True, no_store=True)
        return response


class FormAddressMiddleware:
    """Addresses that only take a sent form (verify, return, issue, finalise …) opened as pages.

    A form sent after the session ended is answered with the sign-in page, whose `next` was that
    address: after signing in, the browser opened it with GET and got an empty 405. `next` is
    now the page the form was sent from (the Referer, this site only), so the person is back
    where they pressed the button. An address like that opened directly (a bookmark, a reload)
    gets a page saying what happened instead of an empty one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "POST" and response.status_code == 302:
            self._next_from_referer(request, response)
        elif (
            response.status_code == 405
            and not getattr(response, "content", b"x")
            and "POST" in response.get("Allow", "")
            and "HX-Request" not in request.headers
        ):
            allowed = response["Allow"]
            response = render(request, "405.html", status=405)
            response["Allow"] = allowed
        return response

    @staticmethod
    def _next_from_referer(request, response):
        user = getattr(request, "user", None)
        if user is None or user.is_authenticated:
            return
        target = urlsplit(response["Location"])
        if target.path != resolve_url(settings.LOGIN_URL):
            return
        # Only the redirect of a form sent to this very address (not signing out, whose page
        # is the login page too: the next person would land on the previous one's page).
        if QueryDict(target.query).get("next") != request.get_full_path():
            return
        referer = request.headers.get("Referer", "")
        if not url_has_allowed_host_and_scheme(
            referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return
        page = urlsplit(referer)
        query = QueryDict(target.query, mutable=True)
        query["next"] = page.path + (f"?{page.query}" if page.query else "")
        response["Location"] = urlunsplit(target._replace(query=query.urlencode(safe="/")))
