"""Forms for allauth's browser flows (wired through ACCOUNT_FORMS in settings)."""

from __future__ import annotations

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.utils.translation import gettext_lazy as _

from citizens.models import User


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


class ProfileForm(forms.ModelForm):
    """What a person keeps on their account: identity and contact details, and how they want to be told."""

    class Meta:
        model = User
        fields = [
            "full_name",
            "national_id",
            "phone",
            "address",
            "language",
            "notify_email",
            "notify_sms",
            "notify_inapp",
        ]
        labels = {
            "full_name": _("Họ và tên"),
            "national_id": _("Số định danh cá nhân"),
            "phone": _("Số điện thoại"),
            "address": _("Địa chỉ liên hệ"),
            "language": _("Ngôn ngữ nhận thông báo và hiển thị"),
            "notify_email": _("Qua email"),
            "notify_sms": _("Qua tin nhắn SMS"),
            "notify_inapp": _("Trong cổng (mục thông báo)"),
        }
        help_texts = {
            "national_id": _("12 chữ số, in trên thẻ căn cước."),
            "phone": _("Ví dụ 0912345678. Cần có để nhận SMS."),
        }
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "national_id": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 12, "class": "input--short mono"}
            ),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
            "address": forms.TextInput(attrs={"autocomplete": "street-address"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.national_id_verified_at:
            # Verified from the e-ID or at the desk: locked (citizens.services.national_id_verify).
            field = self.fields["national_id"]
            field.disabled = True
            field.help_text = _("Đã xác thực (%(source)s), không sửa được.") % {
                "source": self.instance.get_national_id_source_display()
            }
        else:
            self.fields["national_id"].help_text = _(
                "12 chữ số, in trên thẻ căn cước. Số tự nhập chỉ là thông tin tham khảo; số được xác thực khi bạn "
                "đăng nhập bằng VNeID hoặc khi bộ phận một cửa đối chiếu thẻ."
            )

    def clean_national_id(self):
        if self.instance.national_id_verified_at:
            return self.instance.national_id
        value = (self.cleaned_data.get("national_id") or "").strip()
        return value or None

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("notify_sms") and not cleaned.get("phone"):
            self.add_error("phone", _("Cần số điện thoại để nhận thông báo qua SMS."))
        return cleaned
