"""allauth adapter: keeps emails lower-case and fills the full name at signup."""

from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
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
