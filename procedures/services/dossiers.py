"""Writes on dossiers. `dossier_perform_action` is the only code that changes a dossier's status."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from citizens.models import StaffMembership, User
from citizens.roles import HANDLING_ROLES, Role
from citizens.services import require_assurance
from procedures import deadlines, formschema, hooks
from procedures.enums import EDITABLE, FINAL
from procedures.errors import ActionForbidden, ActionNotAvailable, InvalidInput, NotFound, QuotaExceeded, StaleVersion
from procedures.fees import dossier_fee_breakdown
from procedures.models import (
    Channel,
    Department,
    Document,
    DocumentKind,
    Dossier,
    DossierEvent,
    DossierPause,
    Outcome,
    Procedure,
    ProcedureStep,
    Status,
)
from procedures.selectors import actor_roles, dossier_facts, dossier_steps
from procedures.services import routing
from procedures.services.calendar import portal_tz, working_calendar
from procedures.services.codes import dossier_code_next
from procedures.workflow import (
    INTERNAL_ACTIONS,
    SYSTEM,
    TRANSITIONS,
    Action,
    is_available,
    role_allows,
    roles_ever_allowed,
    target_status,
)


def _lang(user: User | None) -> str:
    return getattr(user, "language", "vi") or "vi"


def dossier_get_for(*, dossier_id: UUID | str, user: User, lock: bool = False) -> Dossier:
    """The dossier if `user` may see it, else NotFound (never reveal that another person's dossier exists)."""
    queryset = Dossier.objects.visible_to(user)
    if lock:
        # Lock the row itself; the visibility filter alone would lock joined rows too on PostgreSQL.
        queryset = queryset.select_for_update(of=("self",))
    try:
        return queryset.select_related("procedure_version", "procedure", "agency").get(pk=dossier_id)
    except (Dossier.DoesNotExist, ValueError, TypeError, DjangoValidationError):
        raise NotFound(_("Không tìm thấy hồ sơ."))


@transaction.atomic
def _check_draft_quota(applicant: User) -> None:
    limit = settings.MAX_OPEN_DRAFTS
    if Dossier.objects.filter(applicant=applicant, status=Status.DRAFT, purged_at__isnull=True).count() >= limit:
        raise QuotaExceeded(
            _("Bạn đang có %(n)s hồ sơ nháp chưa nộp (tối đa). Hãy nộp hoặc xoá bớt hồ sơ nháp trước khi tạo mới.")
            % {"n": limit}
        )


def dossier_create(
    *,
    applicant: User,
    procedure_code: str,
    data: Mapping[str, Any] | None = None,
    case_code: str = "",
    channel: str = Channel.ONLINE,
    created_by: User | None = None,
    now: datetime | None = None,
) -> Dossier:
    """A new draft under the procedure's current published version. Data is checked for types, not completeness.

    `created_by` is the reception officer who digitises a paper dossier for the applicant (recorded as the actor)."""
    procedure = (
        Procedure.objects.select_related("current_version", "agency")
        .filter(code=procedure_code, is_active=True, current_version__isnull=False)
        .first()
    )
    if procedure is None:
        raise InvalidInput(
            _("Thủ tục không tồn tại hoặc chưa được công bố."), errors={"procedure": [_("Không tìm thấy thủ tục.")]}
        )
    version = procedure.current_version
    require_assurance(applicant=applicant, procedure=procedure)
    if channel not in Channel.values:
        raise InvalidInput(_("Kênh nộp không hợp lệ."), errors={"channel": [_("Kênh nộp không hợp lệ.")]})
    if case_code and case_code not in {case.get("code") for case in version.cases}:
        raise InvalidInput(_("Trường hợp không hợp lệ."), errors={"case": [_("Trường hợp không có trong thủ tục.")]})
    cleaned = _checked_data(version.form_fields, data or {}, partial=True, lang=_lang(applicant))
    if created_by is None:
        _check_draft_quota(applicant)
    dossier = Dossier.objects.create(
        applicant=applicant,
        procedure=procedure,
        procedure_version=version,
        agency=procedure.agency,
        case_code=case_code,
        data=cleaned,
        channel=channel,
    )
    _record(
        dossier,
        actor=created_by or applicant,
        action="create",
        from_status="",
        to_status=Status.DRAFT,
        at=_aware(now) if now else None,
    )
    return dossier


@transaction.atomic
def dossier_update_data(
    *, dossier_id: UUID | str, actor: User, data: Mapping[str, Any], version: int | None = None
) -> Dossier:
    """Change form answers while the applicant may edit: in draft, or only the fields a supplement request named."""
    dossier = dossier_get_for(dossier_id=dossier_id, user=actor, lock=True)
    if dossier.applicant_id != actor.pk:
        raise ActionForbidden(_("Chỉ người nộp hồ sơ được sửa dữ liệu."))
    if dossier.status not in EDITABLE:
        raise ActionNotAvailable(_("Hồ sơ không còn ở trạng thái được sửa."))
    _check_version(dossier, version)
    if not isinstance(data, Mapping):
        raise InvalidInput(_("Dữ liệu phải là một đối tượng JSON."), errors={"data": [_("Phải là một đối tượng.")]})
    if dossier.status == Status.SUPPLEMENT_REQUESTED:
        allowed = set(_open_request(dossier).get("fields") or [])
        if allowed:
            changed = {key for key, value in data.items() if dossier.data.get(key) != value}
            refused = sorted(changed - allowed)
            if refused:
                raise InvalidInput(
                    _("Chỉ được sửa các trường được yêu cầu bổ sung."),
                    errors={key: [_("Trường này không nằm trong yêu cầu bổ sung.")] for key in refused},
                )
    merged = {**dossier.data, **data}
    fields = dossier.procedure_version.form_fields
    dossier.data = _checked_data(fields, merged, partial=dossier.status == Status.DRAFT, lang=_lang(actor))
    dossier.version += 1
    dossier.save(update_fields=["data", "version", "updated_at"])
    return dossier


def _open_request(dossier: Dossier) -> dict:
    event = dossier.events.filter(action=Action.REQUEST_SUPPLEMENT).order_by("-at", "-id").first()
    return event.payload if event else {}


def _checked_data(fields: list[dict], data: Mapping[str, Any], *, partial: bool, lang: str) -> dict:
    if not isinstance(data, Mapping):
        raise InvalidInput(_("Dữ liệu phải là một đối tượng JSON."), errors={"data": [_("Phải là một đối tượng.")]})
    errors = formschema.validate_data(fields, dict(data), partial=partial, lang=lang)
    if errors:
        raise InvalidInput(_("Dữ liệu biểu mẫu chưa hợp lệ."), errors=errors)
    return formschema.clean_data(fields, dict(data))


def _check_version(dossier: Dossier, version: int | None) -> None:
    if version is None:
        return
    if isinstance(version, bool) or not isinstance(version, int):
        raise InvalidInput(_("Phiên bản hồ sơ không hợp lệ."), errors={"version": [_("Phải là một số nguyên.")]})
    if version != dossier.version:
        raise StaleVersion(
            _("Hồ sơ đã được thay đổi (phiên bản %(current)s, bạn gửi %(sent)s). Hãy tải lại rồi thử lại.")
            % {"current": dossier.version, "sent": version}
        )


def _aware(moment: datetime) -> datetime:
    # Deadlines are computed in Asia/Ho_Chi_Minh; a naive moment would silently mean the server's zone.
    if not isinstance(moment, datetime) or timezone.is_naive(moment):
        raise ValueError(f"Expected an aware datetime, got {moment!r}.")
    return moment


def _record(
    dossier: Dossier,
    *,
    actor: User | None,
    action: str,
    from_status: str,
    to_status: str,
    comment: str = "",
    payload: Mapping[str, Any] | None = None,
    at: datetime | None = None,
    internal: bool = False,
) -> DossierEvent:
    """Append one history row. `step` is the step the dossier is at once the action is applied (the step entered by
    accept, forward and send_back; the step it was at for the others)."""
    return DossierEvent.objects.create(
        dossier=dossier,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        step=dossier.current_step,
        comment=comment,
        payload=dict(payload or {}),
        internal=internal,
        at=at or timezone.now(),
    )


# --- the one function that applies workflow actions ---------------------------------------------------------------


@transaction.atomic
def dossier_perform_action(
    *,
    dossier_id: UUID | str,
    action: Action | str,
    actor: User | None,
    version: int | None,
    payload: Mapping[str, Any] | None = None,
    now: datetime | None = None,
    system: bool = False,
) -> Dossier:
    """Apply a workflow action atomically: lock the row, check version, state and role, apply the effect, write the
    event and queue the notifications to send after commit.

    Checks in this order, so the answer never depends on a race: NotFound (not visible to the actor; never reveals
    another person's dossier), InvalidInput (no version), StaleVersion, ActionNotAvailable (the state does not offer
    the action), ActionForbidden (the actor's roles may not do it), InvalidInput (payload missing or invalid).

    `system=True` (no actor): the portal itself acts, holding only the SYSTEM role (the payments app applying `pay`
    for a verified provider notification); no request path passes it."""
    if payload is not None and not isinstance(payload, Mapping):
        raise InvalidInput(
            _("Dữ liệu thao tác phải là một đối tượng."), errors={"payload": [_("Phải là một đối tượng.")]}
        )
    payload = dict(payload or {})
    now = _aware(now) if now is not None else timezone.now()
    try:
        action = Action(action)
    except ValueError:
        raise InvalidInput(
            _("Thao tác không hợp lệ."), errors={"action": [_("Thao tác '%(a)s' không tồn tại.") % {"a": action}]}
        )
    if system:
        if actor is not None:
            raise ValueError("A system action has no actor.")
        dossier = _dossier_locked(dossier_id)
    else:
        dossier = dossier_get_for(dossier_id=dossier_id, user=actor, lock=True)
    if version is None:
        raise InvalidInput(_("Thiếu phiên bản hồ sơ."), errors={"version": [_("Trường này là bắt buộc.")]})
    _check_version(dossier, version)

    steps = dossier_steps(dossier.procedure_version_id)
    facts = dossier_facts(dossier, steps)
    roles = {SYSTEM} if system else actor_roles(dossier, actor)
    if not roles & roles_ever_allowed(action, [step.role for step in steps]):
        # Asking for an action one's roles never allow is a permission error, whatever the state (API.md).
        raise ActionForbidden(_("Bạn không có quyền thực hiện thao tác này trên hồ sơ."))
    if not is_available(action, facts):
        raise ActionNotAvailable(
            _("Không thể thực hiện '%(action)s' khi hồ sơ đang ở trạng thái '%(status)s'.")
            % {"action": action.value, "status": Status(dossier.status).label}
        )
    if not role_allows(action, facts, roles):
        if role_allows(action, facts, roles, role_guards=False):
            # The role may do it, the dossier is not ready for it yet (the applicant's delivery without an e-result).
            raise ActionNotAvailable(
                _("Hồ sơ chưa có kết quả điện tử để nhận trực tuyến.")
                if action == Action.DELIVER
                else _("Thao tác này chưa thực hiện được với hồ sơ ở bước hiện tại.")
            )
        raise ActionForbidden(_("Bạn không có quyền thực hiện thao tác này trên hồ sơ."))
    _require(action, payload)

    from_status = dossier.status
    to_status = target_status(action, facts)
    effect = _EFFECTS.get(action)
    event_payload = (
        effect(dossier, payload=payload, actor=actor, now=now, steps=steps, target=to_status, roles=roles)
        if effect
        else {}
    )
    comment = str(payload.get("comment") or payload.get("reason") or "").strip()

    if to_status in FINAL:
        dossier.finished_at = now
    dossier.status = to_status
    dossier.version += 1
    dossier.save()
    event = _record(
        dossier,
        actor=actor,
        action=action.value,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
        payload=event_payload,
        at=now,
        internal=action in INTERNAL_ACTIONS,
    )
    # Same transaction: statistics, the outbox and whatever else is registered change with the dossier or not at all.
    hooks.run_event_hooks(event=event, dossier=dossier)
    return dossier


def _dossier_locked(dossier_id: UUID | str) -> Dossier:
    try:
        return (
            Dossier.objects.select_for_update(of=("self",))
            .select_related("procedure_version", "procedure", "agency")
            .get(pk=dossier_id)
        )
    except (Dossier.DoesNotExist, ValueError, TypeError, DjangoValidationError):
        raise NotFound(_("Không tìm thấy hồ sơ."))


def _require(action: Action, payload: Mapping[str, Any]) -> None:
    missing = {}
    for name in TRANSITIONS[action].requires:
        value = payload.get(name)
        if value is None or (isinstance(value, str) and not value.strip()) or value == [] or value == {}:
            missing[name] = [_("Trường này là bắt buộc cho thao tác này.")]
    if missing:
        raise InvalidInput(_("Thiếu thông tin cho thao tác."), errors=missing)


# --- deadlines of the dossier and of its steps ----------------------------------------------------------------------


def _time_limit(dossier: Dossier) -> deadlines.TimeLimit:
    """The version's time limit, or the dossier's case's own (a case inherits the version's cutoff unless it sets
    one)."""
    version = dossier.procedure_version
    limit = version.time_limit
    case = _case(dossier)
    if case and case.get("time_limit"):
        spec = case["time_limit"]
        if "same_day_cutoff" in spec:
            cutoff = time.fromisoformat(spec["same_day_cutoff"]) if spec["same_day_cutoff"] else None
        else:
            cutoff = limit.same_day_cutoff
        limit = deadlines.TimeLimit(
            value=Decimal(str(spec.get("value", limit.value))),
            unit=deadlines.TimeUnit(spec.get("unit", limit.unit)),
            same_day_cutoff=cutoff,
        )
    return limit


def _case(dossier: Dossier) -> dict | None:
    if not dossier.case_code:
        return None
    return next((c for c in dossier.procedure_version.cases if c.get("code") == dossier.case_code), None)


def _step_due_at(dossier: Dossier, steps: list[ProcedureStep], position: int) -> datetime | None:
    """When step `position` is due: the plan made at acceptance (the allotments of the steps up to and including it,
    counted from acceptance), moved by the working days the applicant kept the dossier (pause policy) or counted
    again from the last supplement (restart policy), never later than the dossier's due date. The last step is due
    with the dossier itself, so pauses and extensions carry over to it."""
    due = dossier.due_at
    if due is None or dossier.accepted_at is None or not steps or position >= len(steps):
        return due
    if _time_limit(dossier).value == 0:
        return due  # within the day: every step shares the one day
    start, shift = dossier.accepted_at, 0
    pauses = list(
        DossierPause.objects.filter(dossier=dossier, ended_at__isnull=False)
        .order_by("ended_at")
        .values_list("ended_at", "working_days")
    )
    if deadlines.SupplementPolicy(dossier.procedure_version.supplement_policy) is deadlines.SupplementPolicy.RESTART:
        if pauses:
            start = pauses[-1][0]
    else:
        shift = sum(days for _ended, days in pauses)
    allotments = [Decimal(step.allotted_days) for step in steps]
    allotments[0] += shift
    dues = deadlines.step_due_dates(start, allotments, final_due=due, calendar=working_calendar(), tz=portal_tz())
    return dues[position - 1]


def _enter_step(dossier: Dossier, steps: list[ProcedureStep], position: int, assignee=None, *, now: datetime) -> dict:
    """Move to a step: its due date, then routing picks the department and officer. Returns what the event records
    about that assignment (every assignment is in the event log)."""
    step = steps[position - 1]
    dossier.current_step = position
    dossier.step_due_at = _step_due_at(dossier, steps, position)
    decision = routing.dossier_route(dossier=dossier, step=step, now=now, assignee=assignee)
    return routing.routing_apply(dossier=dossier, decision=decision)


def _close_open_pause(dossier: Dossier, now: datetime) -> int | None:
    """End the running supplement pause (if any); returns the working days it lasted."""
    if not dossier.paused_at:
        return None
    days = deadlines.paused_working_days(dossier.paused_at, now, calendar=working_calendar(), tz=portal_tz())
    DossierPause.objects.filter(dossier=dossier, ended_at__isnull=True).update(ended_at=now, working_days=days)
    dossier.paused_at = None
    return days


# --- effects, one per action ------------------------------------------------------------------------------------------


def _effect_submit(dossier: Dossier, *, actor, now, steps, **_ctx) -> dict:
    require_assurance(applicant=dossier.applicant, procedure=dossier.procedure)
    version = dossier.procedure_version
    errors: dict[str, list[str]] = {}
    try:
        dossier.data = _checked_data(version.form_fields, dossier.data, partial=False, lang=_lang(actor))
    except InvalidInput as exc:
        errors.update(exc.errors)
    errors.update(_missing_documents(dossier))
    if errors:
        # Every problem at once, so the applicant fixes the dossier in one pass.
        raise InvalidInput(_("Hồ sơ chưa đầy đủ: hãy bổ sung các mục được nêu."), errors=errors)
    fees = dossier_fee_breakdown(dossier).total
    if (
        version.payment_timing == "at_filing"
        and dossier.channel == Channel.ONLINE
        and fees > 0
        and (dossier.paid_at is None or dossier.fee_amount < fees)
    ):
        # Paid at filing: only the payments service, on a verified notification, sets paid_at on a draft.
        raise InvalidInput(
            _("Thủ tục này thu phí, lệ phí khi nộp: hãy thanh toán trước khi nộp hồ sơ."),
            errors={"fees": [_("Chưa thanh toán %(amount)s đồng.") % {"amount": f"{fees:,}".replace(",", ".")}]},
        )
    dossier.code = dossier_code_next(agency=dossier.agency, at=now)
    dossier.submitted_at = now
    if steps:
        dossier.department = Department.objects.filter(
            agency_id=dossier.agency_id, code=steps[0].department_code
        ).first()
    # The one fee computation (procedures/fees.py): what the review page showed is what is owed.
    dossier.fee_amount = fees
    return {"code": dossier.code}


def _missing_documents(dossier: Dossier) -> dict[str, list[str]]:
    present = set(
        Document.objects.filter(dossier=dossier, kind=DocumentKind.INPUT).values_list("requirement", flat=True)
    )
    return {
        f"documents.{doc['code']}": [_("%(name)s: chưa có tệp đính kèm.") % {"name": doc.get("name", doc["code"])}]
        for doc in dossier.procedure_version.documents
        if doc.get("required") and doc["code"] not in present
    }


def dossier_due_if_accepted(dossier: Dossier, now: datetime) -> datetime:
    """The appointment date acceptance at `now` would set: what accept sets, and what the desk shows beforehand."""
    return deadlines.due_at(now, _time_limit(dossier), calendar=working_calendar(), tz=portal_tz())


def _effect_accept(dossier: Dossier, *, actor, now, steps, **_ctx) -> dict:
    due = dossier_due_if_accepted(dossier, now)
    dossier.accepted_at = now
    dossier.due_at = due
    dossier.original_due_at = due
    routed = _enter_step(dossier, steps, 1, assignee=actor, now=now)
    return {"due_at": _iso(due), "step_due_at": _iso(dossier.step_due_at), **routed}


def _string_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) and item.strip() for item in value)


