from django.contrib import admin

from payments.models import AgencyPaymentSettings, PaymentAttempt, PaymentRequest, ProviderNotification, Refund


@admin.register(AgencyPaymentSettings)
class AgencyPaymentSettingsAdmin(admin.ModelAdmin):
    list_display = ("agency", "providers")


class ReadOnly(admin.ModelAdmin):
    """Money records are written by the payments service only; the admin reads them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PaymentRequest)
class PaymentRequestAdmin(ReadOnly):
    list_display = ("dossier", "purpose", "amount", "status", "created_at", "paid_at")
    list_filter = ("status", "purpose")


@admin.register(PaymentAttempt)
class PaymentAttemptAdmin(ReadOnly):
    list_display = ("reference", "provider", "amount", "status", "created_at", "finished_at", "receipt_number")
    list_filter = ("status", "provider")
    search_fields = ("reference", "provider_txn_id", "dossier__code")


@admin.register(ProviderNotification)
class ProviderNotificationAdmin(ReadOnly):
    list_display = ("received_at", "provider", "source", "reference", "signature_valid", "outcome")
    list_filter = ("provider", "source", "signature_valid")
    search_fields = ("reference",)


@admin.register(Refund)
class RefundAdmin(ReadOnly):
    list_display = ("attempt", "amount", "status", "created_by", "created_at")
