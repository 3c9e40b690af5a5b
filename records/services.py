"""Writes of the records app: issuing the signed result when a dossier is completed, revoking it, delivery by
download, the citizen's document store and the reuse of stored documents in a new dossier.

Issuing runs inside the workflow's transaction (a procedures hook): if the PDF cannot be rendered or signed, the
completion is rolled back with it and the officer is told why.
"""

from __future__ import annotations

import hashlib
import secrets
from uuid import UUID

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from citizens.models import User
from citizens.roles import Role
from procedures.errors import ActionForbidden, ActionNotAvailable, InvalidInput, NotFound
from procedures.models import Document, DocumentKind, Dossier, DossierEvent, Status
from procedures.selectors import actor_roles
from procedures.services.calendar import portal_tz
from procedures.services.documents import document_upload
from procedures.services.dossiers import dossier_get_for, dossier_perform_action
from procedures.workflow import Action
from records import rendering, signing
from records.models import (
    DocumentOrigin,
    Origin,
    RegisterBook,
    SignedResult,
    StoredDocument,
    StoredKind,
)

RESULT_REQUIREMENT = "e-result"
REVOKE_ACTION = "revoke_result"
# No 0/O or 1/I: the code is read aloud and typed from paper.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _verification_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def register_next(*, agency_id: int, year: int) -> tuple[RegisterBook, int]:
    """The next number of the agency's register book for `year`, under a row lock (two leaders signing at the same
    moment get consecutive numbers, never the same one). Call inside a transaction."""
    RegisterBook.objects.get_or_create(agency_id=agency_id, year=year)
    book = RegisterBook.objects.select_for_update().get(agency_id=agency_id, year=year)
    book.last_number += 1
    book.save(update_fields=["last_number"])
    return book, book.last_number


# --- hooks (called by procedures inside the action's transaction) ----------------------------------------------------


def records_on_event(*, event: DossierEvent, dossier: Dossier) -> None:
    if event.action == Action.COMPLETE:
        result_issue(dossier=dossier, event=event)


def records_on_document(*, document: Document) -> None:
    """Record where an input document came from: a reception officer's upload for a paper dossier is a scan of
    paper (digitised at the desk, indicator 4.2) and goes to the citizen's store; the applicant's own is an upload.
    A reuse from the store overwrites this afterwards (store_reuse)."""
    if document.pk is None or document.kind != DocumentKind.INPUT:
        return  # removed (its origin row went with it) or a result
    dossier = Dossier.objects.only("id", "applicant_id").get(pk=document.dossier_id)
    scan = document.uploaded_by_id != dossier.applicant_id
    DocumentOrigin.objects.get_or_create(
        document=document, defaults={"dossier_id": dossier.pk, "origin": Origin.SCAN if scan else Origin.UPLOAD}
    )
    if scan:
        StoredDocument.objects.get_or_create(
            owner_id=dossier.applicant_id,
            document=document,
            defaults={
                "kind": StoredKind.SCAN,
                "requirement": document.requirement,
                "name": document.name,
                "issued_at": timezone.now(),
            },
        )


# --- the signed result ------------------------------------------------------------------------------------------------