def _effect_request_supplement(dossier: Dossier, *, payload, now, **_ctx) -> dict:
    items = payload.get("items")
    if not _string_list(items):
        raise InvalidInput(
            _("Danh sách nội dung bổ sung không hợp lệ."), errors={"items": [_("Phải là danh sách văn bản.")]}
        )
    version = dossier.procedure_version
    fields = payload.get("fields") or []
    documents = payload.get("documents") or []
    bad = {}
    if not _string_list(fields) or set(fields) - {f.get("key") for f in version.form_fields}:
        bad["fields"] = [_("Có trường không thuộc biểu mẫu.")]
    if not _string_list(documents) or set(documents) - {d.get("code") for d in version.documents}:
        bad["documents"] = [_("Có thành phần hồ sơ không thuộc thủ tục.")]
    if bad:
        raise InvalidInput(_("Yêu cầu bổ sung không hợp lệ."), errors=bad)
    dossier.resume_status = dossier.status
    dossier.supplement_items = [i.strip() for i in items]
    if dossier.status == Status.PROCESSING:
        # The clock only runs after acceptance, so only then is there anything to pause.
        dossier.paused_at = now
        dossier.supplement_count += 1
        DossierPause.objects.create(dossier=dossier, started_at=now, items=dossier.supplement_items)
    return {"items": dossier.supplement_items, "fields": fields, "documents": documents}


