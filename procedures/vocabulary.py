"""The catalogue's vocabulary, written once: form field types, document copy types, applicant types and the MIME
types a document may have, with their labels and file-name extensions.

The form schema, the template editor, the catalogue import, the citizen pages and the document service all read
these. Pure: lazy translations only, no model (labels are translated when shown).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# --- form fields ----------------------------------------------------------------------------------------------

FIELD_TYPE_LABELS = {
    "text": _("Văn bản ngắn"),
    "textarea": _("Văn bản dài"),
    "number": _("Số"),
    "date": _("Ngày"),
    "select": _("Chọn một"),
    "multiselect": _("Chọn nhiều"),
    "checkbox": _("Ô đánh dấu"),
    "email": _("Thư điện tử"),
    "phone": _("Số điện thoại"),
    "national_id": _("Số định danh (12 số)"),
    "address": _("Địa chỉ (tỉnh, xã)"),
    "group": _("Nhóm lặp lại"),
    "heading": _("Tiêu đề mục"),
}
FIELD_TYPES = frozenset(FIELD_TYPE_LABELS)

# --- documents and applicants -----------------------------------------------------------------------------------

COPY_TYPE_LABELS = {
    "original": _("Bản chính"),
    "copy": _("Bản sao"),
    "certified_copy": _("Bản sao có chứng thực"),
}
COPY_TYPES = frozenset(COPY_TYPE_LABELS)

APPLICANT_TYPE_LABELS = {
    "citizen": _("Công dân Việt Nam"),
    "business": _("Tổ chức, doanh nghiệp"),
    "foreigner": _("Người nước ngoài"),
}

# --- MIME types -------------------------------------------------------------------------------------------------

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
TIFF = "image/tiff"
WEBP = "image/webp"
DOC = "application/msword"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ZIP = "application/zip"

# How a type is named to people ("PDF, JPG"); a type without a label is shown as it is.
MIME_LABELS = {
    PDF: "PDF",
    JPEG: "JPG",
    PNG: "PNG",
    TIFF: "TIFF",
    WEBP: "WEBP",
    DOC: "DOC",
    DOCX: "DOCX",
    XLSX: "XLSX",
    ZIP: "ZIP",
}
# What the template editor offers for a requirement's accepted types, in this order.
TEMPLATE_MIME_TYPES = (PDF, JPEG, PNG, TIFF, DOCX, DOC, XLSX, ZIP)
# What a requirement accepts when its template names no types.
DEFAULT_ACCEPT = (PDF, JPEG, PNG, TIFF, WEBP, DOCX)
# What a result document may be.
RESULT_ACCEPT = (PDF, JPEG, PNG, TIFF, WEBP)

# The extensions a stored file name may keep for a detected type; the first one is used when the name has none.
EXTENSIONS: dict[str, tuple[str, ...]] = {
    PDF: ("pdf",),
    JPEG: ("jpg", "jpeg", "jpe", "jfif"),
    PNG: ("png",),
    TIFF: ("tif", "tiff"),
    WEBP: ("webp",),
    "image/gif": ("gif",),
    "image/bmp": ("bmp",),
    "image/heic": ("heic",),
    DOC: ("doc",),
    DOCX: ("docx",),
    XLSX: ("xlsx",),
    PPTX: ("pptx",),
    "application/vnd.ms-excel": ("xls",),
    "application/vnd.oasis.opendocument.text": ("odt",),
    "application/vnd.oasis.opendocument.spreadsheet": ("ods",),
    ZIP: ("zip",),
}


def mime_display(mime_types: list[str] | None) -> str:
    """["application/pdf", "image/jpeg"] -> "PDF, JPG"."""
    return ", ".join(MIME_LABELS.get(m, m) for m in (mime_types or []))


def accept_attribute(mime_types: list[str]) -> str:
    """A file input's `accept`: the MIME types plus their extensions (some phones only honour extensions)."""
    extensions = ["." + ext for m in mime_types for ext in EXTENSIONS.get(m, ())]
    return ",".join([*mime_types, *extensions])