def result_issue(*, dossier: Dossier, event: DossierEvent) -> SignedResult | None:
    """Render the result of a completed dossier, sign it with the agency's key, file it in the register book, attach
    it to the dossier as its result and put it in the applicant's document store.

    Nothing happens for an agency without a signing key (its results stay as they were: uploaded or on paper).
    Raises SigningFailed (409) when the key is configured but signing fails, which rolls the completion back."""
    config = signing.signer_config_for(dossier.agency)
    if config is None:
        return None
    signed_at = event.at
    book, number = register_next(agency_id=dossier.agency_id, year=timezone.localtime(signed_at, portal_tz()).year)
    code = _verification_code()
    actor = event.actor
    is_leader = actor is not None and Role.LEADER in actor_roles(dossier, actor)
    title = config.signer_title if is_leader else _("Công chức xử lý")
    signer_name = actor.get_full_name() if actor else ""
    register_text = f"{number}/{book.year}"
    pdf = rendering.result_pdf(
        dossier,
        signature=rendering.Signature(name=signer_name, title=title, place=config.place, at=signed_at),
        register_number=register_text,
        book=book.label,
        verification_code=code,
        denial_reason=event.comment,
    )
    signed = signing.sign_pdf(
        pdf,
        config=config,
        reason=f"{dossier.procedure.name} - số {register_text}, mã xác thực {code}",
        location=config.place,
        name=signer_name,
    )
    digest = hashlib.sha256(signed.content).hexdigest()
    name = f"ket-qua-{dossier.code}.pdf"
    document = Document(
        dossier=dossier,
        kind=DocumentKind.RESULT,
        requirement=RESULT_REQUIREMENT,
        name=name,
        size=len(signed.content),
        content_type="application/pdf",
        sha256=digest,
        uploaded_by=actor,
    )
    document.file.save(name, ContentFile(signed.content), save=False)
    stored_name = document.file.name
    try:
        document.save()
        result = SignedResult.objects.create(
            dossier=dossier,
            document=document,
            agency_id=dossier.agency_id,
            book=book,
            register_number=number,
            verification_code=code,
            outcome=dossier.outcome,
            sha256=digest,
            signer=actor,
            signer_name=signer_name,
            signer_title=title,
            certificate_subject=signed.certificate_subject,
            certificate_serial=signed.certificate_serial,
            timestamped=signed.timestamped,
            signed_at=signed_at,
        )
        StoredDocument.objects.create(
            owner_id=dossier.applicant_id,
            document=document,
            kind=StoredKind.RESULT,
            requirement=dossier.procedure.code,
            name=f"{dossier.procedure.name} ({register_text})",
            issued_at=signed_at,
        )
    except Exception:
        document.file.storage.delete(stored_name)
        raise
    return result


@transaction.atomic
def result_revoke(*, result_id: UUID | str, actor: User, reason: str, now=None) -> SignedResult:
    """A leader of the issuing agency withdraws a signed result (wrong data, replaced by a new decision). The file
    stays, its verification now says revoked, and the dossier's history records who and why."""
    reason = str(reason or "").strip()
    try:
        result = SignedResult.objects.select_for_update().select_related("dossier").get(pk=result_id)
    except (SignedResult.DoesNotExist, ValueError, TypeError, DjangoValidationError):
        raise NotFound(_("Không tìm thấy kết quả điện tử."))
    dossier = dossier_get_for(dossier_id=result.dossier_id, user=actor)  # 404 for another agency's staff
    if Role.LEADER not in actor_roles(dossier, actor):
        raise ActionForbidden(_("Chỉ lãnh đạo cơ quan ban hành được thu hồi kết quả."))
    if not reason:
        raise InvalidInput(_("Cần nêu lý do thu hồi."), errors={"reason": [_("Trường này là bắt buộc.")]})
    if result.revoked_at is not None:
        raise ActionNotAvailable(_("Kết quả này đã bị thu hồi trước đó."))
    now = now or timezone.now()
    result.revoked_at = now
    result.revoked_by = actor
    result.revoke_reason = reason[:2000]
    result.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    DossierEvent.objects.create(
        dossier=dossier,
        actor=actor,
        action=REVOKE_ACTION,
        from_status=dossier.status,
        to_status=dossier.status,
        step=dossier.current_step,
        comment=result.revoke_reason,
        payload={"verification_code": result.verification_code, "register_number": result.register_number},
        at=now,
    )
    return result


@transaction.atomic
def result_take(*, dossier_id: UUID | str, user: User, now=None) -> SignedResult:
    """The signed result for the applicant or the handling agency. The applicant's first download of a completed
    dossier's e-result is its delivery (channel online), recorded by the workflow."""
    dossier = dossier_get_for(dossier_id=dossier_id, user=user, lock=True)
    result = (
        SignedResult.objects.select_related("document", "agency", "book")
        .filter(dossier=dossier)
        .order_by("-signed_at")
        .first()
    )
    if result is None or dossier.status not in (Status.COMPLETED, Status.DELIVERED):
        raise NotFound(_("Hồ sơ chưa có kết quả điện tử."))
    if dossier.applicant_id == user.pk:
        now = now or timezone.now()
        if result.downloaded_at is None:
            result.downloaded_at = now
            result.save(update_fields=["downloaded_at"])
        if dossier.status == Status.COMPLETED and result.revoked_at is None:
            dossier_perform_action(
                dossier_id=dossier.pk,
                action=Action.DELIVER,
                actor=user,
                version=dossier.version,
                payload={"channel": "online"},
                now=now,
            )
    return result


