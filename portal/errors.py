"""Error pages: JSON for API clients, the portal's own pages for people."""

from django.http import JsonResponse
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