def _effect_supplement(dossier: Dossier, *, actor, now, steps, **_ctx) -> dict:
    version = dossier.procedure_version
    errors: dict[str, list[str]] = {}
    try:
        dossier.data = _checked_data(version.form_fields, dossier.data, partial=False, lang=_lang(actor))
    except InvalidInput as exc:
        errors.update(exc.errors)
    errors.update(_missing_documents(dossier))
    if errors:
        raise InvalidInput(_("Hồ sơ bổ sung chưa đầy đủ."), errors=errors)
    result: dict[str, Any] = {}
    if dossier.paused_at and dossier.due_at:
        paused_at = dossier.paused_at
        calendar, tz = working_calendar(), portal_tz()
        new_due = deadlines.resume_due_at(
            dossier.due_at,
            paused_at=paused_at,
            resumed_at=now,
            limit=_time_limit(dossier),
            policy=deadlines.SupplementPolicy(version.supplement_policy),
            calendar=calendar,
            tz=tz,
        )
        paused_days = _close_open_pause(dossier, now)
        dossier.due_at = new_due
        # The step's plan moves with the pause too, in working days (a calendar shift could land on a Sunday).
        dossier.step_due_at = _step_due_at(dossier, steps, dossier.current_step) if dossier.current_step else None
        result = {"paused_working_days": paused_days, "due_at": _iso(new_due)}
    dossier.paused_at = None
    dossier.resume_status = ""
    dossier.supplement_items = []
    return result


