"""Admin for the email-login user model and the staff memberships that give officers their roles."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from citizens.models import StaffMembership, User


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class StaffMembershipInline(admin.TabularInline):
    model = StaffMembership
    extra = 0
    fields = ("agency", "department", "role", "is_active")
    autocomplete_fields = ("agency",)
    verbose_name = _("vai trò tại cơ quan")
    verbose_name_plural = _("vai trò tại cơ quan")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    list_display = ("email", "full_name", "national_id", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_superuser", "is_active", "language")
    search_fields = ("email", "full_name", "national_id", "phone")
    ordering = ("email",)
    readonly_fields = (
        "last_login",
        "date_joined",
        "national_id_verified_at",
        "national_id_verified_by",
        "national_id_source",
        "assurance_level",
    )

    def get_readonly_fields(self, request, obj=None):
        fields = tuple(super().get_readonly_fields(request, obj))
        # A verified national ID is locked, in the admin too.
        return fields + ("national_id",) if obj is not None and obj.national_id_verified_at else fields

    filter_horizontal = ("groups", "user_permissions")
    inlines = [StaffMembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Thông tin cá nhân"), {"fields": ("full_name", "national_id", "phone", "address", "language")}),
        (
            _("Xác thực danh tính"),
            {
                "fields": (
                    "national_id_verified_at",
                    "national_id_verified_by",
                    "national_id_source",
                    "assurance_level",
                    "date_of_birth",
                )
            },
        ),
        (_("Thông báo"), {"fields": ("notify_email", "notify_sms", "notify_inapp")}),
        (
            _("Quyền"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Thời gian"), {"fields": ("last_login", "date_joined")}),
    )

    def get_inline_instances(self, request, obj=None):
        # The add page asks only for email and password (like Django's own); roles are added on the next page.
        return super().get_inline_instances(request, obj) if obj is not None else []

    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )


@admin.register(StaffMembership)
class StaffMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "agency", "department", "role", "is_active")
    list_filter = ("role", "is_active", "agency")
    search_fields = ("user__email", "user__full_name", "agency__name", "agency__identity_code")
    list_select_related = ("user", "agency", "department")
    autocomplete_fields = ("user", "agency")
