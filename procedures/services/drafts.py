"""Deleting an applicant's own empty draft: one that was never submitted and holds no answer and no file.

Autosave makes a draft as soon as the filing page is touched, so abandoned empty drafts pile up in "Hồ sơ của tôi".
A draft that holds anything stays (the person may come back to it); a submitted dossier is never deleted.
"""

from __future__ import annotations

from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citizens.models import User
from procedures.errors import ActionForbidden, ActionNotAvailable
from procedures.models import Document, Status
from procedures.services.dossiers import dossier_get_for


def draft_is_empty(data: dict | None, document_count: int) -> bool:
    """No file and no answer that is more than blank (False, 0 and empty lists count as nothing typed)."""
    return not document_count and not any(value not in (None, "", [], {}, False) for value in (data or {}).values())


@transaction.atomic
def dossier_draft_delete(*, dossier_id: UUID | str, actor: User) -> None:
    """Discard the actor's own empty draft: it leaves their list for good. The row stays, marked `purged_at`, because
    the event log is append-only (its creation event may never be deleted), as retention does for old drafts."""
    dossier = dossier_get_for(dossier_id=dossier_id, user=actor, lock=True)
    if dossier.applicant_id != actor.pk:
        raise ActionForbidden(_("Chỉ người nộp hồ sơ được xoá hồ sơ nháp của mình."))
    if dossier.status != Status.DRAFT or dossier.code:
        raise ActionNotAvailable(_("Chỉ xoá được hồ sơ nháp chưa nộp."))
    if not draft_is_empty(dossier.data, Document.objects.filter(dossier=dossier).count()):
        raise ActionNotAvailable(_("Hồ sơ nháp đã có thông tin hoặc tệp đính kèm nên không xoá ở đây."))
    dossier.purged_at = timezone.now()
    dossier.version += 1
    dossier.save(update_fields=["purged_at", "version", "updated_at"])
