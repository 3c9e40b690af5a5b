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
    # Staff messages end with a link to the dossier instead of the applicant's tracking hint.
    staff: bool = False


GREETING = {"vi": "Kính gửi Ông/Bà {name},", "en": "Dear {name},"}
SIGNATURE = {
    "vi": "Trân trọng,\nCổng dịch vụ công Một Cửa\n{site_url}",
    "en": "Kind regards,\nMột Cửa public service portal\n{site_url}",
}
TRACK = {
    "vi": "Ông/Bà có thể tra cứu tình trạng hồ sơ bằng mã {code}.",
    "en": "You can track the dossier with its code {code}.",
}
OPEN_DOSSIER = {"vi": "Xem hồ sơ: {dossier_url}", "en": "Open the dossier: {dossier_url}"}

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
    # --- reminders to the applicant (notifications.tasks.reminders) ---
    "supplement_reminder": Message(
        subject={
            "vi": "Nhắc bổ sung hồ sơ {code}",
            "en": "Reminder: dossier {code} is waiting for your documents",
        },
        paragraphs={
            "vi": (
                "Hồ sơ “{procedure}” (mã {code}) đang chờ Ông/Bà bổ sung từ ngày {requested_date}:",
                "{items}",
                "Cơ quan chỉ tiếp tục giải quyết khi hồ sơ được bổ sung đầy đủ. Xin Ông/Bà đăng nhập Cổng dịch vụ "
                "công để bổ sung: {dossier_url}",
            ),
            "en": (
                "Your dossier “{procedure}” (code {code}) has been waiting for the following since {requested_date}:",
                "{items}",
                "The agency resumes work on it once it is complete. Please sign in to the portal to add them: "
                "{dossier_url}",
            ),
        },
        sms={
            "vi": "Hồ sơ {code} đang chờ Ông/Bà bổ sung từ ngày {requested_date}.",
            "en": "Dossier {code} is waiting for your documents since {requested_date}.",
        },
    ),
    "draft_reminder": Message(
        subject={
            "vi": "Hồ sơ “{procedure}” của Ông/Bà chưa được nộp",
            "en": "Your dossier “{procedure}” has not been submitted",
        },
        paragraphs={
            "vi": (
                "Ông/Bà đã bắt đầu hồ sơ “{procedure}” ngày {created_date} nhưng chưa nộp, nên cơ quan chưa nhận "
                "được hồ sơ.",
                "Xin Ông/Bà hoàn thiện và nộp hồ sơ trên Cổng dịch vụ công: {dossier_url}",
            ),
            "en": (
                "You started the dossier “{procedure}” on {created_date} but have not submitted it, so the agency "
                "has not received it.",
                "Please complete and submit it on the portal: {dossier_url}",
            ),
        },
        sms={
            "vi": "Hồ sơ “{procedure}” của Ông/Bà chưa được nộp.",
            "en": "Your dossier “{procedure}” has not been submitted.",
        },
    ),
    # --- staff messages: events (notifications.services) ---
    "new_in_queue": Message(
        subject={"vi": "Hồ sơ mới {code} chờ tiếp nhận", "en": "New dossier {code} awaiting acceptance"},
        paragraphs={
            "vi": (
                "Hồ sơ “{procedure}” (mã {code}) được nộp lúc {submitted_at} và đang chờ bộ phận một cửa của "
                "{agency} tiếp nhận.",
            ),
            "en": (
                "The dossier “{procedure}” (code {code}) was submitted at {submitted_at} and is waiting for the "
                "reception desk of {agency}.",
            ),
        },
        sms={"vi": "Hồ sơ mới {code} chờ tiếp nhận.", "en": "New dossier {code} awaiting acceptance."},
        staff=True,
    ),
    "assigned": Message(
        subject={"vi": "Hồ sơ {code} được giao cho Ông/Bà xử lý", "en": "Dossier {code} has been assigned to you"},
        paragraphs={
            "vi": (
                "Hồ sơ “{procedure}” (mã {code}) được giao cho Ông/Bà xử lý ở bước “{step}”.",
                "Hạn của bước: {step_due_date}. Ngày hẹn trả kết quả: {due_date}.",
                "Ghi chú: {comment}",
            ),
            "en": (
                "The dossier “{procedure}” (code {code}) has been assigned to you at the step “{step}”.",
                "The step is due on {step_due_date}; the result is due on {due_date}.",
                "Note: {comment}",
            ),
        },
        sms={
            "vi": "Hồ sơ {code} được giao cho Ông/Bà, hạn {step_due_date}.",
            "en": "Dossier {code} assigned to you, due {step_due_date}.",
        },
        staff=True,
    ),
    "supplemented": Message(
        subject={"vi": "Hồ sơ {code} đã được bổ sung", "en": "Dossier {code} has been supplemented"},
        paragraphs={
            "vi": (
                "Người nộp đã bổ sung hồ sơ “{procedure}” (mã {code}); hồ sơ trở lại bước “{step}”.",
                "Ngày hẹn trả kết quả: {due_date}.",
            ),
            "en": (
                "The applicant has supplemented the dossier “{procedure}” (code {code}); it is back at the step "
                "“{step}”.",
                "The result is due on {due_date}.",
            ),
        },
        sms={"vi": "Hồ sơ {code} đã được bổ sung.", "en": "Dossier {code} has been supplemented."},
        staff=True,
    ),
    "unrouted": Message(
        subject={"vi": "Hồ sơ {code} cần được phân công", "en": "Dossier {code} needs to be assigned"},
        paragraphs={
            "vi": (
                "Hồ sơ “{procedure}” (mã {code}) ở bước “{step}” chưa phân công tự động được và đang nằm trong "
                "hàng chờ điều phối của {agency}.",
                "Lý do: {reason}",
                "Xin phân công cán bộ xử lý (thao tác “Phân công”).",
            ),
            "en": (
                "The dossier “{procedure}” (code {code}) at the step “{step}” could not be assigned automatically "
                "and is waiting in the coordination queue of {agency}.",
                "Reason: {reason}",
                "Please assign an officer (the “Assign” action).",
            ),
        },
        sms={"vi": "Hồ sơ {code} cần được phân công.", "en": "Dossier {code} needs to be assigned."},
        staff=True,
    ),
    # --- staff messages: the clock (notifications.tasks.reminders, .digests) ---
    "near_due": Message(
        subject={
            "vi": "Hồ sơ {code} sắp đến hạn trả kết quả ({due_date})",
            "en": "Dossier {code} is due soon ({due_date})",
        },
        paragraphs={
            "vi": (
                "Hồ sơ “{procedure}” (mã {code}) Ông/Bà đang xử lý ở bước “{step}” phải trả kết quả ngày {due_date}.",
                "Nếu không thể giải quyết kịp, xin báo lãnh đạo để gia hạn kèm thư xin lỗi người nộp.",
            ),
            "en": (
                "The dossier “{procedure}” (code {code}) you are handling at the step “{step}” is due on {due_date}.",
                "If it cannot be settled in time, please ask your leader to extend it with an apology to the "
                "applicant.",
            ),
        },
        sms={
            "vi": "Hồ sơ {code} sắp đến hạn trả kết quả ({due_date}).",
            "en": "Dossier {code} is due on {due_date}.",
        },
        staff=True,
    ),
    "overdue": Message(
        subject={"vi": "Hồ sơ {code} đã quá hạn", "en": "Dossier {code} is overdue"},
        paragraphs={
            "vi": (
                "Hồ sơ “{procedure}” (mã {code}) Ông/Bà đang xử lý ở bước “{step}” đã quá ngày hẹn trả kết quả "
                "{due_date}.",
                "Xin giải quyết ngay, hoặc báo lãnh đạo để gia hạn và gửi thư xin lỗi người nộp.",
            ),
            "en": (
                "The dossier “{procedure}” (code {code}) you are handling at the step “{step}” is past its due date "
                "of {due_date}.",
                "Please settle it now, or ask your leader to extend it and send the applicant an apology.",
            ),
        },
        sms={"vi": "Hồ sơ {code} đã quá hạn ({due_date}).", "en": "Dossier {code} is overdue ({due_date})."},
        staff=True,
    ),
    "escalated": Message(
        subject={
            "vi": "Hồ sơ {code} quá hạn {days_overdue} ngày làm việc",
            "en": "Dossier {code} is {days_overdue} working day(s) overdue",
        },
        paragraphs={
            "vi": (
                "Hồ sơ “{procedure}” (mã {code}) đã quá ngày hẹn trả kết quả {due_date} và chưa được giải quyết.",
                "Đang ở bước “{step}”; cán bộ xử lý: {assignee_name}.",
                "Ông/Bà nhận thông báo này với tư cách {level_text}. Lãnh đạo có thể gia hạn (kèm thư xin lỗi), "
                "phân công lại hoặc chỉ đạo giải quyết ngay.",
            ),
            "en": (
                "The dossier “{procedure}” (code {code}) is past its due date of {due_date} and not yet settled.",
                "It is at the step “{step}”; officer in charge: {assignee_name}.",
                "You receive this as {level_text}. A leader may extend it (with an apology), reassign it or have "
                "it settled at once.",
            ),
        },
        sms={
            "vi": "Hồ sơ {code} quá hạn {days_overdue} ngày làm việc.",
            "en": "Dossier {code} is {days_overdue} working day(s) overdue.",
        },
        staff=True,
    ),
    "apology_offer": Message(
        subject={
            "vi": "Hồ sơ {code} sắp quá hạn: dự thảo thư xin lỗi (mẫu 04)",
            "en": "Dossier {code} is about to be late: draft apology letter (form 04)",
        },
        paragraphs={
            "vi": (
                "Hồ sơ “{procedure}” (mã {code}) phải trả kết quả ngày {due_date} và chưa được giải quyết xong "
                "(bước “{step}”, cán bộ xử lý: {assignee_name}).",
                "Nếu không thể trả đúng hẹn, xin Ông/Bà gia hạn hồ sơ với ngày hẹn mới và lý do; Phiếu xin lỗi và "
                "hẹn lại ngày trả kết quả (mẫu 04) sẽ được gửi cho người nộp. Dự thảo:",
                "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ\n{agency} xin lỗi Ông/Bà {applicant_name} vì hồ sơ "
                "“{procedure}” (mã {code}) chưa được giải quyết đúng hẹn ngày {due_date}.\nLý do: ……\nHẹn lại ngày "
                "trả kết quả: ……\nMong Ông/Bà thông cảm.",
            ),
            "en": (
                "The dossier “{procedure}” (code {code}) is due on {due_date} and is not settled yet (step "
                "“{step}”, officer in charge: {assignee_name}).",
                "If it cannot be settled in time, please extend it with a new date and the reason; the apology and "
                "new appointment letter (form 04) then goes to the applicant. Draft:",
                "APOLOGY AND NEW APPOINTMENT\n{agency} apologises to {applicant_name}: the dossier “{procedure}” "
                "(code {code}) could not be settled by the promised date of {due_date}.\nReason: ……\nNew date: ……"
                "\nThank you for your understanding.",
            ),
        },
        sms={
            "vi": "Hồ sơ {code} sắp quá hạn ({due_date}): xem xét gia hạn kèm thư xin lỗi.",
            "en": "Dossier {code} is due {due_date}: consider extending with an apology.",
        },
        staff=True,
    ),
    "digest": Message(
        subject={
            "vi": "Tổng hợp công việc ngày {date}: {new_count} mới, {near_due_count} sắp đến hạn, "
            "{overdue_count} quá hạn",
            "en": "Your dossiers on {date}: {new_count} new, {near_due_count} due soon, {overdue_count} overdue",
        },
        paragraphs={
            "vi": (
                "Hồ sơ mới:\n{new_items}",
                "Sắp đến hạn trả kết quả:\n{near_due_items}",
                "Đã quá hạn:\n{overdue_items}",
                "Chờ điều phối (chưa phân công):\n{unrouted_items}",
            ),
            "en": (
                "New:\n{new_items}",
                "Due soon:\n{near_due_items}",
                "Overdue:\n{overdue_items}",
                "Waiting to be assigned:\n{unrouted_items}",
            ),
        },
        sms={
            "vi": "Ngày {date}: {new_count} hồ sơ mới, {near_due_count} sắp đến hạn, {overdue_count} quá hạn.",
            "en": "{date}: {new_count} new, {near_due_count} due soon, {overdue_count} overdue dossiers.",
        },
        staff=True,
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


ESCALATION_LEVELS = {
    1: {"vi": "lãnh đạo phòng phụ trách", "en": "the leader of the department in charge"},
    2: {"vi": "lãnh đạo cơ quan", "en": "a leader of the agency"},
}

# Placeholders every message may use, on top of those its built-in text uses.
COMMON_PLACEHOLDERS = frozenset({"name", "code", "procedure", "agency", "site_url", "dossier_url"})


class Override(NamedTuple):
    """An admin's wording (notifications.models.MessageTemplate) of one message in one language."""

    subject: str
    paragraphs: tuple[str, ...]
    sms: str = ""  # empty: the built-in SMS text


class Rendered(NamedTuple):
    subject: str
    paragraphs: list[str]  # the message itself: what the in-app inbox shows
    letter: list[str]  # greeting + message + tracking hint or dossier link + signature: the e-mail
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
    return template.format_map({name: "" if context.get(name) is None else context[name] for name in names})


def placeholders(template_name: str) -> list[str]:
    """The placeholders a message knows: those of its built-in texts in both languages, plus the common ones."""
    message = MESSAGES[template_name]
    texts = [*message.subject.values(), *message.sms.values()]
    for paragraphs in message.paragraphs.values():
        texts.extend(paragraphs)
    names = set(COMMON_PLACEHOLDERS)
    for text in texts:
        names |= _fields(text)
    return sorted(names)


def template_problems(template_name: str, text: str) -> list[str]:
    """Why an admin's text cannot be used for `template_name` (empty: it can). Only plain {names} of the message's
    placeholders are allowed: no attribute or index access, which str.format would otherwise evaluate."""
    try:
        parsed = list(Formatter().parse(text))
    except ValueError as exc:
        return [f"Lỗi cú pháp (dấu ngoặc nhọn): {exc}"]
    known = set(placeholders(template_name))
    problems = []
    for _literal, name, _spec, _conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier():
            problems.append(f"Không dùng được “{{{name}}}”: chỉ dùng tên trường đơn giản.")
        elif name not in known:
            problems.append(f"Không có trường “{{{name}}}”. Các trường dùng được: {', '.join(sorted(known))}.")
    return problems


def fold_to_ascii(text: str) -> str:
    """Folds "Hồ sơ đã được nộp" to "Ho so da duoc nop" (đ has no decomposition, so it is mapped by hand)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).encode("ascii", "ignore").decode()


def render(
    template_name: str, language: str, context: Mapping[str, object], override: Override | None = None
) -> Rendered:
    """Subject, message, e-mail letter and SMS text of one message in `language` (vi or en; anything else: vi).

    With an `override` (an admin's wording) its texts replace the built-in ones; should it fail to render (an admin
    saved a template the form did not check), the built-in text is used, so a typo never stops a message."""
    message = MESSAGES[template_name]
    lang = language if language in message.subject else "vi"
    if override is not None:
        try:
            return _render(message, lang, context, override)
        except (KeyError, ValueError, IndexError, AttributeError, TypeError):
            pass
    return _render(message, lang, context, None)


def _render(message: Message, lang: str, context: Mapping[str, object], override: Override | None) -> Rendered:
    def fill_all(blocks) -> list[str]:
        return [filled for block in blocks if (filled := _fill(block, context)) is not None]

    subject = override.subject if override else message.subject[lang]
    paragraphs = fill_all(override.paragraphs if override else message.paragraphs[lang])
    sms = (override.sms if override and override.sms else "") or message.sms[lang]
    footer = OPEN_DOSSIER[lang] if message.staff else TRACK[lang]
    return Rendered(
        subject=_fill(subject, context) or "",
        paragraphs=paragraphs,
        letter=[*fill_all([GREETING[lang]]), *paragraphs, *fill_all([footer, SIGNATURE[lang]])],
        sms=fold_to_ascii(_fill(sms, context) or ""),
    )
