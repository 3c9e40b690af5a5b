"""PAKN pages: the citizen's list and form, one item's page (author and handlers act there), the handlers' queue,
and the public answers. Views translate forms into service calls; the services decide."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from feedback import lifecycle, selectors, services
from feedback.models import Category
from procedures.errors import DomainError, NotFound
from procedures.models import Agency
from procedures.services.dossiers import dossier_get_for

ACTION_LABELS = {
    lifecycle.Action.ANSWER: gettext_lazy("Trả lời"),
    lifecycle.Action.REQUEST_INFO: gettext_lazy("Yêu cầu bổ sung thông tin"),
    lifecycle.Action.REJECT: gettext_lazy("Từ chối xử lý"),
    lifecycle.Action.TRANSFER: gettext_lazy("Chuyển cơ quan khác"),
    lifecycle.Action.PROVIDE_INFO: gettext_lazy("Gửi thông tin bổ sung"),
    lifecycle.Action.REOPEN: gettext_lazy("Chưa hài lòng, mở lại"),
    lifecycle.Action.PUBLISH: gettext_lazy("Duyệt công khai"),
}


class FeedbackForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("Loại"), choices=Category.choices)
    agency = forms.ModelChoiceField(
        label=gettext_lazy("Cơ quan nhận"),
        queryset=Agency.objects.filter(is_active=True).order_by("name"),
        to_field_name="identity_code",
    )
    title = forms.CharField(label=gettext_lazy("Tiêu đề"), max_length=200)
    content = forms.CharField(label=gettext_lazy("Nội dung"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
    public = forms.BooleanField(
        label=gettext_lazy("Đồng ý công khai câu hỏi và câu trả lời (không kèm họ tên, liên hệ)"), required=False
    )


@login_required
@require_http_methods(["GET", "POST"])
def feedback_list(request: HttpRequest) -> HttpResponse:
    form = FeedbackForm(request.POST or None, initial={"agency": request.GET.get("co-quan")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.feedback_submit(
                author=request.user,
                category=data["category"],
                title=data["title"],
                content=data["content"],
                agency_code=data["agency"].identity_code,
                procedure_code=request.POST.get("procedure") or None,
                is_public=data["public"],
                attachments=request.FILES.getlist("files"),
            )
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Đã gửi phản ánh, mã %(code)s.") % {"code": item.code})
            return redirect("feedback-detail", feedback_id=item.pk)
    page = Paginator(selectors.feedback_for_author(user=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "feedback/list.html", {"form": form, "page": page, "current": "feedback-list"})


@login_required
@require_http_methods(["GET", "POST"])
def feedback_detail(request: HttpRequest, feedback_id) -> HttpResponse:
    try:
        item = services.feedback_get_for(feedback_id=feedback_id, user=request.user)
    except NotFound:
        return render(request, "404.html", status=404)
    if request.method == "POST":
        try:
            services.feedback_perform_action(
                feedback_id=item.pk,
                action=request.POST.get("action", ""),
                actor=request.user,
                version=int(request.POST["version"]) if request.POST.get("version", "").isdigit() else None,
                payload={key: request.POST.get(key, "") for key in ("content", "reason", "agency")},
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Đã cập nhật phản ánh."))
        return redirect("feedback-detail", feedback_id=item.pk)
    facts = lifecycle.Facts(lifecycle.Status(item.status), item.reopened, item.is_public, item.published_at is not None)
    actions = [
        {"name": action.value, "label": ACTION_LABELS[action], "requires": lifecycle.TRANSITIONS[action].requires}
        for action in lifecycle.available_actions(facts, services.actors_for(item, request.user))
    ]
    agencies = Agency.objects.filter(is_active=True).exclude(pk=item.agency_id).order_by("name")
    return render(
        request,
        "feedback/detail.html",
        {
            "item": item,
            "events": item.events.select_related("actor"),
            "actions": actions,
            "agencies": agencies,
            "is_author": item.author_id == request.user.pk,
            "current": "feedback-list",
        },
    )


@login_required
def feedback_queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("trang-thai") or "open"
    page = Paginator(selectors.feedback_queue(user=request.user, status=status), 30).get_page(request.GET.get("page"))
    return render(request, "feedback/queue.html", {"page": page, "status": status, "current": "feedback-queue"})


def public_answers(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").replace("\x00", "")[:100]
    page = Paginator(selectors.public_answers(q=q), 20).get_page(request.GET.get("page"))
    rows = [selectors.public_answer_row(item) for item in page.object_list]
    return render(request, "feedback/public.html", {"page": page, "rows": rows, "q": q, "current": "public-answers"})


@login_required
@require_http_methods(["POST"])
def dossier_message(request: HttpRequest, dossier_id) -> HttpResponse:
    """Post a message from the applicant's or the officer's dossier page, then go back to that page."""
    try:
        dossier = dossier_get_for(dossier_id=dossier_id, user=request.user)
        services.dossier_message_post(dossier=dossier, author=request.user, body=request.POST.get("body", ""))
    except NotFound:
        return render(request, "404.html", status=404)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã gửi tin nhắn."))
    back = "dossier-detail" if dossier.applicant_id == request.user.pk else "workspace:dossier"
    return redirect(reverse(back, kwargs={"dossier_id": dossier.pk}) + "#tin-nhan")
