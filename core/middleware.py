"""Language choice: Bahasa Indonesia unless the user picked another language with the switcher.

Django's LocaleMiddleware also follows the browser's Accept-Language, which would show English
to an officer whose phone happens to be set to English; the portal's working language is
Indonesian, so only an explicit choice (the language cookie) changes it."""

from django.conf import settings
from django.utils import translation


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
