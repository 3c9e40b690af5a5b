from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from notifications import messages as texts
from notifications.models import (
    DeliveryAttempt,
    MessageTemplate,
    Notification,
    NotificationPreference,
    ReminderPolicy,
    Status,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from notifications.services import notifications_resend
from notifications.tasks.delivery import publish_webhooks


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ["number", "at", "outcome", "error", "provider_ref"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "channel", "kind", "status", "attempts", "dossier", "sent_at"]
    list_filter = ["status", "channel", "kind", "language"]
    search_fields = ["recipient__email", "dossier__code", "address", "key"]
    list_select_related = ["recipient", "dossier"]
    date_hierarchy = "created_at"
    ordering = ["-created_at"]
    raw_id_fields = ["recipient", "dossier", "event"]
    inlines = [DeliveryAttemptInline]
    actions = ["resend"]
    # The outbox is a record of what was said to citizens: read it, resend it, never rewrite it.
    readonly_fields = [
        "id",
        "key",
        "recipient",
        "dossier",
        "event",
        "channel",
        "kind",
        "language",
        "address",
        "subject",
        "body_text",
        "body_html",
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "last_error",
        "provider_ref",
        "created_at",
        "sent_at",
        "read_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Gửi lại"), permissions=["change"])
    def resend(self, request, queryset):
        count = notifications_resend(notification_ids=queryset.values_list("pk", flat=True))
        skipped = queryset.count() - count
        self.message_user(
            request,
            _("Đã xếp %(count)d thông báo vào hàng đợi gửi lại.") % {"count": count},
            messages.SUCCESS,
        )
        if skipped:
            self.message_user(
                request,
                _("%(count)d thông báo đang được gửi nên không gửi lại.") % {"count": skipped},
                messages.WARNING,
            )


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "staff_mode", "daily_digest", "updated_at"]
    list_filter = ["staff_mode", "daily_digest"]
    search_fields = ["user__email", "user__full_name"]
    raw_id_fields = ["user"]


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(admin.ModelAdmin):
    """The schedules of reminders, escalations and digests: the default row and any agency's own."""

    list_display = [
        "__str__",
        "enabled",
        "office_start",
        "office_end",
        "near_due_days",
        "escalate_agency_after_days",
        "digest_time",
        "supplement_reminder_days",
        "draft_reminder_days",
    ]
    list_filter = ["enabled"]
    autocomplete_fields = ["agency"]
    fieldsets = [
        (None, {"fields": ["agency", "enabled", ("office_start", "office_end")]}),
        (
            _("Cán bộ xử lý và lãnh đạo"),
            {
                "fields": [
                    "near_due_days",
                    "escalate_department_after_days",
                    "escalate_agency_after_days",
                    "agency_leader_department",
                    ("apology_enabled", "apology_offer_days"),
                    ("digest_enabled", "digest_time"),
                ]
            },
        ),
        (
            _("Người nộp hồ sơ"),
            {
                "fields": [
                    ("supplement_reminder_days", "supplement_reminder_max"),
                    ("draft_reminder_days", "draft_reminder_max_age_days"),
                ]
            },
        ),
    ]


class MessageTemplateForm(forms.ModelForm):
    name = forms.ChoiceField(label=_("Mẫu"), choices=[(name, name) for name in texts.MESSAGES])

    class Meta:
        model = MessageTemplate
        fields = ["name", "language", "subject", "body", "sms", "is_active"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12, "cols": 100}), "sms": forms.Textarea(attrs={"rows": 3})}


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    """Admins reword any message in either language; the built-in text stays the fallback."""

    form = MessageTemplateForm
    list_display = ["name", "language", "subject", "is_active", "updated_at"]
    list_filter = ["language", "is_active", "name"]
    search_fields = ["name", "subject", "body"]
    readonly_fields = ["built_in", "available_placeholders"]

    def get_fields(self, request, obj=None):
        return ["name", "language", "subject", "body", "sms", "is_active", "available_placeholders", "built_in"]

    @admin.display(description=_("Trường dùng được"))
    def available_placeholders(self, obj) -> str:
        if not obj or obj.name not in texts.MESSAGES:
            return " · ".join(
                f"{name}: " + ", ".join("{" + p + "}" for p in texts.placeholders(name)) for name in texts.MESSAGES
            )
        return ", ".join("{" + p + "}" for p in texts.placeholders(obj.name))

    @admin.display(description=_("Nội dung mặc định"))
    def built_in(self, obj):
        if not obj or obj.name not in texts.MESSAGES:
            return "—"
        message = texts.MESSAGES[obj.name]
        lang = obj.language if obj.language in message.subject else "vi"
        rows = [(message.subject[lang],), *((p,) for p in message.paragraphs[lang]), (f"SMS: {message.sms[lang]}",)]
        return format_html_join("", "<p>{}</p>", rows)


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    extra = 0
    can_delete = False
    fields = ["number", "at", "outcome", "response_status", "duration_ms", "error", "response_body"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "agency", "is_active", "consecutive_failures", "disabled_at", "created_at"]
    list_filter = ["is_active", "agency"]
    search_fields = ["url", "description", "agency__name", "agency__identity_code"]
    autocomplete_fields = ["agency"]
    readonly_fields = ["consecutive_failures", "disabled_at", "created_at"]
    actions = ["enable"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.action(description=_("Bật lại (đặt lại số lần lỗi)"), permissions=["change"])
    def enable(self, request, queryset):
        count = queryset.update(is_active=True, consecutive_failures=0, disabled_at=None)
        self.message_user(request, _("Đã bật lại %(count)d webhook.") % {"count": count}, messages.SUCCESS)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "endpoint", "event_type", "status", "attempts", "response_status", "delivered_at"]
    list_filter = ["status", "event_type"]
    search_fields = ["endpoint__url", "key"]
    list_select_related = ["endpoint"]
    date_hierarchy = "created_at"
    inlines = [WebhookAttemptInline]
    actions = ["resend"]
    readonly_fields = [
        "id",
        "key",
        "endpoint",
        "event",
        "event_type",
        "body",
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_at",
        "last_error",
        "response_status",
        "created_at",
        "delivered_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Gửi lại"), permissions=["change"])
    def resend(self, request, queryset):
        with transaction.atomic():
            ids = list(queryset.exclude(status=Status.SENDING).values_list("pk", flat=True))
            WebhookDelivery.objects.filter(pk__in=ids).update(
                status=Status.CREATED, attempts=0, next_attempt_at=timezone.now(), claimed_at=None, last_error=""
            )
            transaction.on_commit(lambda: publish_webhooks(ids))
        self.message_user(
            request, _("Đã xếp %(count)d lần gửi webhook vào hàng đợi.") % {"count": len(ids)}, messages.SUCCESS
        )
