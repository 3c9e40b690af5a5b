"""Django admin for staff: the catalogue is editable while in draft; dossiers and their history are read-only.

Dossier state only ever changes through `procedures.services` (one audited code path), so nothing here edits a
dossier, an event or a document. Publishing a version goes through `version_publish`, which checks it first.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from procedures.errors import InvalidInput
from procedures.models import (
    Agency,
    CalendarOverride,
    Department,
    Document,
    Dossier,
    DossierEvent,
    Field,
    Procedure,
    ProcedurePublication,
    ProcedureStep,
    ProcedureVersion,
    Status,
    VersionStatus,
)
from procedures.selectors import is_overdue
from procedures.services.catalogue import version_publish

admin.site.site_header = _("Một Cửa — Quản trị")
admin.site.site_title = _("Một Cửa — Quản trị")
admin.site.index_title = _("Quản trị cổng dịch vụ công")


def visible_dossiers(request: HttpRequest) -> QuerySet[Dossier]:
    """Filed dossiers the staff member may see: all of them for a system admin, their agencies' otherwise.

    Drafts are the applicant's private work and never appear here."""
    return Dossier.objects.visible_to(request.user).exclude(status=Status.DRAFT)


class ReadOnlyAdminMixin:
    """View-only: staff can inspect and search, never add, change or delete."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


# --- agencies and calendar ------------------------------------------------------------------------------------


class DepartmentInline(admin.TabularInline):
    model = Department
    extra = 0
    fields = ("code", "name", "name_en")


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("identity_code", "name", "level", "parent", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("identity_code", "name", "name_en")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    inlines = [DepartmentInline]


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "reason")
    list_filter = ("kind",)
    search_fields = ("reason",)
    date_hierarchy = "date"


# --- catalogue ------------------------------------------------------------------------------------------------


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_en")
    search_fields = ("code", "name", "name_en")


class ProcedureVersionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ProcedureVersion
    extra = 0
    fields = ("number", "status", "published_at", "effective_date", "fee", "time_limit_value", "time_limit_unit")
    readonly_fields = fields
    show_change_link = True
    ordering = ("-number",)


class ProcedurePublicationInline(admin.TabularInline):
    """Announcement and publication records (Decision 766 indicators 1.1, 1.2)."""

    model = ProcedurePublication
    extra = 0
    fields = ("decision_number", "decision_date", "legal_basis_effective_date", "published_on", "note")


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "field", "agency", "online_level", "current_version", "is_active")
    list_filter = ("online_level", "is_active", "field", "agency")
    search_fields = ("code", "name", "name_en", "search_text")
    list_select_related = ("field", "agency", "current_version")
    autocomplete_fields = ("field", "agency")
    # The current version changes only by publishing one (see ProcedureVersionAdmin's action).
    readonly_fields = ("current_version", "template_editor")
    inlines = [ProcedureVersionInline, ProcedurePublicationInline]

    @admin.display(description=_("trình soạn mẫu thủ tục"))
    def template_editor(self, obj: Procedure) -> str:
        # Forms, documents, steps and routing are edited in the dedicated editor (formsets, drafts, diff, publish).
        if obj is None or obj.pk is None:
            return "—"
        try:
            url = reverse("procedure_editor:detail", kwargs={"code": obj.code})
        except NoReverseMatch:
            return "—"
        return format_html('<a href="{}">{}</a>', url, _("Mở trình soạn mẫu thủ tục"))


class ProcedureStepInline(admin.TabularInline):
    model = ProcedureStep
    extra = 0
    fields = ("position", "name", "name_en", "department_code", "role", "allotted_days")

    def _editable(self, obj) -> bool:
        return obj is None or obj.status == VersionStatus.DRAFT

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(admin.ModelAdmin):
    list_display = ("procedure", "number", "status", "published_at", "effective_date", "fee")
    list_filter = ("status",)
    search_fields = ("procedure__code", "procedure__name")
    list_select_related = ("procedure",)
    autocomplete_fields = ("procedure",)
    inlines = [ProcedureStepInline]
    actions = ["publish"]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        # A published (or retired) version is immutable: dossiers in flight were filed under it.
        if obj is not None and obj.status != VersionStatus.DRAFT:
            return [f.name for f in self.model._meta.fields]
        return ("status", "published_at", "created_at")

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and obj.status != VersionStatus.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description=_("Công bố các phiên bản đã chọn"))
    def publish(self, request: HttpRequest, queryset: QuerySet[ProcedureVersion]) -> None:
        published = 0
        for version in queryset.select_related("procedure__agency").filter(status=VersionStatus.DRAFT):
            try:
                version_publish(version=version)
            except InvalidInput as exc:
                problems = "; ".join(p for items in exc.errors.values() for p in items)
                self.message_user(request, f"{version}: {exc.message} {problems}", messages.ERROR)
            else:
                published += 1
        if published:
            self.message_user(
                request,
                ngettext("Đã công bố %(n)d phiên bản.", "Đã công bố %(n)d phiên bản.", published) % {"n": published},
                messages.SUCCESS,
            )


# --- dossiers (read-only) -------------------------------------------------------------------------------------


class DossierEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = DossierEvent
    extra = 0
    fields = ("at", "action", "from_status", "to_status", "step", "actor", "comment", "internal")
    readonly_fields = fields
    ordering = ("at", "id")


class DocumentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Document
    extra = 0
    # The file itself is private and served by a permission-checked view, never by a storage URL.
    fields = ("kind", "requirement", "name", "size", "content_type", "created_at")
    readonly_fields = fields


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("code", "procedure_name", "agency", "status", "channel", "submitted_at", "due_at", "overdue")
    list_filter = ("status", "agency", "channel", "outcome")
    search_fields = ("code",)
    list_select_related = ("procedure", "agency")
    date_hierarchy = "submitted_at"
    exclude = ("procedure_version",)
    inlines = [DocumentInline, DossierEventInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Dossier]:
        return visible_dossiers(request).select_related("procedure", "agency")

    @admin.display(description=_("thủ tục"), ordering="procedure__name")
    def procedure_name(self, obj: Dossier) -> str:
        return str(obj.procedure)

    @admin.display(boolean=True, description=_("quá hạn"))
    def overdue(self, obj: Dossier) -> bool:
        return is_overdue(obj)


@admin.register(DossierEvent)
class DossierEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "dossier", "action", "from_status", "to_status", "actor", "internal")
    list_filter = ("action", "internal")
    search_fields = ("dossier__code",)
    list_select_related = ("dossier", "actor")
    date_hierarchy = "at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[DossierEvent]:
        return super().get_queryset(request).filter(dossier__in=visible_dossiers(request))


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "dossier", "kind", "requirement", "size", "content_type", "created_at")
    list_filter = ("kind",)
    search_fields = ("dossier__code", "name")
    list_select_related = ("dossier",)
    exclude = ("file",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Document]:
        return super().get_queryset(request).filter(dossier__in=visible_dossiers(request))
