"""The in-app inbox as a page (/thong-bao/) and the page where a user chooses how to be told (/thong-bao/cai-dat/).
Thin: reads and writes live in notifications.services."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from notifications.links import notification_link
from notifications.models import NotificationPreference
from notifications.services import (
    is_staff_member,
    notification_mark_read,
    notification_preferences_get,
    notification_preferences_update,
    notifications_inbox,
    notifications_mark_all_read,
)
from procedures.errors import NotFound

PAGE_SIZE = 20


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    queryset = notifications_inbox(user=request.user)
    unread_only = request.GET.get("chua-doc") == "1"
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    for item in page.object_list:
        item.link = notification_link(item)
    unread = notifications_inbox(user=request.user).filter(read_at__isnull=True).count()
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread": unread, "unread_only": unread_only},
    )


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    notification_id = request.POST.get("id")
    if notification_id:
        try:
            notification = notification_mark_read(notification_id=notification_id, user=request.user)
        except NotFound:
            messages.error(request, _("Không tìm thấy thông báo."))
            return redirect("notification-inbox")
        link = notification_link(notification) if request.POST.get("open") else None
        if link:
            return redirect(link)
    else:
        count = notifications_mark_all_read(user=request.user)
        messages.success(request, _("Đã đánh dấu %(count)d thông báo là đã đọc.") % {"count": count})
    return redirect("notification-inbox")


class PreferencesForm(forms.Form):
    notify_email = forms.BooleanField(label=gettext_lazy("Thư điện tử (email)"), required=False)
    notify_sms = forms.BooleanField(label=gettext_lazy("Tin nhắn SMS"), required=False)
    notify_inapp = forms.BooleanField(label=gettext_lazy("Hộp thư trên Cổng"), required=False)
    staff_mode = forms.ChoiceField(
        label=gettext_lazy("Thông báo công việc"),
        choices=NotificationPreference.StaffMode.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    daily_digest = forms.BooleanField(label=gettext_lazy("Nhận bản tổng hợp mỗi ngày làm việc"), required=False)

    def __init__(self, *args, staff: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not staff:
            del self.fields["staff_mode"]
            del self.fields["daily_digest"]


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    staff = is_staff_member(user)
    preference = notification_preferences_get(user=user)
    initial = {
        "notify_email": user.notify_email,
        "notify_sms": user.notify_sms,
        "notify_inapp": user.notify_inapp,
        "staff_mode": preference.staff_mode,
        "daily_digest": preference.daily_digest,
    }
    form = PreferencesForm(request.POST or None, initial=initial, staff=staff)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        notification_preferences_update(
            user=user,
            notify_email=data["notify_email"],
            notify_sms=data["notify_sms"],
            notify_inapp=data["notify_inapp"],
            staff_mode=(data.get("staff_mode") or None) if staff else None,
            daily_digest=data.get("daily_digest") if staff else None,
        )
        messages.success(request, _("Đã lưu cách nhận thông báo."))
        return redirect("notification-preferences")
    return render(
        request, "notifications/preferences.html", {"form": form, "staff": staff, "has_phone": bool(user.phone)}
    )
