"""The public verification page a result's QR code opens: /xac-thuc/<code>/. Anyone may check a code or upload the
file they were given; the page shows which dossier, agency and register entry, when it was signed and whether it was
revoked, never personal data."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from records import selectors, verification


@require_http_methods(["GET", "POST"])
def verify_page(request: HttpRequest, code: str) -> HttpResponse:
    result = selectors.result_by_code(code)
    if result is None:
        raise Http404(_("Không có văn bản nào mang mã xác thực này."))
    check = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            check = {"valid": False, "reason": _("Chưa chọn tệp cần kiểm tra.")}
        elif upload.size > settings.MAX_UPLOAD_BYTES:
            check = {"valid": False, "reason": _("Tệp quá lớn.")}
        else:
            check = verification.verify_file(upload.read())
            if check["verification_code"] != result.verification_code:
                check["valid"] = False
                check["reason"] = check["reason"] or _("Tệp này không phải văn bản mang mã xác thực trên.")
    context = {
        "result": result,
        "info": verification.describe(result, valid=True, reason=""),
        "check": check,
    }
    return render(request, "records/verify.html", context, status=200)
