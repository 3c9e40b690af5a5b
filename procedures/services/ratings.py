"""Writes for the applicant's satisfaction rating (DOMAIN.md "Satisfaction and feedback")."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from citizens.models import User
from procedures.errors import ActionForbidden, ActionNotAvailable, InvalidInput
from procedures.models import Rating, Status
from procedures.services.dossiers import dossier_get_for

SCORES = ("overall", "timeliness", "attitude", "convenience")
COMMENT_MAX = 2000


def rating_can_rate(*, dossier, user: User) -> bool:
    """The dossier's own applicant, after delivery, not yet rated (callers pass a dossier they may see)."""
    return (
        dossier.applicant_id == user.pk
        and dossier.status == Status.DELIVERED
        and not Rating.objects.filter(dossier_id=dossier.pk).exists()
    )


def _score(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= 5 and str(value).strip() == str(number) else None


@transaction.atomic
def rating_create(
    *,
    dossier_id: UUID | str,
    actor: User,
    overall: Any,
    timeliness: Any,
    attitude: Any,
    convenience: Any,
    satisfied: Any,
    comment: str = "",
) -> Rating:
    """Record the applicant's one rating of a delivered dossier.

    Raises NotFound (not visible), ActionForbidden (not the applicant), ActionNotAvailable (not delivered, or
    already rated) and InvalidInput (a score outside 1-5, no satisfied/dissatisfied answer, comment too long)."""
    dossier = dossier_get_for(dossier_id=dossier_id, user=actor, lock=True)
    if dossier.applicant_id != actor.pk:
        raise ActionForbidden(_("Chỉ người nộp hồ sơ được đánh giá."))
    if dossier.status != Status.DELIVERED:
        raise ActionNotAvailable(_("Chỉ đánh giá được sau khi đã nhận kết quả."))
    if Rating.objects.filter(dossier_id=dossier.pk).exists():
        raise ActionNotAvailable(_("Hồ sơ này đã được đánh giá."))
    values = {"overall": overall, "timeliness": timeliness, "attitude": attitude, "convenience": convenience}
    errors: dict[str, list[str]] = {}
    scores = {}
    for name, value in values.items():
        scores[name] = _score(value)
        if scores[name] is None:
            errors[name] = [_("Chọn một mức từ 1 đến 5.")]
    if isinstance(satisfied, str):
        satisfied = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}.get(
            satisfied.strip().lower()
        )
    if not isinstance(satisfied, bool):
        errors["satisfied"] = [_("Chọn hài lòng hoặc không hài lòng.")]
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        errors["comment"] = [_("Góp ý tối đa %(n)s ký tự.") % {"n": COMMENT_MAX}]
    if errors:
        raise InvalidInput(_("Đánh giá chưa hợp lệ."), errors=errors)
    try:
        with transaction.atomic():
            return Rating.objects.create(
                dossier=dossier, applicant=actor, satisfied=satisfied, comment=comment, **scores
            )
    except IntegrityError:  # a concurrent rating of the same dossier won the race
        raise ActionNotAvailable(_("Hồ sơ này đã được đánh giá."))
