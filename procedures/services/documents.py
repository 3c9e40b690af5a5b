"""Writes and guarded reads of dossier documents (uploaded files).

Files live in the default storage, which is private (no public URL); they are served only through
`document_open_for`, after the same visibility check as the dossier itself. The type of a file is sniffed from its
content, never taken from its name or the client's Content-Type, and checked against the requirement's accept list.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
import zipfile
from collections.abc import Iterable
from uuid import UUID

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from citizens.models import User
from citizens.roles import STAFF_ROLES, Role
from portal import antivirus
from procedures import hooks
from procedures.enums import EDITABLE, RESULT_ATTACHABLE
from procedures.errors import (
    ActionForbidden,
    ActionNotAvailable,
    FileTooLarge,
    InvalidInput,
    NotFound,
    QuotaExceeded,
    ScannerUnavailable,
)
from procedures.models import Document, DocumentKind, Dossier, Status
from procedures.selectors import actor_roles, dossier_facts, dossier_steps, result_released
from procedures.services.dossiers import dossier_get_for
from procedures.vocabulary import DEFAULT_ACCEPT, DOCX, EXTENSIONS, PPTX, RESULT_ACCEPT, XLSX
from procedures.workflow import Action

RESULT_REQUIREMENT = "result"
# A generous ceiling so one dossier cannot fill the disk with thousands of small files.
MAX_DOCUMENTS_PER_DOSSIER = 100
SNIFF_BYTES = 8192
NAME_MAX_CHARS = 255

# Types a browser may show in place: they cannot run script in our origin (SVG is never accepted: no sniffer match).
INLINE_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png", "image/gif", "image/webp"})

_UNSAFE_NAME_CHARS = re.compile(r'[<>:"/\\|?*]')
_HTML_STARTS = ("<!doctype html", "<html", "<head", "<body", "<script", "<iframe", "<svg")
# Extensions that say something about content: a name ending in one that does not match the content loses it.
_TELLING_EXTENSIONS = frozenset(
    {ext for values in EXTENSIONS.values() for ext in values}
    | {"exe", "dll", "msi", "bat", "cmd", "com", "scr", "sh", "ps1", "js", "vbs", "jar", "apk", "php"}
    | {"html", "htm", "xhtml", "svg", "xml", "txt", "csv", "rtf", "gz", "tgz", "rar", "7z", "tar"}
)

logger = logging.getLogger(__name__)


# --- content sniffing and names -------------------------------------------------------------------------------


def sniff_content_type(upload: UploadedFile) -> str:
    """The MIME type of the file's content, from its first bytes (the `filetype` signatures).

    Office Open XML files whose first archive entries are not the telling ones are recognised from the archive's
    directory; content no signature matches is reported as text/html, text/plain or application/octet-stream so
    error messages can name it."""
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    mime = kind.mime if kind is not None else None
    if mime == "application/zip":
        mime = _office_type(upload) or mime
    if mime is None:
        mime = _text_type(head)
    return mime


def _office_type(upload: UploadedFile) -> str | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    if "ppt/presentation.xml" in names:
        return PPTX
    return None


def _text_type(head: bytes) -> str:
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text; anything else is binary.
        if exc.start < len(head) - 3:
            return "application/octet-stream"
        text = head[: exc.start].decode("utf-8")
    if "\x00" in text:
        return "application/octet-stream"
    lowered = text.lstrip("\ufeff \t\r\n").lower()
    if lowered.startswith(_HTML_STARTS) or "<html" in lowered or "<script" in lowered:
        return "text/html"
    if lowered.startswith("<?xml"):
        return "application/xml"
    return "text/plain"


def safe_name(name: str, *, content_type: str = "", fallback: str = "tep-dinh-kem") -> str:
    """A file name safe to store and to send back: no path, no control or format characters, no characters
    Windows forbids, at most 255 characters, Vietnamese letters kept (NFC), and an extension that matches the
    detected content type (a PDF called "scan.png" is stored as "scan.pdf")."""
    text = unicodedata.normalize("NFC", str(name or ""))
    # Any path component goes, whichever separator the client's system uses.
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    # Cc: control characters; Cf: format characters such as U+202E that flip "fdp.exe" into "exe.pdf" on screen;
    # Zl/Zp: line and paragraph separators that would break a header.
    text = "".join(" " if unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"} else ch for ch in text)
    text = _UNSAFE_NAME_CHARS.sub("_", text)
    text = " ".join(text.split())
    # No hidden files and no "..": leading dots and trailing dots or spaces go (Windows drops the trailing ones too).
    text = text.lstrip(". ").rstrip(". ")
    stem, dot, ext = text.rpartition(".")
    if not dot:
        stem, ext = text, ""
    allowed = EXTENSIONS.get(content_type)
    if allowed and ext.lower() not in allowed:
        # Keep the whole original name as the stem ("anh.chup" -> "anh.chup.jpg") unless its extension was a
        # known one that lied about the content ("x.png" holding a PDF -> "x.pdf").
        if ext and ext.lower() not in _TELLING_EXTENSIONS:
            stem = text
        ext = allowed[0]
    stem = stem.strip(". ") or fallback
    suffix = f".{ext}" if ext else ""
    stem = stem[: max(1, NAME_MAX_CHARS - len(suffix))].rstrip(". ") or fallback
    return f"{stem}{suffix}"[:NAME_MAX_CHARS]


def kinds_display(mime_types: Iterable[str]) -> str:
    """'PDF, JPG, PNG' for a list of MIME types (wildcards such as image/* read as 'ảnh')."""
    kinds: list[str] = []
    for mime in mime_types:
        if mime.endswith("/*"):
            label = str(_("ảnh")) if mime.startswith("image/") else mime[:-2]
        elif mime in EXTENSIONS:
            label = EXTENSIONS[mime][0].upper()
        else:
            label = mime.rsplit("/", 1)[-1].upper()
        if label not in kinds:
            kinds.append(label)
    return ", ".join(kinds)


def _accepts(accept: Iterable[str], mime: str) -> bool:
    for pattern in accept:
        pattern = str(pattern).strip().lower()
        if pattern == mime or (pattern.endswith("/*") and mime.startswith(pattern[:-1])):
            return True
    return False


def megabytes_text(limit: int) -> str:
    value = limit / (1024 * 1024)
    for digits in (1, 2, 3):
        text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
        if text != "0":
            break
    return text.replace(".", ",")  # Vietnamese writes a decimal comma


def size_limit_for(requirement: dict | None) -> int:
    """The largest file a requirement takes: its own max_bytes, never above the portal-wide MAX_UPLOAD_BYTES."""
    ceiling = int(settings.MAX_UPLOAD_BYTES)
    own = (requirement or {}).get("max_bytes")
    try:
        own = int(own) if own is not None else None
    except (TypeError, ValueError):
        own = None
    return min(own, ceiling) if own and own > 0 else ceiling


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


# --- permissions ----------------------------------------------------------------------------------------------


def _open_supplement_documents(dossier: Dossier) -> set[str]:
    """The requirements the open supplement request names (empty: it named none, so any may change)."""
    event = dossier.events.filter(action=Action.REQUEST_SUPPLEMENT).order_by("-at", "-id").first()
    documents = (event.payload or {}).get("documents") if event else None
    return {str(code) for code in documents} if isinstance(documents, list) else set()


def _check_input_editable(dossier: Dossier, actor: User) -> None:
    staff_filing = (
        dossier.status == Status.DRAFT and dossier.channel != "online" and Role.RECEPTION in actor_roles(dossier, actor)
    )
    if dossier.applicant_id != actor.pk and not staff_filing:
        raise ActionForbidden(_("Chỉ người nộp hồ sơ được thay đổi thành phần hồ sơ."))
    if dossier.status not in EDITABLE:
        raise ActionNotAvailable(
            _("Không thể thay đổi tài liệu khi hồ sơ đang ở trạng thái '%(status)s'.")
            % {"status": Status(dossier.status).label}
        )


def _check_supplement_scope(dossier: Dossier, requirement: str) -> None:
    if dossier.status != Status.SUPPLEMENT_REQUESTED:
        return
    named = _open_supplement_documents(dossier)
    if named and requirement not in named:
        raise InvalidInput(
            _("Thành phần '%(code)s' không nằm trong yêu cầu bổ sung.") % {"code": requirement},
            errors={
                "requirement": [_("Chỉ được bổ sung các thành phần: %(codes)s.") % {"codes": ", ".join(sorted(named))}]
            },
        )


def _check_result_editable(dossier: Dossier, actor: User) -> None:
    """Result documents: staff of the dossier's agency holding the role of its current (for a completed dossier:
    last) step, while it is processing or completed."""
    forbidden = ActionForbidden(_("Chỉ cán bộ xử lý bước hiện tại được cập nhật kết quả."))
    roles = actor_roles(dossier, actor)
    if not roles & STAFF_ROLES:
        raise forbidden
    if dossier.status not in RESULT_ATTACHABLE:
        raise ActionNotAvailable(
            _("Không thể cập nhật kết quả khi hồ sơ đang ở trạng thái '%(status)s'.")
            % {"status": Status(dossier.status).label}
        )
    facts = dossier_facts(dossier, dossier_steps(dossier.procedure_version_id))
    if facts.step_role is None or facts.step_role not in roles:
        raise forbidden
    if facts.current_step != facts.step_count:
        raise ActionNotAvailable(_("Chỉ cập nhật kết quả ở bước cuối của quy trình, khi hoàn thành xử lý."))


def _check_editable(dossier: Dossier, actor: User, kind: str) -> None:
    if kind == DocumentKind.RESULT:
        _check_result_editable(dossier, actor)
    else:
        _check_input_editable(dossier, actor)


# --- services -------------------------------------------------------------------------------------------------


def _scan_for_malware(upload: UploadedFile, *, actor: User, dossier: Dossier) -> None:
    """Every upload passes ClamAV before it is stored (portal.antivirus); without a configured scanner, none."""
    if not antivirus.configured():
        return
    try:
        result = antivirus.scan(upload)
    except antivirus.ScannerUnavailable:
        logger.exception("Malware scanner unavailable; upload refused (dossier %s).", dossier.pk)
        raise ScannerUnavailable(_("Không kiểm tra được mã độc lúc này nên chưa nhận tệp; hãy thử lại sau ít phút."))
    if not result.clean:
        logger.warning(
            "Infected upload refused: signature=%s sha256=%s user=%s dossier=%s",
            result.signature,
            _sha256(upload),
            actor.pk,
            dossier.pk,
        )
        message = _("Tệp chứa mã độc (%(signature)s) nên không được nhận. Hãy quét virus máy của bạn và tải tệp khác.")
        message %= {"signature": result.signature}
        raise InvalidInput(message, errors={"file": [message]})


def _check_storage_quota(user: User, size: int) -> None:
    """What one person may keep stored across their dossiers (settings.MAX_USER_STORED_BYTES)."""
    limit = settings.MAX_USER_STORED_BYTES
    stored = Document.objects.filter(uploaded_by=user, kind=DocumentKind.INPUT).aggregate(total=Sum("size"))["total"]
    if (stored or 0) + size > limit:
        raise QuotaExceeded(
            _("Bạn đã dùng hết dung lượng lưu trữ (%(mb)s MB). Hãy xoá tệp ở các hồ sơ nháp không dùng đến.")
            % {"mb": megabytes_text(limit)},
            errors={"file": [_("Vượt quá dung lượng lưu trữ của bạn.")]},
        )


@transaction.atomic
def document_upload(
    *,
    dossier_id: UUID | str,
    actor: User,
    requirement: str,
    upload: UploadedFile,
    kind: str = DocumentKind.INPUT,
) -> Document:
    """Attach a file to a dossier and return the new Document.

    Input documents: by the dossier's applicant, in draft or while a supplement is requested (then only the
    requirements the request named, if it named any). Result documents: by staff holding the current step's role,
    while processing or completed. The file's type is sniffed from its content and must be one the requirement
    accepts; its size must be within the requirement's limit. Bumps the dossier's version.

    Raises NotFound (dossier not visible), ActionForbidden, ActionNotAvailable, InvalidInput, FileTooLarge."""
    if kind not in DocumentKind.values:
        raise InvalidInput(
            _("Loại tài liệu không hợp lệ."),
            errors={"kind": [_("Chọn một trong: %(kinds)s.") % {"kinds": ", ".join(DocumentKind.values)}]},
        )
    dossier = dossier_get_for(dossier_id=dossier_id, user=actor, lock=True)
    _check_editable(dossier, actor, kind)

    requirement = str(requirement or "").strip()
    if kind == DocumentKind.RESULT:
        requirement = requirement or RESULT_REQUIREMENT
        if len(requirement) > 64 or not re.fullmatch(r"[\w.-]+", requirement):
            raise InvalidInput(
                _("Mã thành phần '%(code)s' không hợp lệ.") % {"code": requirement[:64]},
                errors={"requirement": [_("Mã thành phần không hợp lệ.")]},
            )
        spec: dict = {"code": requirement, "name": _("Kết quả"), "accept": list(RESULT_ACCEPT)}
    else:
        if not requirement:
            raise InvalidInput(_("Thiếu mã thành phần hồ sơ."), errors={"requirement": [_("Trường này là bắt buộc.")]})
        spec = dossier.procedure_version.document_requirement(requirement)
        if spec is None:
            raise InvalidInput(
                _("Thủ tục không có thành phần hồ sơ '%(code)s'.") % {"code": requirement[:64]},
                errors={"requirement": [_("Thành phần '%(code)s' không tồn tại.") % {"code": requirement[:64]}]},
            )
        _check_supplement_scope(dossier, requirement)

    if upload is None:
        raise InvalidInput(_("Chưa chọn tệp để tải lên."), errors={"file": [_("Trường này là bắt buộc.")]})
    if not upload.size:
        raise InvalidInput(_("Tệp tải lên rỗng."), errors={"file": [_("Tệp không có nội dung.")]})
    limit = size_limit_for(spec)
    if upload.size > limit:
        raise FileTooLarge(
            _("Tệp vượt quá dung lượng cho phép: tối đa %(mb)s MB.") % {"mb": megabytes_text(limit)},
            errors={"file": [_("Dung lượng tối đa %(mb)s MB.") % {"mb": megabytes_text(limit)}]},
        )
    if Document.objects.filter(dossier=dossier).count() >= MAX_DOCUMENTS_PER_DOSSIER:
        raise InvalidInput(
            _("Hồ sơ đã có quá nhiều tệp (tối đa %(n)s).") % {"n": MAX_DOCUMENTS_PER_DOSSIER},
            errors={"file": [_("Hãy xoá bớt tệp không cần thiết.")]},
        )

    if kind == DocumentKind.INPUT:
        _check_storage_quota(actor, upload.size)

    _scan_for_malware(upload, actor=actor, dossier=dossier)  # first: an infected file is logged whatever its type
    content_type = sniff_content_type(upload)
    accept = [str(a).lower() for a in (spec.get("accept") or DEFAULT_ACCEPT)]
    if not _accepts(accept, content_type):
        # People know "PDF" or "ảnh JPG", not MIME types: name the kinds by their extension.
        message = _("Tệp này không phải loại được nhận cho “%(name)s”. Hãy chọn tệp %(accept)s.") % {
            "name": spec.get("name") or requirement,
            "accept": kinds_display(accept),
        }
        raise InvalidInput(message, errors={"file": [message]})

    name = safe_name(upload.name or "", content_type=content_type, fallback=requirement)
    digest = _sha256(upload)
    document = Document(
        dossier=dossier,
        kind=kind,
        requirement=requirement,
        name=name,
        size=upload.size,
        content_type=content_type,
        sha256=digest,
        uploaded_by=actor,
    )
    upload.seek(0)
    # The storage name is random (document_path); the original name is only kept in the row.
    document.file.save(name, upload, save=False)
    stored = document.file.name
    try:
        document.save()
        dossier.version += 1
        dossier.save(update_fields=["version", "updated_at"])
    except Exception:
        document.file.storage.delete(stored)
        raise
    # Should an outer transaction roll back after this point the file stays without a row: it is never served
    # (only rows are), and Django offers no rollback hook to remove it.
    hooks.run_document_hooks(document=document)
    return document


@transaction.atomic
def document_delete(*, dossier_id: UUID | str, document_id: UUID | str, actor: User) -> None:
    """Remove a document while its dossier may be edited by the actor (same rule as upload); the file is deleted
    from storage once the transaction commits. Bumps the dossier's version."""
    dossier = dossier_get_for(dossier_id=dossier_id, user=actor, lock=True)
    document = _document_of(dossier, document_id)
    _check_editable(dossier, actor, document.kind)
    if document.kind == DocumentKind.INPUT:
        _check_supplement_scope(dossier, document.requirement)
    storage, stored = document.file.storage, document.file.name
    document.delete()
    dossier.version += 1
    dossier.save(update_fields=["version", "updated_at"])
    hooks.run_document_hooks(document=document)
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))


def document_open_for(*, dossier_id: UUID | str, document_id: UUID | str, user: User) -> Document:
    """The document if `user` may see its dossier (the applicant, staff of the handling agency once filed, a
    superuser), else NotFound. The caller opens `document.file`."""
    dossier = dossier_get_for(dossier_id=dossier_id, user=user)
    document = _document_of(dossier, document_id)
    if dossier.applicant_id == user.pk and not result_released(dossier, document):
        raise NotFound(_("Không tìm thấy tài liệu."))  # no result exists for the applicant before the decision
    return document


def _document_of(dossier: Dossier, document_id: UUID | str) -> Document:
    try:
        return Document.objects.get(dossier=dossier, pk=document_id)
    except (Document.DoesNotExist, ValueError, TypeError, DjangoValidationError):
        raise NotFound(_("Không tìm thấy tài liệu."))