# --- the document store -----------------------------------------------------------------------------------------------


@transaction.atomic
def store_keep(*, owner: User, document_id: UUID | str) -> StoredDocument:
    """Keep one of the owner's own dossier documents (an input they filed, or a result issued to them) in their
    store, for reuse in later dossiers. Keeping it twice returns the same entry."""
    try:
        document = Document.objects.select_related("dossier").get(pk=document_id, dossier__applicant=owner)
    except (Document.DoesNotExist, ValueError, TypeError, DjangoValidationError):
        raise NotFound(_("Không tìm thấy tài liệu."))
    origin = DocumentOrigin.objects.filter(document=document).values_list("origin", flat=True).first()
    kind = (
        StoredKind.RESULT
        if document.kind == DocumentKind.RESULT
        else StoredKind.SCAN
        if origin == Origin.SCAN
        else StoredKind.UPLOAD
    )
    stored, _created = StoredDocument.objects.get_or_create(
        owner=owner,
        document=document,
        defaults={
            "kind": kind,
            "requirement": document.requirement,
            "name": document.name,
            "issued_at": timezone.now(),
        },
    )
    return stored


@transaction.atomic
def store_reuse(*, dossier_id: UUID | str, actor: User, requirement: str, stored_id: UUID | str) -> Document:
    """Attach a document of the actor's store to their dossier instead of a new upload: the same checks as an upload
    (the dossier is editable by them, the requirement exists and accepts the type), and the document is recorded as
    reused digitised data (indicator 4.3)."""
    try:
        stored = StoredDocument.objects.select_related("document").get(pk=stored_id, owner=actor)
    except (StoredDocument.DoesNotExist, ValueError, TypeError, DjangoValidationError):
        raise InvalidInput(
            _("Không tìm thấy giấy tờ trong kho dữ liệu của bạn."),
            errors={"from_store": [_("Giấy tờ không tồn tại hoặc không thuộc kho của bạn.")]},
        )
    try:
        with stored.document.file.open("rb") as handle:
            content = handle.read()
    except (FileNotFoundError, ValueError, OSError):
        raise InvalidInput(
            _("Tệp của giấy tờ này không còn trên máy chủ."), errors={"from_store": [_("Tệp không còn.")]}
        )
    upload = SimpleUploadedFile(stored.document.name, content, content_type=stored.document.content_type)
    document = document_upload(dossier_id=dossier_id, actor=actor, requirement=requirement, upload=upload)
    DocumentOrigin.objects.update_or_create(
        document=document,
        defaults={"dossier_id": document.dossier_id, "origin": Origin.REUSE, "reused_from": stored},
    )
    return document


def records_document_source(*, dossier_id, actor: User, requirement: str, value) -> Document:
    """The procedures upload endpoint's `from_store` field (registered in RecordsConfig.ready)."""
    return store_reuse(dossier_id=dossier_id, actor=actor, requirement=requirement, stored_id=value)


def records_document_offers(*, user: User, requirements: list[dict]) -> dict[str, list[dict]]:
    """What the filing wizard offers from the applicant's store for each requirement (RecordsConfig.ready)."""
    from records.selectors import store_matches_for

    if not getattr(user, "is_authenticated", False):
        return {}
    return {
        code: [
            {
                "field": "from_store",
                "value": str(stored.pk),
                "name": stored.name,
                "note": f"{stored.get_kind_display()}, {timezone.localtime(stored.issued_at, portal_tz()):%d/%m/%Y}",
            }
            for stored in items
        ]
        for code, items in store_matches_for(user, requirements).items()
    }
