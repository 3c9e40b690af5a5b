"""Writes on PAKN items and dossier messages. `feedback_perform_action` is the only code that changes an item's
status, reading the lifecycle table; every change writes a FeedbackEvent in the same transaction and queues its
notifications on commit through the notifications outbox."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from citizens.models import StaffMembership, User
from citizens.roles import Role
from feedback import lifecycle
from feedback.lifecycle import Action, Actor, Status
from feedback.models import Attachment, Category, DossierMessage, Feedback, FeedbackEvent
from notifications.models import Kind
from notifications.services import notify, staff_of
from procedures.deadlines import end_of_day
from procedures.errors import ActionForbidden, ActionNotAvailable, InvalidInput, NotFound, StaleVersion
from procedures.models import Agency, Dossier, Procedure
from procedures.services.calendar import portal_tz, working_calendar
from procedures.services.documents import DEFAULT_ACCEPT, sniff_content_type

HANDLER_ROLES = (Role.RECEPTION, Role.SPECIALIST, Role.LEADER)
MAX_ATTACHMENTS = 5


class TooMany(InvalidInput):
    status_code = 429
    code = "throttled"


def _deadlines(start: datetime) -> dict[str, datetime]:
    """Reject within 2 working days, ask for more within 5, answer within 15, counted from the next working day
    and ending at the end of the day (as dossier deadlines do)."""
    calendar, tz = working_calendar(), portal_tz()
    day = timezone.localtime(start, tz).date()
    return {
        "reject_due_at": end_of_day(calendar.add_working_days(day, lifecycle.REJECT_WITHIN), tz),
        "ask_due_at": end_of_day(calendar.add_working_days(day, lifecycle.ASK_WITHIN), tz),
        "due_at": end_of_day(calendar.add_working_days(day, lifecycle.ANSWER_WITHIN), tz),
    }


def _next_code(now: datetime) -> str:
    """PA-YYMMDD-NNNN, numbered per day under a lock on the day's rows (unique constraint as the backstop)."""
    prefix = f"PA-{timezone.localtime(now, portal_tz()):%y%m%d}-"
    last = (
        Feedback.objects.select_for_update()
        .filter(code__startswith=prefix)
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{number:04d}"


def least_loaded_handler(agency_id: int, *, exclude: Iterable[int] = ()) -> User | None:
    """The agency's reception or specialist officer with the fewest open PAKN items (ties: lowest id); leaders
    only when nobody else can take it. The author is never their own handler."""
    for roles in ((Role.RECEPTION, Role.SPECIALIST), (Role.LEADER,)):
        user_ids = list(
            StaffMembership.objects.filter(agency_id=agency_id, role__in=roles, is_active=True, user__is_active=True)
            .exclude(user_id__in=list(exclude))
            .values_list("user_id", flat=True)
            .distinct()
        )
        if not user_ids:
            continue
        return (
            User.objects.filter(pk__in=user_ids)
            .annotate(load=Count("feedback_assigned", filter=Q(feedback_assigned__status__in=list(lifecycle.OPEN))))
            .order_by("load", "pk")
            .first()
        )
    return None


def _text(payload: Mapping[str, Any], key: str, *, limit: int) -> str:
    value = payload.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(_("Thiếu nội dung."), errors={key: [_("Trường này là bắt buộc.")]})
    value = value.strip()
    if len(value) > limit:
        raise InvalidInput(_("Nội dung quá dài."), errors={key: [_("Tối đa %(n)s ký tự.") % {"n": limit}]})
    return value


@transaction.atomic
def feedback_submit(
    *,
    author: User,
    category: str,
    title: str,
    content: str,
    agency_code: str | None = None,
    procedure_code: str | None = None,
    dossier_id: str | None = None,
    is_public: bool = False,
    attachments: Iterable[UploadedFile] = (),
    now: datetime | None = None,
) -> Feedback:
    """File a PAKN item about an agency, a procedure or one of the author's dossiers; it is routed to the addressed
    agency's least-loaded officer, gets a code and working-day deadlines, and the officer is told."""
    now = now or timezone.now()
    if category not in Category.values:
        raise InvalidInput(
            _("Loại phản ánh không hợp lệ."), errors={"category": [_("Chọn phản ánh, kiến nghị hoặc hỏi đáp.")]}
        )
    fields = {"title": title, "content": content}
    title = _text(fields, "title", limit=200)
    content = _text(fields, "content", limit=5000)
    _check_limits(author, now)
    agency, procedure, dossier = _addressee(author, agency_code, procedure_code, dossier_id)
    item = Feedback.objects.create(
        code=_next_code(now),
        category=category,
        author=author,
        agency=agency,
        procedure=procedure,
        dossier=dossier,
        title=title,
        content=content,
        is_public=bool(is_public),
        received_at=now,
        assignee=least_loaded_handler(agency.pk, exclude=[author.pk]),
        **_deadlines(now),
    )
    for upload in attachments:
        attachment_add(feedback=item, upload=upload, user=author)
    _record(item, actor=author, action="submit", from_status="", content=content, at=now)
    _tell_handler(item)
    return item


def _check_limits(author: User, now: datetime) -> None:
    # Abuse limits per author: settings, so a province tunes them without code.
    per_day, max_open = settings.FEEDBACK_MAX_PER_DAY, settings.FEEDBACK_MAX_OPEN
    mine = Feedback.objects.filter(author=author)
    if mine.filter(created_at__gte=now - timedelta(days=1)).count() >= per_day:
        raise TooMany(
            _("Ông/Bà đã gửi %(n)s phản ánh trong 24 giờ qua; vui lòng gửi tiếp vào ngày mai.") % {"n": per_day}
        )
    if mine.filter(status__in=list(lifecycle.OPEN)).count() >= max_open:
        raise TooMany(
            _("Ông/Bà đang có %(n)s phản ánh chưa được trả lời; vui lòng chờ trả lời trước khi gửi thêm.")
            % {"n": max_open}
        )


def _addressee(author, agency_code, procedure_code, dossier_id) -> tuple[Agency, Procedure | None, Dossier | None]:
    dossier = procedure = None
    if dossier_id:
        try:
            dossier = Dossier.objects.select_related("procedure", "agency").get(pk=dossier_id, applicant=author)
        except (Dossier.DoesNotExist, ValueError, DjangoValidationError):
            raise InvalidInput(_("Không tìm thấy hồ sơ."), errors={"dossier": [_("Không tìm thấy hồ sơ của Ông/Bà.")]})
        return dossier.agency, dossier.procedure, dossier
    if procedure_code:
        procedure = Procedure.objects.select_related("agency").filter(code=str(procedure_code), is_active=True).first()
        if procedure is None:
            raise InvalidInput(_("Không tìm thấy thủ tục."), errors={"procedure": [_("Không tìm thấy thủ tục.")]})
        return procedure.agency, procedure, None
    if agency_code:
        agency = Agency.objects.filter(identity_code=str(agency_code), is_active=True).first()
        if agency is None:
            raise InvalidInput(_("Không tìm thấy cơ quan."), errors={"agency": [_("Không tìm thấy cơ quan.")]})
        return agency, None, None
    raise InvalidInput(
        _("Hãy chọn cơ quan, thủ tục hoặc hồ sơ được phản ánh."),
        errors={"agency": [_("Chọn cơ quan, thủ tục hoặc hồ sơ.")]},
    )


def attachment_add(*, upload: UploadedFile, user: User, feedback: Feedback | None = None, message=None) -> Attachment:
    owner = feedback or message
    if owner.attachments.count() >= MAX_ATTACHMENTS:
        raise InvalidInput(_("Tối đa %(n)s tệp đính kèm.") % {"n": MAX_ATTACHMENTS})
    if upload.size > settings.MAX_UPLOAD_BYTES:
        raise InvalidInput(
            _("Tệp quá lớn (tối đa %(mb)s MB).") % {"mb": settings.MAX_UPLOAD_BYTES // (1024 * 1024)},
            errors={"files": [_("Tệp quá lớn.")]},
        )
    content_type = sniff_content_type(upload)
    if content_type not in DEFAULT_ACCEPT:
        raise InvalidInput(
            _("Chỉ nhận tệp PDF, ảnh (JPEG, PNG, TIFF, WebP) hoặc Word."),
            errors={"files": [_("Loại tệp không được chấp nhận.")]},
        )
    return Attachment.objects.create(
        feedback=feedback,
        message=message,
        file=upload,
        name=(upload.name or "tep")[:255],
        content_type=content_type,
        size=upload.size,
        uploaded_by=user,
    )


def actors_for(item: Feedback, user: User) -> frozenset[Actor]:
    """What `user` is to this item: its author, a handler of the addressed agency, a moderator (its leader)."""
    actors = set()
    if item.author_id == user.pk:
        actors.add(Actor.AUTHOR)
    roles = set(
        StaffMembership.objects.filter(user=user, agency_id=item.agency_id, is_active=True).values_list(
            "role", flat=True
        )
    )
    if user.is_superuser:
        roles |= {Role.LEADER}
    # Nobody handles their own complaint.
    if roles & set(HANDLER_ROLES) and item.author_id != user.pk:
        actors.add(Actor.HANDLER)
        if Role.LEADER in roles:
            actors.add(Actor.MODERATOR)
    return frozenset(actors)


def feedback_get_for(*, feedback_id, user: User, lock: bool = False) -> Feedback:
    """The item if `user` is its author or staff of the addressed agency, else NotFound."""
    queryset = _visible(user)
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    try:
        return queryset.select_related("agency", "procedure").get(pk=feedback_id)
    except (Feedback.DoesNotExist, ValueError, DjangoValidationError):
        raise NotFound(_("Không tìm thấy phản ánh."))


def _visible(user: User):
    if user.is_superuser:
        return Feedback.objects.all()
    agencies = StaffMembership.objects.filter(user=user, role__in=HANDLER_ROLES, is_active=True).values("agency_id")
    return Feedback.objects.filter(Q(author=user) | Q(agency_id__in=agencies))


@transaction.atomic
def feedback_perform_action(
    *,
    feedback_id,
    action: str,
    actor: User,
    payload: Mapping[str, Any] | None = None,
    version: int | None = None,
    now: datetime | None = None,
) -> Feedback:
    """Apply one lifecycle action: lock, check version, state (409) and who (403), required fields (400), then
    change, record and notify. Errors in the same order as dossier actions."""
    now = now or timezone.now()
    if payload is not None and not isinstance(payload, Mapping):
        raise InvalidInput(_("Dữ liệu thao tác phải là một đối tượng."))
    payload = dict(payload or {})
    try:
        action = Action(action)
    except ValueError:
        raise InvalidInput(_("Thao tác không hợp lệ."), errors={"action": [_("Thao tác không tồn tại.")]})
    item = feedback_get_for(feedback_id=feedback_id, user=actor, lock=True)
    if version is not None and version != item.version:
        raise StaleVersion(_("Phản ánh đã được thay đổi; hãy tải lại rồi thử lại."))
    transition = lifecycle.TRANSITIONS[action]
    actors = actors_for(item, actor)
    if not lifecycle.actor_allowed(action, actors):
        raise ActionForbidden(_("Bạn không có quyền thực hiện thao tác này."))
    facts = lifecycle.Facts(Status(item.status), item.reopened, item.is_public, item.published_at is not None)
    if not lifecycle.is_available(action, facts):
        raise ActionNotAvailable(_("Không thể thực hiện thao tác này ở trạng thái hiện tại của phản ánh."))
    texts = {key: _text(payload, key, limit=5000) for key in transition.requires if key in ("content", "reason")}
    from_status = item.status
    extra: dict[str, Any] = {}
    if action == Action.ANSWER:
        item.answer, item.answered_at = texts["content"], now
    elif action == Action.TRANSFER:
        agency = Agency.objects.filter(identity_code=str(payload.get("agency") or ""), is_active=True).first()
        if agency is None or agency.pk == item.agency_id:
            raise InvalidInput(_("Cơ quan nhận chuyển không hợp lệ."), errors={"agency": [_("Chọn cơ quan khác.")]})
        extra = {"from_agency": item.agency.identity_code, "to_agency": agency.identity_code}
        item.agency = agency
        item.assignee = least_loaded_handler(agency.pk, exclude=[item.author_id])
        for key, value in _deadlines(now).items():
            setattr(item, key, value)
        item.received_at = now
    elif action == Action.PROVIDE_INFO:
        # The clock stopped while the author was asked; the remaining answer time restarts from now.
        asked = item.events.filter(action=Action.REQUEST_INFO).order_by("-at").values_list("at", flat=True).first()
        if asked is not None:
            item.due_at += now - asked
    elif action == Action.REOPEN:
        item.reopened += 1
        item.answer, item.answered_at = "", None
        for key, value in _deadlines(now).items():
            setattr(item, key, value)
    elif action == Action.PUBLISH:
        item.published_at, item.published_by = now, actor
    item.status = transition.target
    item.version += 1
    item.save()
    text = texts.get("content") or texts.get("reason") or ""
    _record(item, actor=actor, action=action, from_status=from_status, content=text, at=now, payload=extra)
    if action in (Action.ANSWER, Action.REJECT, Action.REQUEST_INFO):
        _tell_author(item, action, text)
    elif action in (Action.PROVIDE_INFO, Action.REOPEN, Action.TRANSFER):
        _tell_handler(item)
    return item


def _record(item: Feedback, *, actor, action: str, from_status: str, content: str, at: datetime, payload=None):
    return FeedbackEvent.objects.create(
        feedback=item,
        actor=actor,
        action=str(action),
        from_status=from_status,
        to_status=item.status,
        content=content,
        payload=payload or {},
        at=at,
    )


def feedback_url(item: Feedback) -> str:
    return f"{settings.SITE_URL}/phan-anh-kien-nghi/{item.pk}/"


def notice_context(item: Feedback) -> dict[str, object]:
    local = timezone.localtime(item.due_at, portal_tz())
    return {
        "code": item.code,
        "title": item.title,
        "agency": item.agency.name,
        "due_date": f"{local:%d/%m/%Y}",
        "dossier_url": feedback_url(item),
    }


def _tell_handler(item: Feedback) -> None:
    recipients = [item.assignee] if item.assignee else staff_of(item.agency_id, roles=[Role.LEADER])
    for user in recipients:
        notify(
            recipient=user,
            kind=Kind.FEEDBACK_RECEIVED,
            template="feedback_received",
            context=notice_context(item),
            key_prefix=f"feedback:{item.pk}:v{item.version}:{user.pk}",
        )


def _tell_author(item: Feedback, action: Action, text: str) -> None:
    notify(
        recipient=item.author,
        kind=Kind.FEEDBACK_ANSWERED,
        template=f"feedback_{action.value}",
        context={**notice_context(item), "text": text},
        key_prefix=f"feedback:{item.pk}:v{item.version}:{item.author_id}",
    )


# --- messages on a dossier ---------------------------------------------------------------------------------------


@transaction.atomic
def dossier_message_post(
    *, dossier: Dossier, author: User, body: str, attachments: Iterable[UploadedFile] = (), now: datetime | None = None
) -> DossierMessage:
    """A message between the applicant and the agency handling the dossier (the caller has checked visibility with
    dossier_get_for). The other side is told: the assignee (or reception) for the applicant's, the applicant for
    staff's."""
    body = _text({"body": body}, "body", limit=3000)
    from_applicant = dossier.applicant_id == author.pk
    message = DossierMessage.objects.create(
        dossier=dossier, author=author, from_applicant=from_applicant, body=body, created_at=now or timezone.now()
    )
    for upload in attachments:
        attachment_add(message=message, upload=upload, user=author)
    if from_applicant:
        recipients = [dossier.assignee] if dossier.assignee_id else staff_of(dossier.agency_id, roles=[Role.RECEPTION])
    else:
        recipients = [dossier.applicant]
    context = {
        "code": dossier.code or "",
        "title": body[:80],
        "agency": dossier.agency.name,
        "due_date": "",
        "dossier_url": f"{settings.SITE_URL}/ho-so/{dossier.pk}/",
        "text": body,
    }
    for user in recipients:
        if user is None or user.pk == author.pk:
            continue
        notify(
            recipient=user,
            kind=Kind.DOSSIER_MESSAGE,
            template="dossier_message",
            context=context,
            key_prefix=f"message:{message.pk}:{user.pk}",
            dossier=dossier,
        )
    return message