def _effect_forward(dossier: Dossier, *, payload, steps, now, **_ctx) -> dict:
    from_step = dossier.current_step
    next_step = steps[from_step]  # current_step is 1-based: this is step from_step + 1
    assignee = _assignee_from(dossier, payload["assignee"], role=next_step.role) if payload.get("assignee") else None
    routed = _enter_step(dossier, steps, from_step + 1, assignee=assignee, now=now)
    return {"from_step": from_step, "step": dossier.current_step, "step_due_at": _iso(dossier.step_due_at), **routed}


def _effect_send_back(dossier: Dossier, *, steps, now, **_ctx) -> dict:
    from_step = dossier.current_step
    routed = _enter_step(dossier, steps, from_step - 1, now=now)
    return {"from_step": from_step, "step": dossier.current_step, "step_due_at": _iso(dossier.step_due_at), **routed}


def _effect_request_payment(dossier: Dossier, *, payload, **_ctx) -> dict:
    amount = payload.get("amount")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise InvalidInput(_("Số tiền không hợp lệ."), errors={"amount": [_("Phải là số nguyên đồng lớn hơn 0.")]})
    dossier.fee_amount = amount
    dossier.paid_at = None  # a new request is unpaid until paid, whatever an earlier one was
    return {"amount": amount}


