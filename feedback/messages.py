"""Message texts for PAKN and dossier messages, Vietnamese first with an English twin (same shape as
notifications.messages, which renders them)."""

from notifications.messages import Message

MESSAGES = {
    "feedback_received": Message(
        subject={
            "vi": "Phản ánh {code} cần xử lý (hạn {due_date})",
            "en": "Feedback {code} to handle (due {due_date})",
        },
        paragraphs={
            "vi": (
                "Phản ánh, kiến nghị “{title}” (mã {code}) gửi {agency} được giao cho Ông/Bà.",
                "Hạn trả lời: {due_date}.",
            ),
            "en": (
                "The feedback “{title}” (code {code}) to {agency} has been assigned to you.",
                "Answer by {due_date}.",
            ),
        },
        sms={"vi": "Phản ánh {code} cần xử lý, hạn {due_date}.", "en": "Feedback {code} to handle, due {due_date}."},
        staff=True,
    ),
    "feedback_answer": Message(
        subject={"vi": "Phản ánh {code} đã được trả lời", "en": "Your feedback {code} has been answered"},
        paragraphs={
            "vi": ("{agency} đã trả lời phản ánh, kiến nghị “{title}” (mã {code}) của Ông/Bà:", "{text}"),
            "en": ("{agency} has answered your feedback “{title}” (code {code}):", "{text}"),
        },
        sms={"vi": "Phản ánh {code} đã được trả lời.", "en": "Feedback {code} has been answered."},
        staff=True,
    ),
    "feedback_reject": Message(
        subject={"vi": "Phản ánh {code} không được xử lý", "en": "Your feedback {code} was not accepted"},
        paragraphs={
            "vi": ("{agency} từ chối xử lý phản ánh “{title}” (mã {code}). Lý do:", "{text}"),
            "en": ("{agency} declined to handle your feedback “{title}” (code {code}). Reason:", "{text}"),
        },
        sms={"vi": "Phản ánh {code} không được xử lý.", "en": "Feedback {code} was declined."},
        staff=True,
    ),
    "feedback_request_info": Message(
        subject={"vi": "Phản ánh {code} cần bổ sung thông tin", "en": "Feedback {code}: more information needed"},
        paragraphs={
            "vi": ("{agency} cần Ông/Bà bổ sung thông tin cho phản ánh “{title}” (mã {code}):", "{text}"),
            "en": ("{agency} needs more information about your feedback “{title}” (code {code}):", "{text}"),
        },
        sms={"vi": "Phản ánh {code} cần bổ sung thông tin.", "en": "Feedback {code} needs more information."},
        staff=True,
    ),
    "feedback_overdue": Message(
        subject={"vi": "Phản ánh {code} quá hạn trả lời ({due_date})", "en": "Feedback {code} is overdue ({due_date})"},
        paragraphs={
            "vi": ("Phản ánh, kiến nghị “{title}” (mã {code}) gửi {agency} đã quá hạn trả lời {due_date}.",),
            "en": ("The feedback “{title}” (code {code}) to {agency} was due on {due_date}.",),
        },
        sms={"vi": "Phản ánh {code} quá hạn trả lời.", "en": "Feedback {code} is overdue."},
        staff=True,
    ),
    "dossier_message": Message(
        subject={"vi": "Tin nhắn mới về hồ sơ {code}", "en": "New message about dossier {code}"},
        paragraphs={
            "vi": ("Có tin nhắn mới về hồ sơ {code} ({agency}):", "{text}"),
            "en": ("There is a new message about dossier {code} ({agency}):", "{text}"),
        },
        sms={"vi": "Tin nhắn mới về hồ sơ {code}.", "en": "New message about dossier {code}."},
        staff=True,
    ),
}
