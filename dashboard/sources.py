"""Where the Decision 766 indicators get facts the statistics ledger does not hold: registered indicator sources.

Payments (3.5, 3.5b, 3.6), feedback (PAKN: 5.1, 5.2, 5.3, and the dossiers with feedback for 5.4), signed results
(4.1) and synchronisation with the national portal (1.4) live in other apps. Each of those apps registers a source
from its `AppConfig.ready()`:

    from dashboard.sources import IndicatorFigure, register_indicator_source

    def paid_online(query):  # -> {agency_id: IndicatorFigure(numerator, denominator)}
        ...
    register_indicator_source("3.6", paid_online, name="payments.paid_online")

A source is called once per statistics request (never per row), with the request's period and scope
(`SourceQuery`), and answers per agency: the numerator and denominator of the indicator for that agency. The
dashboard sums them for the province and uses each agency's own for the agency breakdown; a field or procedure
breakdown shows a provided indicator only at the total. Until a source is registered its indicator reads 0 points
with the note "no data source yet" (dashboard.indicators.NO_SOURCE_NOTE).

`register_dossier_source("5.4", fn, name=...)` is the other shape: `fn(query)` returns the ids of dossiers with
feedback about their reception or processing in the period; the dashboard counts each such dossier once in 5.4
(with the dossiers rated dissatisfied and the late ones).

The registry is filled at start-up and never changed afterwards (like procedures.hooks).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

# Indicators another app may provide (dashboard.indicators.RULES codes).
PROVIDABLE = frozenset({"1.4", "3.5", "3.5b", "3.6", "4.1", "5.1", "5.2", "5.3"})
DOSSIER_SOURCES = frozenset({"5.4"})


@dataclass(frozen=True)
class SourceQuery:
    start: date  # inclusive local dates
    end: date
    agency_ids: frozenset[int] | None  # None: the whole province
    field_id: int | None = None
    procedure_id: int | None = None


@dataclass(frozen=True)
class IndicatorFigure:
    numerator: int
    denominator: int


@dataclass(frozen=True)
class Source:
    code: str
    name: str
    run: Callable[[SourceQuery], object]


_FIGURE_SOURCES: dict[str, Source] = {}
_DOSSIER_SOURCES: dict[str, Source] = {}


def _register(registry: dict[str, Source], allowed: frozenset[str], code: str, run, name: str) -> None:
    if code not in allowed:
        raise ValueError(f"Indicator {code!r} cannot take a source here (allowed: {', '.join(sorted(allowed))}).")
    existing = registry.get(code)
    if existing is not None and existing.run is not run:
        raise ValueError(f"Indicator {code!r} already has a source: {existing.name}.")
    registry[code] = Source(code, name, run)


def register_indicator_source(
    code: str, run: Callable[[SourceQuery], Mapping[int, IndicatorFigure]], *, name: str
) -> None:
    """`run(query)` -> {agency_id: IndicatorFigure} for the indicator `code`."""
    _register(_FIGURE_SOURCES, PROVIDABLE, code, run, name)


def register_dossier_source(code: str, run: Callable[[SourceQuery], Iterable], *, name: str) -> None:
    """`run(query)` -> ids of the dossiers the indicator `code` counts against (5.4: with feedback)."""
    _register(_DOSSIER_SOURCES, DOSSIER_SOURCES, code, run, name)


def unregister(code: str) -> None:
    """For tests only: forget a registered source."""
    _FIGURE_SOURCES.pop(code, None)
    _DOSSIER_SOURCES.pop(code, None)


def indicator_sources() -> dict[str, str]:
    """{code: source name} of every registered source (figures and dossier sets)."""
    return {code: s.name for code, s in {**_DOSSIER_SOURCES, **_FIGURE_SOURCES}.items()}


def read_figures(query: SourceQuery) -> dict[str, tuple[str, dict[int, IndicatorFigure]]]:
    """Every registered figure source's answer: {code: (source name, {agency_id: figure})}."""
    out = {}
    for code, source in sorted(_FIGURE_SOURCES.items()):
        answer = source.run(query) or {}
        out[code] = (source.name, {int(k): v for k, v in dict(answer).items()})
    return out


def read_dossier_ids(code: str, query: SourceQuery) -> list:
    source = _DOSSIER_SOURCES.get(code)
    return [] if source is None else list(source.run(query) or ())