def _effect_pay(dossier: Dossier, *, payload, now, **_ctx) -> dict:
    dossier.paid_at = now
    return {
        "amount": dossier.fee_amount,
        "reference": str(payload.get("reference", ""))[:100],
        "provider": str(payload.get("provider", ""))[:20],
    }


def _effect_complete(dossier: Dossier, *, payload, now, **_ctx) -> dict:
    outcome = payload.get("outcome")
    if outcome not in Outcome.values:
        raise InvalidInput(_("Kết quả không hợp lệ."), errors={"outcome": [_("Chọn 'approved' hoặc 'denied'.")]})
    dossier.outcome = outcome
    dossier.completed_at = now
    dossier.step_due_at = None
    return {"outcome": outcome}


DELIVERY_CHANNELS = frozenset({"online", "desk", "post"})


def _effect_deliver(dossier: Dossier, *, payload, now, roles, **_ctx) -> dict:
    by_applicant = Role.RECEPTION not in roles
    channel = payload.get("channel") or ("online" if by_applicant else "desk")
    if channel not in DELIVERY_CHANNELS:
        raise InvalidInput(_("Hình thức trả kết quả không hợp lệ."), errors={"channel": [_("online, desk hoặc post.")]})
    if by_applicant and channel != "online":
        # The applicant takes delivery only by downloading the electronic result; desk and post go through reception.
        raise InvalidInput(
            _("Người nộp chỉ nhận kết quả điện tử."), errors={"channel": [_("Người nộp chỉ nhận trực tuyến.")]}
        )
    dossier.delivered_at = now
    dossier.delivery_channel = channel
    return {"channel": channel}


