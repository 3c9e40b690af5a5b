"""Demo PAKN items for `seed_demo`: questions answered and published, one waiting, one sent for more information.
Idempotent: items are found again by title and author, and each is driven through the real services."""

from __future__ import annotations

from django.utils import timezone

from citizens.models import User
from feedback import services
from feedback.models import Feedback

QUESTIONS = [
    # (author, agency key, category, title, content, public, answer or None, publish)
    (
        "citizen@example.org",
        "commune",
        "question",
        "Đăng ký khai sinh quá hạn cần giấy tờ gì?",
        "Con tôi sinh năm 2019 nhưng chưa đăng ký khai sinh. Nay đăng ký thì cần chuẩn bị giấy tờ gì?",
        True,
        "Ông/Bà nộp Tờ khai đăng ký khai sinh, Giấy chứng sinh (nếu có) và giấy tờ chứng minh nơi cư trú; "
        "nếu không có Giấy chứng sinh thì nộp văn bản của người làm chứng. Thủ tục giải quyết trong 3 ngày làm việc.",
        True,
    ),
    (
        "citizen2@example.org",
        "commune",
        "question",
        "Có thể nộp hồ sơ đăng ký kết hôn trực tuyến không?",
        "Hai chúng tôi cư trú ở hai phường khác nhau thì nộp trực tuyến ở đâu?",
        True,
        "Có. Ông/Bà nộp trực tuyến tại UBND cấp xã nơi cư trú của một trong hai bên; khi nhận kết quả hai bên "
        "cùng có mặt để ký Sổ hộ tịch.",
        True,
    ),
    (
        "citizen@example.org",
        "commune",
        "feedback",
        "Bộ phận một cửa đông vào sáng thứ Hai",
        "Sáng thứ Hai hàng tuần người dân phải chờ lâu; đề nghị bố trí thêm quầy tiếp nhận.",
        False,
        None,
        False,
    ),
]


def seed_feedback(*, agencies) -> str:
    created = 0
    for email, agency_key, category, title, content, public, answer, publish in QUESTIONS:
        author = User.objects.filter(email=email).first()
        if author is None or Feedback.objects.filter(author=author, title=title).exists():
            continue
        item = services.feedback_submit(
            author=author,
            category=category,
            title=title,
            content=content,
            agency_code=agencies[agency_key].identity_code,
            is_public=public,
        )
        created += 1
        if answer and item.assignee:
            services.feedback_perform_action(
                feedback_id=item.pk,
                action="answer",
                actor=item.assignee,
                payload={"content": answer},
                now=timezone.now(),
            )
        if publish:
            leader = User.objects.filter(
                memberships__agency_id=item.agency_id, memberships__role="leader", memberships__is_active=True
            ).first()
            if leader:
                services.feedback_perform_action(feedback_id=item.pk, action="publish", actor=leader)
    return f"PAKN: {created} new demo items ({Feedback.objects.count()} in all)"
