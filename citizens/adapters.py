"""allauth adapter: keeps emails lower-case, fills the full name at signup, lands staff on their queue."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

# Roles that work dossiers in the workspace (/can-bo/); their day starts at their queue, not the citizen home page.
WORKSPACE_ROLES = ("reception", "specialist", "leader")


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        url = super().get_login_redirect_url(request)
        user = request.user
        if url == resolve_url(settings.LOGIN_REDIRECT_URL) and user.is_authenticated:
            # Only when no ?next= was asked for: a link from an e-mail still opens its page.
            if user.memberships.filter(is_active=True, role__in=WORKSPACE_ROLES).exists():
                return reverse("workspace:home")
        return url

    def clean_email(self, email: str) -> str:
        return super().clean_email(email).strip().lower()

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        full_name = (form.cleaned_data.get("full_name") or "").strip() if hasattr(form, "cleaned_data") else ""
        if full_name:
            user.full_name = full_name
        if commit:
            user.save()
        return user