# An extension postpones a promise by weeks or months (Decree 61/2018 art. 19), never to an absurd date.
MAX_EXTENSION = timedelta(days=366)


def _effect_extend(dossier: Dossier, *, payload, steps, **_ctx) -> dict:
    new_due = _parse_due(payload.get("due_at"))
    if dossier.due_at is not None and new_due > dossier.due_at + MAX_EXTENSION:
        raise InvalidInput(
            _("Chỉ gia hạn tối đa %(n)s ngày sau ngày hẹn hiện tại.") % {"n": MAX_EXTENSION.days},
            errors={"due_at": [_("Quá xa ngày hẹn hiện tại.")]},
        )
    calendar, tz = working_calendar(), portal_tz()
    if not calendar.is_working_day(new_due.astimezone(tz).date()):
        raise InvalidInput(
            _("Ngày hẹn mới phải là ngày làm việc."), errors={"due_at": [_("Không phải ngày làm việc.")]}
        )
    try:
        deadlines.validate_extension(dossier.due_at, new_due)
    except ValueError:
        raise InvalidInput(
            _("Ngày hẹn mới phải sau ngày hẹn hiện tại."), errors={"due_at": [_("Phải sau ngày hẹn hiện tại.")]}
        )
    previous = dossier.due_at
    dossier.due_at = new_due  # original_due_at stays: the statistics compare against the first promise
    dossier.step_due_at = _step_due_at(dossier, steps, dossier.current_step)
    return {"due_at": _iso(new_due), "previous_due_at": _iso(previous), "apology": True}


