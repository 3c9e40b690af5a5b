"""Hash chains for append-only logs (dossier events, audit entries): each row stores the hash of the previous row
and its own hash over (previous hash, its content), so changing, removing or reordering any row breaks every later
link. `verify_audit` recomputes the chains and names the first broken link."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):  # in UTC: the database hands times back in UTC whatever zone they came in
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return value


def link_hash(previous: str, content: dict[str, Any]) -> str:
    body = json.dumps(
        {key: _plain(value) for key, value in content.items()},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(f"{previous}\n{body}".encode()).hexdigest()
