"""A dossier's states and the named sets of states every other module uses, each written once.

Pure: Django's choices types and lazy translations only, no model and no app registry, so the workflow table, the
deadline arithmetic and their property tests import it without a configured Django (the import-linter contract in
pyproject.toml keeps it so). Models, selectors, services, tasks, views and the API take their sets from here.
"""

from __future__ import annotations

from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _


class Status(TextChoices):
    DRAFT = "draft", _("Nháp")
    SUBMITTED = "submitted", _("Mới đăng ký")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Yêu cầu bổ sung")
    PROCESSING = "processing", _("Đang xử lý")
    AWAITING_PAYMENT = "awaiting_payment", _("Chờ thực hiện nghĩa vụ tài chính")
    WITHDRAWAL_REQUESTED = "withdrawal_requested", _("Yêu cầu rút hồ sơ")
    COMPLETED = "completed", _("Đã xử lý xong")
    DELIVERED = "delivered", _("Đã trả kết quả")
    REFUSED = "refused", _("Không được tiếp nhận")
    STOPPED = "stopped", _("Dừng xử lý")
    WITHDRAWN = "withdrawn", _("Đã rút")


class Outcome(TextChoices):
    APPROVED = "approved", _("Chấp thuận")
    DENIED = "denied", _("Từ chối")


class Channel(TextChoices):
    ONLINE = "online", _("Trực tuyến")
    IN_PERSON = "in_person", _("Trực tiếp")
    POST = "post", _("Bưu chính công ích")


# The due-date clock runs: accepted, not finished, not paused for a supplement. Near-due, overdue, the
# coordination queue, the reminders and the partial index `dossier_open_due_idx` are all about these.
CLOCK_RUNNING = frozenset({Status.PROCESSING, Status.AWAITING_PAYMENT, Status.WITHDRAWAL_REQUESTED})
# Accepted and not finished: the dossier sits at a workflow step (`current_step` is set) and the clock runs or is
# paused by a supplement request.
IN_PROGRESS = CLOCK_RUNNING | {Status.SUPPLEMENT_REQUESTED}
# Filed and awaiting a decision: what counts towards an officer's load.
OPEN = IN_PROGRESS | {Status.SUBMITTED}
# Still someone's work at the agency: open, or processed and waiting to be handed over.
WORK = OPEN | {Status.COMPLETED}
# Nothing more happens to the dossier.
FINAL = frozenset({Status.DELIVERED, Status.REFUSED, Status.STOPPED, Status.WITHDRAWN})
# Processing is over (the result may still wait at the desk): the due date no longer matters.
DONE = FINAL | {Status.COMPLETED}
# Staff never see a citizen's online draft; every other state is the agency's to see.
STAFF_VISIBLE = frozenset(Status) - {Status.DRAFT}
# The applicant may change the form and the documents.
EDITABLE = frozenset({Status.DRAFT, Status.SUPPLEMENT_REQUESTED})
# An officer may attach the result while processing or once processed (before handing it over).
RESULT_ATTACHABLE = frozenset({Status.PROCESSING, Status.COMPLETED})


def ordered(statuses: frozenset[Status]) -> list[str]:
    """The set's values in declaration order: a stable list for SQL and for index conditions in migrations."""
    return [status.value for status in Status if status in statuses]
