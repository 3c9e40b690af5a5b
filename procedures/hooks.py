"""The ordered registry of what other apps do when a dossier changes, inside the same transaction.

The workflow service knows nothing of statistics, notifications, payments or feedback: those apps register here from
their `AppConfig.ready()`, and the service runs every hook in `order` (lowest first) right after it writes the event.
An explicit list instead of Django signals, because the order matters (statistics before the outbox, so a
notification never describes a change the dashboard has not counted) and should be visible in one place:
`event_hooks()` lists it, and a test pins it.

A hook runs in the caller's transaction: if it raises, the action is rolled back with it. Hooks that must never
block the workflow (statistics) catch their own failures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from procedures.models import Document, Dossier, DossierEvent


@dataclass(frozen=True)
class Hook:
    name: str  # "<app>.<what>", unique
    order: int
    run: Callable[..., Any]


# Filled once per process by AppConfig.ready() (the same in every process), never changed afterwards.
_EVENT_HOOKS: dict[str, Hook] = {}
_DOCUMENT_HOOKS: dict[str, Hook] = {}
_DEMO_SEEDERS: dict[str, Hook] = {}
# Other places a dossier document can come from instead of an upload, keyed by the request field that names it
# (records: "from_store", a document of the applicant's store).
_DOCUMENT_SOURCES: dict[str, Hook] = {}
# What those sources offer the applicant for each requirement while filing ("dùng giấy tờ đã có").
_DOCUMENT_OFFERS: dict[str, Hook] = {}


def _register(registry: dict[str, Hook], name: str, run: Callable[..., Any], order: int) -> None:
    existing = registry.get(name)
    if existing is not None and existing.run is not run:
        raise ValueError(f"A different hook is already registered as {name!r}.")
    registry[name] = Hook(name=name, order=order, run=run)


def register_event_hook(name: str, run: Callable[..., Any], *, order: int) -> None:
    """`run(event=..., dossier=...)` after every workflow event (the dossier as saved, the event row written)."""
    _register(_EVENT_HOOKS, name, run, order)


def register_document_hook(name: str, run: Callable[..., Any], *, order: int) -> None:
    """`run(document=...)` after a document is added to or removed from a dossier outside a workflow action."""
    _register(_DOCUMENT_HOOKS, name, run, order)


def register_demo_seeder(name: str, run: Callable[..., Any], *, order: int) -> None:
    """`run(agencies=...)` at the end of `seed_demo` (idempotent, returns a line for the summary): demo data of apps
    that build on the catalogue, such as PAKN questions or payments."""
    _register(_DEMO_SEEDERS, name, run, order)


def demo_seeders() -> list[Hook]:
    return sorted(_DEMO_SEEDERS.values(), key=lambda hook: (hook.order, hook.name))


def register_document_source(field: str, run: Callable[..., Any], *, order: int) -> None:
    """`run(dossier_id=..., actor=..., requirement=..., value=...)` returns the Document it attached, when an upload
    request carries `field` instead of a file."""
    _register(_DOCUMENT_SOURCES, field, run, order)


def document_sources() -> list[Hook]:
    return sorted(_DOCUMENT_SOURCES.values(), key=lambda hook: (hook.order, hook.name))


def register_document_offers(name: str, run: Callable[..., Any], *, order: int) -> None:
    """`run(user=..., requirements=[document specs])` returns `{requirement code: [{"field", "value", "name",
    "note"}]}`: documents the user may attach without uploading, posted back as `field=value`."""
    _register(_DOCUMENT_OFFERS, name, run, order)


def document_offers(*, user, requirements: list[dict]) -> dict[str, list[dict]]:
    offers: dict[str, list[dict]] = {}
    for hook in sorted(_DOCUMENT_OFFERS.values(), key=lambda hook: (hook.order, hook.name)):
        for code, items in (hook.run(user=user, requirements=requirements) or {}).items():
            offers.setdefault(code, []).extend(items)
    return offers


def document_offer_hooks() -> list[Hook]:
    return sorted(_DOCUMENT_OFFERS.values(), key=lambda hook: (hook.order, hook.name))


def event_hooks() -> list[Hook]:
    return sorted(_EVENT_HOOKS.values(), key=lambda hook: (hook.order, hook.name))


def document_hooks() -> list[Hook]:
    return sorted(_DOCUMENT_HOOKS.values(), key=lambda hook: (hook.order, hook.name))


def run_event_hooks(*, event: DossierEvent, dossier: Dossier) -> None:
    for hook in event_hooks():
        hook.run(event=event, dossier=dossier)


def run_document_hooks(*, document: Document) -> None:
    for hook in document_hooks():
        hook.run(document=document)
