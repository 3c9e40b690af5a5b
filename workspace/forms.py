"""One small Django form per workflow action on the officer's dossier page. Each turns its cleaned data into the
payload `dossier_perform_action` expects; the version the officer saw travels in a hidden field."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from procedures.fees import dossier_fee_breakdown
from procedures.models import Dossier, Outcome
from procedures.services.calendar import portal_tz
from procedures.workflow import Action
from workspace.selectors import agency_officers


class ActionForm(forms.Form):
    action: Action
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, dossier: Dossier, **kwargs):
        self.dossier = dossier
        kwargs.setdefault("prefix", self.action.value)
        kwargs.setdefault("initial", {}).setdefault("version", dossier.version)
        super().__init__(*args, **kwargs)

    def payload(self) -> dict:
        return {}


class CommentMixin(forms.Form):
    comment = forms.CharField(
        label=_("Ghi chú (không bắt buộc)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonMixin(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def payload(self) -> dict:
        return {"reason": self.cleaned_data["reason"].strip()}


class AcceptForm(CommentMixin, ActionForm):
    action = Action.ACCEPT

    def payload(self) -> dict:
        return {"comment": self.cleaned_data["comment"]}


class SupplementRequestForm(ActionForm):
    action = Action.REQUEST_SUPPLEMENT
    documents = forms.MultipleChoiceField(
        label=_("Thành phần hồ sơ cần bổ sung"), required=False, widget=forms.CheckboxSelectMultiple
    )
    fields = forms.MultipleChoiceField(
        label=_("Thông tin cần sửa trong tờ khai"), required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(
        label=_("Nội dung yêu cầu khác (mỗi dòng một mục)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        version = self.dossier.procedure_version
        self.fields["documents"].choices = [(d["code"], d.get("name") or d["code"]) for d in version.documents]
        self.fields["fields"].choices = [
            (f["key"], f.get("label") or f["key"]) for f in version.form_fields if f.get("type") != "heading"
        ]

    def clean(self):
        data = super().clean()
        if not (data.get("documents") or data.get("fields") or (data.get("note") or "").strip()):
            raise forms.ValidationError(_("Chọn ít nhất một mục cần bổ sung hoặc ghi rõ nội dung."))
        return data

    def payload(self) -> dict:
        labels_doc = dict(self.fields["documents"].choices)
        labels_field = dict(self.fields["fields"].choices)
        items = [str(_("Bổ sung: %(name)s")) % {"name": labels_doc[c]} for c in self.cleaned_data["documents"]]
        items += [str(_("Sửa thông tin: %(name)s")) % {"name": labels_field[k]} for k in self.cleaned_data["fields"]]
        items += [line.strip() for line in self.cleaned_data["note"].splitlines() if line.strip()]
        return {"items": items, "documents": self.cleaned_data["documents"], "fields": self.cleaned_data["fields"]}


class RefuseForm(ReasonMixin, ActionForm):
    action = Action.REFUSE


class ForwardForm(CommentMixin, ActionForm):
    action = Action.FORWARD
    assignee = forms.TypedChoiceField(
        label=_("Chuyển cho cán bộ (không bắt buộc)"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, officers=None, next_step_officers=None, **kwargs):
        super().__init__(*args, **kwargs)
        people = next_step_officers if next_step_officers is not None else []
        self.fields["assignee"].choices = [("", _("— Để phòng ban tự phân công —"))] + [
            (u.pk, u.get_full_name()) for u in people
        ]

    def payload(self) -> dict:
        payload = {"comment": self.cleaned_data["comment"]}
        if self.cleaned_data.get("assignee"):
            payload["assignee"] = self.cleaned_data["assignee"]
        return payload


class SendBackForm(ReasonMixin, ActionForm):
    action = Action.SEND_BACK


class RequestPaymentForm(ActionForm):
    action = Action.REQUEST_PAYMENT
    amount = forms.IntegerField(label=_("Số tiền (đồng)"), min_value=1, max_value=10**12)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Prefilled with the computed fees (procedures/fees.py), the figure the applicant saw when filing.
        self.fields["amount"].initial = dossier_fee_breakdown(self.dossier).total or self.dossier.fee_amount or None

    def payload(self) -> dict:
        return {"amount": self.cleaned_data["amount"]}


class ExtendForm(ReasonMixin, ActionForm):
    action = Action.EXTEND
    due_at = forms.DateField(label=_("Ngày hẹn trả mới"), widget=forms.DateInput(attrs={"type": "date"}))

    field_order = ["version", "due_at", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.dossier.due_at:
            self.fields["due_at"].initial = (
                timezone.localtime(self.dossier.due_at, portal_tz()) + timedelta(days=1)
            ).date()

    def payload(self) -> dict:
        return {"due_at": self.cleaned_data["due_at"].isoformat(), "reason": self.cleaned_data["reason"].strip()}


class StopForm(ReasonMixin, ActionForm):
    action = Action.STOP


class CompleteForm(CommentMixin, ActionForm):
    action = Action.COMPLETE
    outcome = forms.ChoiceField(
        label=_("Kết quả giải quyết"), choices=Outcome.choices, widget=forms.RadioSelect, initial=Outcome.APPROVED
    )
    result_source = forms.ChoiceField(
        label=_("Văn bản kết quả"),
        choices=[
            ("upload", _("Tải lên tệp kết quả đã ký (PDF hoặc ảnh)")),
            ("generate", _("Tạo PDF từ mẫu kết quả của thủ tục")),
            ("none", _("Không kèm văn bản (kết quả giấy trả tại bộ phận một cửa)")),
        ],
        widget=forms.RadioSelect,
        initial="upload",
    )
    result_file = forms.FileField(label=_("Tệp kết quả"), required=False)
    field_order = ["version", "outcome", "result_source", "result_file", "comment"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.dossier.procedure_version.result_template:
            self.fields["result_source"].choices = [
                c for c in self.fields["result_source"].choices if c[0] != "generate"
            ]

    def clean(self):
        data = super().clean()
        if data.get("result_source") == "upload" and not data.get("result_file"):
            self.add_error("result_file", _("Chọn tệp kết quả để tải lên."))
        return data

    def payload(self) -> dict:
        return {"outcome": self.cleaned_data["outcome"], "comment": self.cleaned_data["comment"]}


class DeliverForm(ActionForm):
    action = Action.DELIVER
    channel = forms.ChoiceField(
        label=_("Hình thức trả"),
        choices=[("desk", _("Tại bộ phận một cửa")), ("post", _("Qua bưu chính")), ("online", _("Trực tuyến"))],
        initial="desk",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Default to what the citizen chose on the form ("delivery_method": online / counter / post), else the desk.
        chosen = (self.dossier.data or {}).get("delivery_method")
        channel = CITIZEN_DELIVERY_CHOICES.get(chosen if isinstance(chosen, str) else "")
        if channel and not self.is_bound:
            self.initial["channel"] = channel

    def payload(self) -> dict:
        return {"channel": self.cleaned_data["channel"]}


# The catalogue's "delivery_method" answers, mapped to the deliver action's channels.
CITIZEN_DELIVERY_CHOICES = {"online": "online", "counter": "desk", "desk": "desk", "post": "post"}


class ApproveWithdrawalForm(CommentMixin, ActionForm):
    action = Action.APPROVE_WITHDRAWAL

    def payload(self) -> dict:
        return {"comment": self.cleaned_data["comment"]}


class RejectWithdrawalForm(ReasonMixin, ActionForm):
    action = Action.REJECT_WITHDRAWAL


class AssignForm(ActionForm):
    action = Action.ASSIGN
    assignee = forms.TypedChoiceField(label=_("Cán bộ xử lý"), coerce=int)

    def __init__(self, *args, officers=None, **kwargs):
        super().__init__(*args, **kwargs)
        people = officers if officers is not None else agency_officers(self.dossier.agency_id)
        self.fields["assignee"].choices = [(u.pk, u.get_full_name()) for u in people]
        if self.dossier.assignee_id:
            self.fields["assignee"].initial = self.dossier.assignee_id

    def payload(self) -> dict:
        return {"assignee": self.cleaned_data["assignee"]}


class CommentForm(ActionForm):
    action = Action.COMMENT
    comment = forms.CharField(
        label=_("Ghi chú nội bộ (chỉ cán bộ thấy)"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def payload(self) -> dict:
        return {"comment": self.cleaned_data["comment"].strip()}


ACTION_FORMS: dict[Action, type[ActionForm]] = {
    form.action: form
    for form in (
        AcceptForm,
        SupplementRequestForm,
        RefuseForm,
        ForwardForm,
        SendBackForm,
        RequestPaymentForm,
        ExtendForm,
        StopForm,
        CompleteForm,
        DeliverForm,
        ApproveWithdrawalForm,
        RejectWithdrawalForm,
        AssignForm,
        CommentForm,
    )
}


class ApplicantForm(forms.Form):
    """Who walked in: found by national ID (or email), created without a password otherwise."""

    national_id = forms.RegexField(
        label=_("Số định danh cá nhân"),
        regex=r"^\d{12}$",
        max_length=12,
        error_messages={"invalid": _("Gồm đúng 12 chữ số.")},
    )
    full_name = forms.CharField(
        label=_("Họ và tên"), max_length=150, required=False, help_text=_("Bắt buộc nếu công dân chưa có tài khoản.")
    )
    email = forms.EmailField(
        label=_("Email (không bắt buộc)"),
        required=False,
        help_text=_("Công dân có thể nhận tài khoản sau qua chức năng đặt lại mật khẩu."),
    )
    phone = forms.RegexField(
        label=_("Số điện thoại (không bắt buộc)"), regex=r"^(0|\+84)\d{9}$", required=False, max_length=16
    )
    card_checked = forms.BooleanField(
        label=_("Tôi đã đối chiếu thẻ căn cước gốc với người nộp"),
        required=False,
        help_text=_("Số định danh được xác thực cho tài khoản của công dân, ghi nhận tên bạn và thời điểm."),
    )
    # The account the officer was shown and confirmed (name and email): nothing is attached to an account unseen.
    confirm_account = forms.IntegerField(required=False, widget=forms.HiddenInput)
    prefix = "applicant"