DUE_MIN_YEAR, DUE_MAX_YEAR = 2000, 2100


def _parse_due(value: Any) -> datetime:
    """A due date as the end of that working day in Asia/Ho_Chi_Minh, from `YYYY-MM-DD`, an ISO timestamp, or a
    date / aware datetime given by Python callers."""
    tz = portal_tz()
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            value = value.replace(tzinfo=tz)
        try:
            local = value.astimezone(tz).date()
        except OverflowError:  # 9999-12-31T23:59:59-12:00 is past year 9999 in any eastern zone
            local = date.max
        return _parse_due(local)
    if isinstance(value, date):
        if not DUE_MIN_YEAR <= value.year <= DUE_MAX_YEAR:
            raise InvalidInput(
                _("Ngày hẹn không hợp lệ."),
                errors={
                    "due_at": [_("Năm phải từ %(low)s đến %(high)s.") % {"low": DUE_MIN_YEAR, "high": DUE_MAX_YEAR}]
                },
            )
        return deadlines.end_of_day(value, tz)
    if isinstance(value, str):
        value = value.strip()
        try:
            parsed_dt = parse_datetime(value) if "T" in value or " " in value else None
        except ValueError:
            parsed_dt = None
        if parsed_dt is not None:
            return _parse_due(parsed_dt)
        try:
            parsed_d = parse_date(value)
        except ValueError:
            parsed_d = None
        if isinstance(parsed_d, date):
            return _parse_due(parsed_d)
    raise InvalidInput(_("Ngày hẹn không hợp lệ."), errors={"due_at": [_("Dùng định dạng YYYY-MM-DD.")]})


