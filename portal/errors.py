"""Error pages: JSON for API clients, the portal's own pages for people."""

from django.http import JsonResponse
from django.views.defaults import bad_request as html_bad_request
from django.views.defaults import page_not_found
from django.views.defaults import server_error as html_server_error

API_PREFIXES = ("/api/", "/_allauth/")


def not_found(request, exception=None):
    if request.path.startswith(API_PREFIXES):
        return JsonResponse({"detail": "Không tìm thấy.", "code": "not_found"}, status=404)
    return page_not_found(request, exception)


def server_error(request):
    if request.path.startswith(API_PREFIXES):
        return JsonResponse({"detail": "Lỗi máy chủ. Vui lòng thử lại sau.", "code": "server_error"}, status=500)
    return html_server_error(request)


def bad_request(request, exception=None):
    """Django's answer to SuspiciousOperation (too many fields, bad multipart, bad host...): JSON on the API."""
    if request.path.startswith(API_PREFIXES):
        if request.path.startswith("/_allauth/"):
            return JsonResponse(
                {"status": 400, "errors": [{"message": "Yêu cầu không hợp lệ.", "code": "invalid"}]}, status=400
            )
        return JsonResponse({"detail": "Yêu cầu không hợp lệ.", "code": "bad_request"}, status=400)
    return html_bad_request(request, exception)
