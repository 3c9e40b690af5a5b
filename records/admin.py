from django.contrib import admin

from records.models import RegisterBook, SignedResult, SigningKey, StoredDocument


@admin.register(SigningKey)
class SigningKeyAdmin(admin.ModelAdmin):
    list_display = ("agency", "backend", "signer_title", "place", "is_active")
    list_filter = ("backend", "is_active")
    search_fields = ("agency__name", "agency__identity_code")


@admin.register(RegisterBook)
class RegisterBookAdmin(admin.ModelAdmin):
    list_display = ("agency", "year", "last_number")
    readonly_fields = ("agency", "year", "last_number")  # numbers are taken under a lock by the signing service


@admin.register(SignedResult)
class SignedResultAdmin(admin.ModelAdmin):
    """Read-only: a signed result changes only through revocation (API, by a leader of the issuing agency)."""

    list_display = ("verification_code", "dossier", "agency", "register_number", "signed_at", "revoked_at")
    list_filter = ("agency",)
    search_fields = ("verification_code", "dossier__code")
    list_select_related = ("dossier", "agency")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StoredDocument)
class StoredDocumentAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "kind", "issued_at")
    list_filter = ("kind",)
    list_select_related = ("owner",)
    raw_id_fields = ("owner", "document")