def _effect_stop(dossier: Dossier, **_ctx) -> dict:
    dossier.step_due_at = None
    return {}


def _effect_withdraw(dossier: Dossier, *, target, **_ctx) -> dict:
    if target == Status.WITHDRAWAL_REQUESTED:
        # Reception decides; a refusal returns the dossier to where it was.
        dossier.withdrawal_from = dossier.status
    else:
        dossier.step_due_at = None
    return {}


def _effect_approve_withdrawal(dossier: Dossier, *, now, **_ctx) -> dict:
    days = _close_open_pause(dossier, now)
    dossier.withdrawal_from = ""
    dossier.step_due_at = None
    return {"paused_working_days": days} if days is not None else {}


def _effect_reject_withdrawal(dossier: Dossier, **_ctx) -> dict:
    dossier.withdrawal_from = ""
    return {}


def _effect_assign(dossier: Dossier, *, payload, **_ctx) -> dict:
    dossier.assignee = _assignee_from(dossier, payload.get("assignee"))
    return {"assignee": dossier.assignee_id, "assignee_name": str(dossier.assignee)}


def _assignee_from(dossier: Dossier, value: Any, *, role: str | None = None) -> User:
    """An active officer handling dossiers at the dossier's agency (holding `role` when given)."""
    if isinstance(value, bool):
        value = None
    try:
        user_id = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(
            _("Cán bộ được phân công không hợp lệ."), errors={"assignee": [_("Mã cán bộ không hợp lệ.")]}
        )
    memberships = StaffMembership.objects.select_related("user").filter(
        agency_id=dossier.agency_id, user_id=user_id, is_active=True, user__is_active=True
    )
    memberships = memberships.filter(role=role) if role else memberships.filter(role__in=HANDLING_ROLES)
    membership = memberships.first()
    if membership is not None and membership.user_id == dossier.applicant_id:
        # Separation of duties: an officer who filed the dossier never handles it.
        raise InvalidInput(
            _("Không thể giao hồ sơ cho chính người nộp hồ sơ; hãy chọn cán bộ khác."),
            errors={"assignee": [_("Cán bộ này là người nộp hồ sơ.")]},
        )
    if membership is None:
        raise InvalidInput(
            _("Cán bộ được phân công không thuộc cơ quan xử lý hoặc không có vai trò của bước."),
            errors={"assignee": [_("Không thuộc cơ quan hoặc không có vai trò phù hợp.")]},
        )
    return membership.user


def _iso(value: datetime | None) -> str | None:
    # Event payloads show moments as the portal does: in Asia/Ho_Chi_Minh, whatever zone the value was read in.
    return value.astimezone(portal_tz()).isoformat() if value else None


_EFFECTS = {
    Action.SUBMIT: _effect_submit,
    Action.ACCEPT: _effect_accept,
    Action.REQUEST_SUPPLEMENT: _effect_request_supplement,
    Action.SUPPLEMENT: _effect_supplement,
    Action.FORWARD: _effect_forward,
    Action.SEND_BACK: _effect_send_back,
    Action.REQUEST_PAYMENT: _effect_request_payment,
    Action.PAY: _effect_pay,
    Action.COMPLETE: _effect_complete,
    Action.DELIVER: _effect_deliver,
    Action.EXTEND: _effect_extend,
    Action.STOP: _effect_stop,
    Action.WITHDRAW: _effect_withdraw,
    Action.APPROVE_WITHDRAWAL: _effect_approve_withdrawal,
    Action.REJECT_WITHDRAWAL: _effect_reject_withdrawal,
    Action.ASSIGN: _effect_assign,
}
