"""Forms for allauth's browser flows (wired through ACCOUNT_FORMS in settings)."""

from __future__ import annotations

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _


class SignupForm(AllauthSignupForm):
    """allauth's signup plus the person's full name; `citizens.adapters.AccountAdapter.save_user` stores it."""

    full_name = forms.CharField(
        label=_("Họ và tên"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    field_order = ["full_name", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # allauth's labels and placeholders are English-only; the portal's own come through Django i18n.
        labels = {"email": _("Email"), "password1": _("Mật khẩu"), "password2": _("Nhập lại mật khẩu")}
        for name, label in labels.items():
            if name in self.fields:
                self.fields[name].label = label
                self.fields[name].widget.attrs.pop("placeholder", None)

    def clean_full_name(self) -> str:
        full_name = " ".join(self.cleaned_data["full_name"].split())
        if not full_name:
            raise forms.ValidationError(_("Vui lòng nhập họ và tên."))
        return full_name
