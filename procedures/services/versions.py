"""Drafts of procedure versions and the differences between two versions.

A published version never changes (dossiers in flight were filed under it); admins edit a draft, which starts as a
copy of the current published version, and publish it with `procedures.services.catalogue.version_publish`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from procedures.errors import InvalidInput
from procedures.models import Procedure, ProcedureVersion, VersionStatus
from procedures.services.catalogue import version_export, version_write

NEW_VERSION_SPEC: dict[str, Any] = {
    "fee": 0,
    "fee_note": "",
    "fee_items": [],
    "payment_timing": "after_appraisal",
    "time_limit": {"value": "5", "unit": "working_days", "same_day_cutoff": None},
    "supplement_policy": "pause",
    "cases": [],
    "fields": [],
    "documents": [],
    "steps": [],
    "routing_rules": [],
    "result_template": "",
}


def version_draft_get(procedure: Procedure) -> ProcedureVersion | None:
    """The procedure's open draft (the newest one if several were imported), or None."""
    return procedure.versions.filter(status=VersionStatus.DRAFT).order_by("-number").first()


@transaction.atomic
def version_draft_create(*, procedure: Procedure, source: ProcedureVersion | None = None) -> ProcedureVersion:
    """The procedure's draft: the open one if there is one, else a new copy of `source` (default: the current
    published version; an empty template for a procedure that has none)."""
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    existing = version_draft_get(procedure)
    if existing is not None:
        return existing
    source = source or procedure.current_version
    spec = version_export(source) if source is not None else dict(NEW_VERSION_SPEC)
    if source is not None:
        # A new version takes effect when it is published unless the admin sets a date.
        spec["effective_date"] = None
    number = (procedure.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    draft = ProcedureVersion(procedure=procedure, number=number, status=VersionStatus.DRAFT)
    return version_write(version=draft, spec=spec)


@transaction.atomic
def version_draft_update(*, version: ProcedureVersion, changes: Mapping[str, Any]) -> ProcedureVersion:
    """Replace some parts of a draft's content (keys of the template's `version` object)."""
    version = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise InvalidInput(
            _("Phiên bản đã công bố không thể sửa; hãy tạo phiên bản mới."), errors={"version": [version.number]}
        )
    spec = version_export(version)
    spec.update(changes)
    return version_write(version=version, spec=spec)


@transaction.atomic
def version_draft_discard(*, version: ProcedureVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise InvalidInput(_("Chỉ xoá được bản nháp."), errors={"version": [version.number]})
    version.delete()


# --- differences ----------------------------------------------------------------------------------------------


def _by_key(items: list[Mapping], key: str) -> dict[str, Mapping]:
    return {str(item.get(key)): item for item in items if isinstance(item, Mapping)}


def _flatten_fields(fields: list[Mapping], prefix: str = "") -> list[dict]:
    rows = []
    for field in fields or []:
        if not isinstance(field, Mapping):
            continue
        path = f"{prefix}{field.get('key')}"
        rows.append({**{k: v for k, v in field.items() if k != "fields"}, "key": path})
        if field.get("fields"):
            rows += _flatten_fields(field["fields"], prefix=f"{path}.")
    return rows


def _changes(old: Mapping, new: Mapping) -> list[dict]:
    return [
        {"attr": attr, "old": old.get(attr), "new": new.get(attr)}
        for attr in sorted(set(old) | set(new))
        if old.get(attr) != new.get(attr)
    ]


def _keyed_diff(old: list[Mapping], new: list[Mapping], key: str) -> dict[str, list]:
    before, after = _by_key(old, key), _by_key(new, key)
    return {
        "added": [after[k] for k in after if k not in before],
        "removed": [before[k] for k in before if k not in after],
        "changed": [
            {"key": k, "item": after[k], "changes": _changes(before[k], after[k])}
            for k in after
            if k in before and before[k] != after[k]
        ],
    }


def _steps_diff(old: list[Mapping], new: list[Mapping]) -> list[dict]:
    rows = []
    for index in range(max(len(old), len(new))):
        a = old[index] if index < len(old) else None
        b = new[index] if index < len(new) else None
        if a == b:
            continue
        kind = "added" if a is None else "removed" if b is None else "changed"
        rows.append({"position": index + 1, "kind": kind, "old": a, "new": b, "changes": _changes(a or {}, b or {})})
    return rows


def version_diff(old: ProcedureVersion, new: ProcedureVersion) -> dict[str, Any]:
    """What changed from `old` to `new`: fields (group sub-fields as `group.sub`), documents and cases by code,
    steps by position, and the scalar settings (fee, time limit, policy, routing, result template)."""
    a, b = version_export(old), version_export(new)
    settings = []
    for attr in (
        "fee",
        "fee_note",
        "fee_items",
        "payment_timing",
        "effective_date",
        "supplement_policy",
        "result_template",
    ):
        if a.get(attr) != b.get(attr):
            settings.append({"attr": attr, "old": a.get(attr), "new": b.get(attr)})
    for attr in ("value", "unit", "same_day_cutoff"):
        if a["time_limit"].get(attr) != b["time_limit"].get(attr):
            settings.append({"attr": f"time_limit.{attr}", "old": a["time_limit"][attr], "new": b["time_limit"][attr]})
    fields = _keyed_diff(_flatten_fields(a["fields"]), _flatten_fields(b["fields"]), "key")
    old_order = [f["key"] for f in a["fields"]]
    new_order = [f["key"] for f in b["fields"]]
    diff = {
        "fields": fields,
        "fields_reordered": [k for k in new_order if k in old_order] != [k for k in old_order if k in new_order],
        "documents": _keyed_diff(a["documents"], b["documents"], "code"),
        "cases": _keyed_diff(a["cases"], b["cases"], "code"),
        "steps": _steps_diff(a["steps"], b["steps"]),
        "settings": settings,
        "routing_changed": a["routing_rules"] != b["routing_rules"],
        "old_routing": a["routing_rules"],
        "new_routing": b["routing_rules"],
    }
    diff["empty"] = not (
        any(diff[s][k] for s in ("fields", "documents", "cases") for k in ("added", "removed", "changed"))
        or diff["steps"]
        or settings
        or diff["routing_changed"]
        or diff["fields_reordered"]
    )
    return diff
