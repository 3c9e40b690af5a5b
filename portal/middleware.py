"""Language choice: Vietnamese unless the person picked English with the switcher (the language cookie).

Many Vietnamese users run browsers set to English; following Accept-Language would mix an English interface with
Vietnamese content, so on pages the browser header is ignored. API clients choose with `?lang=en` or
Accept-Language, as HTTP clients expect.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class CookieLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        supported = {code for code, _name in settings.LANGUAGES}
        if request.path.startswith(("/api/", "/_allauth/")):
            if request.GET.get("lang") not in supported:
                return super().process_request(request)
            language = request.GET["lang"]
        else:
            language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
