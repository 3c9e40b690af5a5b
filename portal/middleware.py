"""Language choice: Vietnamese unless the person picked English with the switcher (the language cookie).

Many Vietnamese users run browsers set to English; following Accept-Language would mix an English interface with
Vietnamese content, so on pages the browser header is ignored. API clients choose with `?lang=en` or
Accept-Language, as HTTP clients expect.
"""

from urllib.parse import unquote_plus

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.translation import gettext as _

from portal import jsonsafe


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


def _bad_request(request, message: str, status: int = 400) -> HttpResponse:
    if request.path.startswith("/_allauth/"):
        # allauth headless's own error shape, so its clients read it like any other refusal.
        return JsonResponse({"status": status, "errors": [{"message": message, "code": "invalid"}]}, status=status)
    if request.path.startswith("/api/"):
        code = {404: "not_found", 413: "too_large", 415: "unsupported_media_type"}.get(status, "invalid")
        return JsonResponse({"detail": message, "code": code}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


class RequestGuardMiddleware:
    """Refuses input no view can use before any view sees it.

    - A NUL character in the path or the query string: no URL of the portal contains one and PostgreSQL text cannot
      store one, so it would only fail deeper down (lookups, search, statistics filters).
    - On allauth's headless API (/_allauth/), a body that is not a readable JSON object of sane depth: allauth parses
      bodies itself, and a form-encoded, invalid UTF-8, too large or absurdly nested body would otherwise end as
      Django's HTML 400 page or a RecursionError inside allauth.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:  # no page or resource has such a name
            return _bad_request(request, _("Không tìm thấy."), status=404)
        if "\x00" in unquote_plus(request.META.get("QUERY_STRING", "")):
            return _bad_request(request, _("Tham số chứa ký tự không hợp lệ (NUL)."))
        if request.path.startswith("/_allauth/") and request.method in {"POST", "PUT", "PATCH"}:
            refusal = self._check_allauth_body(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def _check_allauth_body(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return _bad_request(request, _("Nội dung yêu cầu quá lớn."), status=413)
        if length == 0:
            return None
        if request.content_type != "application/json":
            return _bad_request(request, _("Gửi nội dung dạng application/json."), status=415)
        try:
            value = jsonsafe.loads(request.body)
        except RequestDataTooBig:
            return _bad_request(request, _("Nội dung yêu cầu quá lớn."), status=413)
        except jsonsafe.InvalidJSON as exc:
            return _bad_request(request, str(exc))
        if not isinstance(value, dict):
            return _bad_request(request, _("Nội dung phải là một đối tượng JSON."))
        return None
