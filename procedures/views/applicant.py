"""The applicant's steps around a dossier: review before submitting, the confirmation, taking the electronic
result, and rating the service (paying a fee is the payments app's).

Thin: each view reads through `procedures.selectors`, writes through a service, and says what happened.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from procedures import formschema
from procedures.display import fee_table, is_english, localized, money_display, status_label, status_tone
from procedures.errors import DomainError, NotFound
from procedures.fees import dossier_fee_breakdown
from procedures.models import DocumentKind, Rating, Status
from procedures.selectors import dossier_detail_for
from procedures.services.documents import document_open_for
from procedures.services.dossiers import dossier_perform_action
from procedures.services.ratings import rating_can_rate, rating_create
from procedures.workflow import Action

RATING_QUESTIONS = (
    ("overall", gettext_lazy("Đánh giá chung về dịch vụ")),
    ("timeliness", gettext_lazy("Thời gian giải quyết")),
    ("attitude", gettext_lazy("Thái độ của cán bộ")),
    ("convenience", gettext_lazy("Sự thuận tiện khi nộp và nhận kết quả")),
)
SCORE_LABELS = {
    1: gettext_lazy("Rất không hài lòng"),
    2: gettext_lazy("Không hài lòng"),
    3: gettext_lazy("Bình thường"),
    4: gettext_lazy("Hài lòng"),
    5: gettext_lazy("Rất hài lòng"),
}


def _own(request: HttpRequest, dossier_id: UUID):
    dossier = dossier_detail_for(user=request.user, dossier_id=dossier_id)
    if dossier is None or dossier.applicant_id != request.user.pk:
        raise Http404  # another person's dossier is "not found"
    dossier.procedure_name = localized(dossier.procedure)
    dossier.agency_name = localized(dossier.agency)
    dossier.status_text = status_label(dossier.status)
    dossier.tone = status_tone(dossier.status)
    dossier.fee_text = money_display(dossier.fee_amount)
    return dossier


def _rows(dossier) -> list[dict]:
    return formschema.display_rows(dossier.procedure_version.form_fields, dossier.data, "en" if is_english() else "vi")


@login_required
@never_cache  # Back after submitting reloads the page, which then redirects to the dossier's detail page
def dossier_review(request: HttpRequest, dossier_id: UUID) -> HttpResponse:
    """The last look before submitting: every answer, every file, what is still missing, then "Nộp hồ sơ"."""
    dossier = _own(request, dossier_id)
    if dossier.status not in (Status.DRAFT, Status.SUPPLEMENT_REQUESTED):
        return redirect("dossier-detail", dossier_id=dossier.pk)
    version = dossier.procedure_version
    files = [d for d in dossier.documents.all() if d.kind == DocumentKind.INPUT]
    documents = [
        {
            "name": localized(spec),
            "required": bool(spec.get("required")),
            "files": [d for d in files if d.requirement == spec.get("code")],
        }
        for spec in version.documents
    ]
    problems = formschema.validate_data(
        version.form_fields, dossier.data, partial=False, lang="en" if is_english() else "vi"
    )
    missing_docs = [d["name"] for d in documents if d["required"] and not d["files"]]
    fees = fee_table(dossier_fee_breakdown(dossier, lang="en" if is_english() else "vi"))
    context = {
        "dossier": dossier,
        "rows": _rows(dossier),
        "documents": documents,
        "form_problems": sum(len(v) for v in problems.values()),
        "missing_docs": missing_docs,
        "ready": not problems and not missing_docs,
        "submit_action": "submit" if dossier.status == Status.DRAFT else "supplement",
        # The same computation the submission stores and the payment asks for (procedures/fees.py).
        "fees": fees,
        # Fees collected at filing: "Pay and submit" leads to the payment page instead of submitting.
        "pay_first": dossier.status == Status.DRAFT
        and version.payment_timing == "at_filing"
        and fees["total"] > 0
        and dossier.paid_at is None,
    }
    return render(request, "procedures/dossier_review.html", context)


@login_required
def dossier_submitted(request: HttpRequest, dossier_id: UUID) -> HttpResponse:
    """The confirmation after submitting: the dossier code, what happens next and the receipt PDF."""
    dossier = _own(request, dossier_id)
    if not dossier.code:
        return redirect("dossier-detail", dossier_id=dossier.pk)
    return render(request, "procedures/dossier_submitted.html", {"dossier": dossier})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def result_download(request: HttpRequest, dossier_id: UUID, document_id: UUID) -> HttpResponse:
    """Download an electronic result. Taking it ("Nhận kết quả", a POST) is the hand-over of a completed dossier
    (DOMAIN.md: "deliver ... or the applicant downloading an e-result"), recorded as `deliver` with the channel
    "online"; a GET only serves the file and never changes the dossier (links are prefetched and crawled)."""
    dossier = _own(request, dossier_id)
    try:
        document = document_open_for(dossier_id=dossier.pk, document_id=document_id, user=request.user)
    except NotFound:
        raise Http404
    if document.kind != DocumentKind.RESULT:
        raise Http404
    if request.method == "POST" and dossier.status == Status.COMPLETED:
        try:
            dossier_perform_action(
                dossier_id=dossier.pk,
                action=Action.DELIVER,
                actor=request.user,
                version=dossier.version,
                payload={"channel": "online"},
            )
        except DomainError:
            pass  # a concurrent download delivered it first; the file is still theirs to take
    response = FileResponse(document.file.open("rb"), as_attachment=True, filename=document.name)
    response["Content-Type"] = document.content_type
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def dossier_rate(request: HttpRequest, dossier_id: UUID) -> HttpResponse:
    """Rate the service once the result is delivered: four 1-5 scores, satisfied or not, and a comment."""
    dossier = _own(request, dossier_id)
    existing = Rating.objects.filter(dossier_id=dossier.pk).first()
    if existing is None and not rating_can_rate(dossier=dossier, user=request.user):
        messages.info(request, _("Chỉ đánh giá được sau khi đã nhận kết quả."))
        return redirect("dossier-detail", dossier_id=dossier.pk)
    errors: dict[str, list[str]] = {}
    values = dict(request.POST.items()) if request.method == "POST" else {}
    if request.method == "POST" and existing is None:
        try:
            rating_create(
                dossier_id=dossier.pk,
                actor=request.user,
                overall=values.get("overall"),
                timeliness=values.get("timeliness"),
                attitude=values.get("attitude"),
                convenience=values.get("convenience"),
                satisfied=values.get("satisfied"),
                comment=values.get("comment", ""),
            )
        except NotFound:
            raise Http404
        except DomainError as exc:
            errors = exc.errors or {"__all__": [exc.message]}
        else:
            messages.success(request, _("Cảm ơn bạn đã đánh giá."))
            return redirect("dossier-detail", dossier_id=dossier.pk)
    questions = [
        {
            "name": name,
            "label": label,
            "errors": errors.get(name, []),
            "choices": [
                {"value": n, "label": SCORE_LABELS[n], "checked": values.get(name) == str(n)} for n in range(5, 0, -1)
            ],
        }
        for name, label in RATING_QUESTIONS
    ]
    context = {
        "dossier": dossier,
        "rating": existing,
        "questions": questions,
        "errors": errors,
        "satisfied": values.get("satisfied", ""),
        "comment": values.get("comment", ""),
    }
    return render(request, "procedures/dossier_rate.html", context)
