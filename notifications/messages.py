"""Applicant message texts, Vietnamese first with an English twin.

Kept as data beside each other (rather than in .po files) so a reviewer sees both languages of one message at once
and an agency can reword one without touching code elsewhere. Each paragraph is a `str.format` template; a paragraph
whose placeholders are all empty is left out, so optional parts (a comment, a reason) need no conditionals.
The HTML e-mail wraps the same paragraphs in `notifications/email.html`.

SMS texts are written with diacritics like everything else and folded to plain ASCII when rendered: a Vietnamese
SMS with diacritics is sent as UCS-2 (70 characters a segment instead of 160), so carriers' templates drop them.
A provider that bills Unicode the same can use the unfolded text later.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from string import Formatter
from typing import NamedTuple


class Message(NamedTuple):
    subject: Mapping[str, str]
    paragraphs: Mapping[str, tuple[str, ...]]
    sms: Mapping[str, str]


GREETING = {"vi": "Kính gửi Ông/Bà {name},", "en": "Dear {name},"}
SIGNATURE = {
    "vi": "Trân trọng,\nCổng dịch vụ công Một Cửa\n{site_url}",
    "en": "Kind regards,\nMột Cửa public service portal\n{site_url}",
}
TRACK = {
    "vi": "Ông/Bà có thể tra cứu tình trạng hồ sơ bằng mã {code}.",
    "en": "You can track the dossier with its code {code}.",
}

MESSAGES: dict[str, Message] = {
    "submitted": Message(
        subject={"vi": "Hồ sơ {code} đã được nộp", "en": "Dossier {code} has been submitted"},
        paragraphs={
            "vi": (
                "Hồ sơ “{procedure}” của Ông/Bà đã được nộp lúc {submitted_at} và được cấp mã hồ sơ {code}.",
                "Cơ quan tiếp nhận: {agency}. Cơ quan sẽ kiểm tra và thông báo khi hồ sơ được tiếp nhận.",
            ),
            "en": (
                "Your dossier “{procedure}” was submitted at {submitted_at} and given the code {code}.",
                "Receiving agency: {agency}. The agency will check it and let you know when it is accepted.",
            ),
        },
        sms={
            "vi": "Hồ sơ {code} đã được nộp lúc {submitted_at}.",
            "en": "Dossier {code} was submitted at {submitted_at}.",
        },
    ),
    "accepted": Message(
        subject={"vi": "Hồ sơ {code} đã được tiếp nhận", "en": "Dossier {code} has been accepted"},
        paragraphs={
            "vi": (
                "Hồ sơ “{procedure}” (mã {code}) đã được {agency} tiếp nhận ngày {accepted_date}.",
                "Ngày hẹn trả kết quả: {due_date}.",
            ),
            "en": (
                "Your dossier “{procedure}” (code {code}) was accepted by {agency} on {accepted_date}.",
                "The result is due on {due_date}.",
            ),
        },
        sms={
            "vi": "Hồ sơ {code} đã được tiếp nhận. Ngày hẹn trả kết quả: {due_date}.",
            "en": "Dossier {code} accepted. Result due on {due_date}.",
        },
    ),
    "supplement_requested": Message(
        subject={"vi": "Hồ sơ {code} cần bổ sung", "en": "Dossier {code} needs more documents"},
        paragraphs={
            "vi": (
                "Hồ sơ “{procedure}” (mã {code}) cần được bổ sung, hoàn thiện các nội dung sau:",
                "{items}",
                "Ghi chú của cán bộ: {comment}",
                "Xin Ông/Bà đăng nhập Cổng dịch vụ công để bổ sung hồ sơ. Thời hạn giải quyết tạm dừng cho đến khi "
                "hồ sơ được bổ sung đầy đủ.",
            ),
            "en": (
                "Your dossier “{procedure}” (code {code}) needs the following to be added or corrected:",
                "{items}",
                "Officer's note: {comment}",
                "Please sign in to the portal to supplement the dossier. The processing time is paused until the "
                "dossier is complete.",
            ),
        },
        sms={
            "vi": "Hồ sơ {code} cần bổ sung. Vui lòng đăng nhập Cổng dịch vụ công để xem chi tiết.",
            "en": "Dossier {code} needs more documents. Please sign in to the portal for details.",
        },
    ),
    "refused": Message(
        subject={"vi": "Hồ sơ {code} không được tiếp nhận", "en": "Dossier {code} was not accepted"},
        paragraphs={
            "vi": ("Hồ sơ “{procedure}” (mã {code}) không được {agency} tiếp nhận.", "Lý do: {reason}"),
            "en": ("Your dossier “{procedure}” (code {code}) was not accepted by {agency}.", "Reason: {reason}"),
        },
        sms={"vi": "Hồ sơ {code} không được tiếp nhận.", "en": "Dossier {code} was not accepted."},
    ),
    "payment_requested": Message(
        subject={
            "vi": "Hồ sơ {code}: đề nghị thực hiện nghĩa vụ tài chính",
            "en": "Dossier {code}: payment requested",
        },
        paragraphs={
            "vi": (
                "Để tiếp tục xử lý hồ sơ “{procedure}” (mã {code}), Ông/Bà cần nộp số tiền {amount}.",
                "Ghi chú của cán bộ: {comment}",
                "Ông/Bà có thể thanh toán trực tuyến trên Cổng dịch vụ công hoặc tại bộ phận một cửa.",
            ),
            "en": (
                "To continue processing your dossier “{procedure}” (code {code}), please pay {amount}.",
                "Officer's note: {comment}",
                "You can pay online on the portal or at the reception desk.",
            ),
        },
        sms={"vi": "Hồ sơ {code}: đề nghị nộp {amount}.", "en": "Dossier {code}: please pay {amount}."},
    ),
    "extended": Message(
        subject={
            "vi": "Hồ sơ {code}: thư xin lỗi và hẹn lại ngày trả kết quả",
            "en": "Dossier {code}: our apologies and a new due date",
        },
        paragraphs={
            "vi": (
                "{agency} thành thật xin lỗi Ông/Bà vì hồ sơ “{procedure}” (mã {code}) chưa được giải quyết "
                "đúng hẹn ngày {previous_due_date}.",
                "Lý do: {reason}",
                "Ngày hẹn trả kết quả mới: {due_date}. Mong Ông/Bà thông cảm.",
            ),
            "en": (
                "{agency} sincerely apologises: your dossier “{procedure}” (code {code}) could not be settled by "
                "the promised date of {previous_due_date}.",
                "Reason: {reason}",
                "The new due date is {due_date}. Thank you for your understanding.",
            ),
        },
        sms={
            "vi": "Xin lỗi: hồ sơ {code} được hẹn lại ngày trả kết quả {due_date}.",
            "en": "We apologise: dossier {code} is now due on {due_date}.",
        },
    ),
    "stopped": Message(
        subject={"vi": "Hồ sơ {code} đã bị dừng xử lý", "en": "Processing of dossier {code} has stopped"},
        paragraphs={
            "vi": ("{agency} đã dừng xử lý hồ sơ “{procedure}” (mã {code}).", "Lý do: {reason}"),
            "en": ("{agency} has stopped processing your dossier “{procedure}” (code {code}).", "Reason: {reason}"),
        },
        sms={"vi": "Hồ sơ {code} đã bị dừng xử lý.", "en": "Processing of dossier {code} has stopped."},
    ),
    "completed": Message(
        subject={"vi": "Hồ sơ {code} đã có kết quả", "en": "The result of dossier {code} is ready"},
        paragraphs={
            "vi": (
                "Hồ sơ “{procedure}” (mã {code}) đã được giải quyết xong ngày {completed_date}: {outcome}.",
                "Ông/Bà có thể nhận kết quả trực tuyến trên Cổng dịch vụ công hoặc tại bộ phận một cửa.",
            ),
            "en": (
                "Your dossier “{procedure}” (code {code}) was settled on {completed_date}: {outcome}.",
                "You can collect the result online on the portal or at the reception desk.",
            ),
        },
        sms={"vi": "Hồ sơ {code} đã có kết quả.", "en": "The result of dossier {code} is ready."},
    ),
    "delivered": Message(
        subject={"vi": "Hồ sơ {code} đã được trả kết quả", "en": "The result of dossier {code} has been delivered"},
        paragraphs={
            "vi": (
                "Kết quả hồ sơ “{procedure}” (mã {code}) đã được trả {delivery_channel} ngày {delivered_date}.",
                "Mời Ông/Bà đánh giá mức độ hài lòng về việc giải quyết hồ sơ trên Cổng dịch vụ công.",
            ),
            "en": (
                "The result of your dossier “{procedure}” (code {code}) was delivered {delivery_channel} on "
                "{delivered_date}.",
                "Please tell us how satisfied you are with how your dossier was handled, on the portal.",
            ),
        },
        sms={"vi": "Hồ sơ {code} đã được trả kết quả.", "en": "The result of dossier {code} has been delivered."},
    ),
    # Two wordings of one kind (withdrawal_decided): reception approved or rejected the request.
    "withdrawal_approved": Message(
        subject={"vi": "Hồ sơ {code} đã được rút", "en": "Dossier {code} has been withdrawn"},
        paragraphs={
            "vi": ("Yêu cầu rút hồ sơ “{procedure}” (mã {code}) của Ông/Bà đã được chấp thuận; hồ sơ dừng xử lý.",),
            "en": ("Your request to withdraw the dossier “{procedure}” (code {code}) was approved; it is closed.",),
        },
        sms={"vi": "Hồ sơ {code} đã được rút theo yêu cầu.", "en": "Dossier {code} was withdrawn as requested."},
    ),
    "withdrawal_rejected": Message(
        subject={
            "vi": "Yêu cầu rút hồ sơ {code} không được chấp thuận",
            "en": "Your request to withdraw dossier {code} was not approved",
        },
        paragraphs={
            "vi": (
                "Yêu cầu rút hồ sơ “{procedure}” (mã {code}) của Ông/Bà không được chấp thuận; hồ sơ tiếp tục được "
                "xử lý.",
                "Lý do: {reason}",
            ),
            "en": (
                "Your request to withdraw the dossier “{procedure}” (code {code}) was not approved; processing "
                "continues.",
                "Reason: {reason}",
            ),
        },
        sms={
            "vi": "Yêu cầu rút hồ sơ {code} không được chấp thuận.",
            "en": "Your request to withdraw dossier {code} was not approved.",
        },
    ),
}

# Words that fill the placeholders above.
OUTCOMES = {
    "approved": {"vi": "hồ sơ được chấp thuận", "en": "approved"},
    "denied": {"vi": "hồ sơ không được chấp thuận", "en": "not approved"},
}
DELIVERY_CHANNELS = {
    "online": {"vi": "trực tuyến", "en": "online"},
    "desk": {"vi": "tại bộ phận một cửa", "en": "at the reception desk"},
    "post": {"vi": "qua bưu chính công ích", "en": "by post"},
}
CURRENCY = {"vi": "{amount} đồng", "en": "{amount} VND"}


class Rendered(NamedTuple):
    subject: str
    paragraphs: list[str]  # the message itself: what the in-app inbox shows
    letter: list[str]  # greeting + message + tracking hint + signature: the e-mail
    sms: str

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def letter_text(self) -> str:
        return "\n\n".join(self.letter)


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


def _fill(template: str, context: Mapping[str, object]) -> str | None:
    """The template filled in, or None when every placeholder it uses is empty (the paragraph is dropped)."""
    names = _fields(template)
    if names and all(context.get(name) in (None, "") for name in names):
        return None
    return template.format_map({name: context.get(name) or "" for name in names})


def fold_to_ascii(text: str) -> str:
    """Folds "Hồ sơ đã được nộp" to "Ho so da duoc nop" (đ has no decomposition, so it is mapped by hand)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).encode("ascii", "ignore").decode()


def render(template_name: str, language: str, context: Mapping[str, object]) -> Rendered:
    """Subject, message, e-mail letter and SMS text of one message in `language` (vi or en; anything else: vi)."""
    message = MESSAGES[template_name]
    lang = language if language in message.subject else "vi"

    def fill_all(blocks) -> list[str]:
        return [filled for block in blocks if (filled := _fill(block, context)) is not None]

    paragraphs = fill_all(message.paragraphs[lang])
    return Rendered(
        subject=_fill(message.subject[lang], context) or "",
        paragraphs=paragraphs,
        letter=[*fill_all([GREETING[lang]]), *paragraphs, *fill_all([TRACK[lang], SIGNATURE[lang]])],
        sms=fold_to_ascii(_fill(message.sms[lang], context) or ""),
    )
