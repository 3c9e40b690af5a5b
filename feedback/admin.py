from django.contrib import admin

from feedback.models import DossierMessage, Feedback, FeedbackEvent


class EventInline(admin.TabularInline):
    model = FeedbackEvent
    extra = 0
    can_delete = False
    readonly_fields = ("action", "actor", "from_status", "to_status", "content", "at")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ("code", "category", "status", "agency", "due_at", "published_at")
    list_filter = ("category", "status", "agency")
    search_fields = ("code", "title")
    readonly_fields = [field.name for field in Feedback._meta.fields]
    inlines = [EventInline]

    def has_add_permission(self, request):
        return False


@admin.register(DossierMessage)
class DossierMessageAdmin(admin.ModelAdmin):
    list_display = ("dossier", "from_applicant", "created_at")
    readonly_fields = ("dossier", "author", "from_applicant", "body", "created_at")

    def has_add_permission(self, request):
        return False
