"""Writes on the statistics tables: the incremental hook called by the workflow, and the full rebuild.

`stats_record_event` folds one event into the dossier's ledger row (dashboard.ledger.fold), takes the difference
between the dossier's old and new contribution (dashboard.ledger.contribution) and adds it to the DailyStat and
MonthlyStat rows with `INSERT ... ON CONFLICT DO UPDATE SET c = c + excluded.c`, all in the workflow's transaction.
`stats_rebuild` folds every dossier's events from scratch with the same two functions, so a rebuild equals the
incremental tables (the property test drives random workflows and checks exactly that)."""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from itertools import groupby

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Case, F, JSONField, Max, When
from django.utils import timezone

from dashboard.ledger import (
    COLUMNS,
    DOC_FLAGS,
    IGNORED_ACTIONS,
    STATE_FIELDS,
    Context,
    Event,
    LedgerState,
    contribution,
    difference,
    fold,
    set_doc_flags,
)
from dashboard.models import DailyStat, DossierStat, MonthlyStat
from procedures.models import Document, DocumentKind, Dossier, DossierEvent, Procedure
from procedures.services.calendar import portal_tz, working_calendar

logger = logging.getLogger(__name__)

STALE_KEY = "dashboard:stats-stale"


def _margin() -> int:
    return settings.PORTAL_NEAR_DUE_MARGIN_DAYS


def _event(event: DossierEvent) -> Event:
    return Event(
        id=event.pk or 0,
        action=event.action,
        from_status=event.from_status or "",
        to_status=event.to_status or "",
        at=event.at,
        payload=event.payload or {},
    )


def _state_of(stat: DossierStat) -> LedgerState:
    return LedgerState(**{name: getattr(stat, name) for name in STATE_FIELDS})


def _values(state: LedgerState) -> dict:
    return {name: getattr(state, name) for name in STATE_FIELDS}


def _doc_kinds(dossier_id) -> set[str]:
    """The dossier's document kinds and the DOC_FLAGS set on any of its documents, in one set (one query)."""
    found: set[str] = set()
    for kind, *flags in Document.objects.filter(dossier_id=dossier_id).values_list("kind", *DOC_FLAGS).distinct():
        found.add(kind)
        found.update(name for name, on in zip(DOC_FLAGS, flags, strict=True) if on)
    return found


def _save_state(state: LedgerState, dossier_id, *, exists: bool) -> None:
    values = _values(state)
    if exists:
        DossierStat.objects.filter(pk=dossier_id).update(**values)
    else:
        DossierStat.objects.create(dossier_id=dossier_id, **values)


def stats_record_event(*, event: DossierEvent, dossier: Dossier) -> None:
    """Fold one workflow event into the statistics, inside the caller's transaction (call it right after the event
    row is written, with the dossier as saved). Idempotent: an event already folded is ignored.

    Cost: a handful of small queries — the dossier's ledger row (locked), its document kinds, the calendar when a
    due date moves, one multi-row upsert each into DailyStat and MonthlyStat, the ledger row update; the bench
    measures it. A failure here never blocks the workflow: the change is rolled back to a
    savepoint, logged and flagged so that the dashboard asks for `manage.py rebuild_stats` (set
    DASHBOARD_STATS_STRICT = True to raise instead, as the tests do)."""
    if event.action in IGNORED_ACTIONS:
        return
    try:
        with transaction.atomic():
            _apply_event(event, dossier)
    except Exception:
        if settings.DASHBOARD_STATS_STRICT:
            raise
        logger.exception("Statistics not updated for event %s of dossier %s", event.pk, dossier.pk)
        cache.set(STALE_KEY, timezone.now().isoformat(), None)


def _apply_event(event: DossierEvent, dossier: Dossier) -> None:
    stat = DossierStat.objects.select_for_update().filter(pk=dossier.pk).first()
    if stat is not None and event.pk and event.pk <= stat.last_event_id:
        return
    state = (
        _state_of(stat)
        if stat is not None
        else LedgerState(
            agency_id=dossier.agency_id,
            procedure_id=dossier.procedure_id,
            field_id=dossier.procedure.field_id,
            channel=dossier.channel,
        )
    )
    kinds = _doc_kinds(dossier.pk) if (state.accepted_at is not None or event.action != "submit") else set()
    ctx = Context(
        tz=portal_tz(),
        near_margin_days=_margin(),
        fee_amount=dossier.fee_amount,
        has_input_docs=DocumentKind.INPUT in kinds,
        has_result_doc=DocumentKind.RESULT in kinds,
        calendar_factory=working_calendar,
        requires_paper_result=dossier.procedure.requires_paper_result,
        doc_flags=frozenset(kinds & set(DOC_FLAGS)),
    )
    if stat is None and event.action != "submit":
        # A dossier filed before the statistics existed: fold its earlier history first (nothing of it was counted).
        earlier = (
            DossierEvent.objects.filter(dossier_id=dossier.pk, pk__lt=event.pk)
            .exclude(action__in=IGNORED_ACTIONS)
            .order_by("pk")
        )
        for previous in earlier:
            state = fold(state, _event(previous), ctx)
    new = fold(state, _event(event), ctx)
    old_contribution = contribution(state, ctx.tz) if stat is not None else Counter()
    _apply_deltas(new, difference(old_contribution, contribution(new, ctx.tz)))
    _save_state(new, dossier.pk, exists=stat is not None)


def stats_record_document(*, document: Document) -> None:
    """Refresh the document-based facts (digitised dossier, electronic result) after a document is added or removed
    outside a workflow action. Same transaction and failure rules as stats_record_event."""
    try:
        with transaction.atomic():
            stat = DossierStat.objects.select_for_update().filter(pk=document.dossier_id).first()
            if stat is None:
                return
            state = _state_of(stat)
            kinds = _doc_kinds(document.dossier_id)
            new = LedgerState(**_values(state))
            set_doc_flags(
                new,
                has_input=DocumentKind.INPUT in kinds,
                has_result=DocumentKind.RESULT in kinds,
                flags=frozenset(kinds & set(DOC_FLAGS)),
            )
            if new == state:
                return
            tz = portal_tz()
            _apply_deltas(new, difference(contribution(state, tz), contribution(new, tz)))
            _save_state(new, document.dossier_id, exists=True)
    except Exception:
        if settings.DASHBOARD_STATS_STRICT:
            raise
        logger.exception("Statistics not updated for document %s", document.pk)
        cache.set(STALE_KEY, timezone.now().isoformat(), None)


def month_of(day: date) -> date:
    return day.replace(day=1)


def _apply_deltas(state: LedgerState, by_day: dict[date, dict[str, int]]) -> None:
    if not by_day:
        return
    key = (state.agency_id, state.procedure_id, state.field_id)
    by_month: dict[date, dict[str, int]] = {}
    for day, deltas in by_day.items():
        month = by_month.setdefault(month_of(day), {})
        for column, delta in deltas.items():
            month[column] = month.get(column, 0) + delta
    for model, key_name, grouped in ((DailyStat, "day", by_day), (MonthlyStat, "month", by_month)):
        grouped = {when: {c: d for c, d in deltas.items() if d} for when, deltas in grouped.items()}
        grouped = {when: deltas for when, deltas in grouped.items() if deltas}
        if not grouped:
            continue
        rows = [(when, *key, *(deltas.get(c, 0) for c in COLUMNS)) for when, deltas in sorted(grouped.items())]
        touched = sorted({column for deltas in grouped.values() for column in deltas})
        upsert_counters(model, key_name, rows, touched)


def upsert_counters(model, key_name: str, rows: list[tuple], touched: Iterable[str]) -> None:
    """INSERT ... ON CONFLICT (day|month, agency, procedure) DO UPDATE SET c = c + excluded.c for the touched
    counters. Rows are (day|month, agency_id, procedure_id, field_id, *COLUMNS) sorted by date, so concurrent
    transactions lock summary rows in the same order (no deadlock between two dossiers of one procedure).
    PostgreSQL and SQLite both speak this dialect."""
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    names = [key_name, "agency_id", "procedure_id", "field_id", *COLUMNS]
    placeholders = "(" + ", ".join(["%s"] * len(names)) + ")"
    updates = ", ".join(f"{qn(c)} = {table}.{qn(c)} + excluded.{qn(c)}" for c in touched)
    sql = (
        f"INSERT INTO {table} ({', '.join(qn(n) for n in names)}) VALUES {', '.join([placeholders] * len(rows))} "
        f"ON CONFLICT ({qn(key_name)}, {qn('agency_id')}, {qn('procedure_id')}) DO UPDATE SET {updates}"
    )
    params = [value for row in rows for value in row]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- rebuild ------------------------------------------------------------------------------------------------------


PAYLOAD_ACTIONS = ("accept", "supplement", "extend")  # the only events whose payload the fold reads


def _event_rows() -> Iterator[tuple]:
    """(dossier_id, event id, action, from, to, at, payload | None, agency_id, procedure_id, field_id, channel,
    fee_amount, requires_paper_result) for every folded event of a filed dossier, ordered by dossier then event id,
    streamed."""
    if connection.vendor == "postgresql":
        qn = connection.ops.quote_name
        ignored = ", ".join(f"'{action}'" for action in sorted(IGNORED_ACTIONS))
        payload = ", ".join(f"'{action}'" for action in PAYLOAD_ACTIONS)
        sql = f"""
            SELECT e.dossier_id, e.id, e.action, e.from_status, e.to_status,
                   to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'),
                   CASE WHEN e.action IN ({payload}) THEN e.payload END,
                   d.agency_id, d.procedure_id, p.field_id, d.channel, d.fee_amount, p.requires_paper_result
            FROM {qn(DossierEvent._meta.db_table)} e
            JOIN {qn(Dossier._meta.db_table)} d ON d.id = e.dossier_id
            JOIN {qn(Procedure._meta.db_table)} p ON p.id = d.procedure_id
            WHERE d.submitted_at IS NOT NULL AND e.action NOT IN ({ignored})
            ORDER BY e.dossier_id, e.id
        """
        connection.ensure_connection()
        with connection.connection.cursor(name="dashboard_rebuild_events") as cursor:
            cursor.itersize = 20_000
            cursor.execute(sql)
            # Timestamps as text, parsed by the C fromisoformat: several times faster than the driver's loader.
            parse = datetime.fromisoformat
            for row in cursor:
                yield (*row[:5], parse(row[5]), *row[6:])
        return
    payload = Case(When(action__in=PAYLOAD_ACTIONS, then=F("payload")), default=None, output_field=JSONField())
    yield from (
        DossierEvent.objects.filter(dossier__submitted_at__isnull=False)
        .exclude(action__in=IGNORED_ACTIONS)
        .annotate(folded_payload=payload)
        .order_by("dossier_id", "pk")
        .values_list(
            "dossier_id",
            "pk",
            "action",
            "from_status",
            "to_status",
            "at",
            "folded_payload",
            "dossier__agency_id",
            "dossier__procedure_id",
            "dossier__procedure__field_id",
            "dossier__channel",
            "dossier__fee_amount",
            "dossier__procedure__requires_paper_result",
        )  # fmt: skip
        .iterator(chunk_size=5000)
    )


def _document_rows() -> Iterator[tuple]:
    """(dossier_id, has input document, has result document, *one 0/1 per DOC_FLAGS), ordered by dossier,
    streamed."""
    flags = {f"flag_{name}": Max(Case(When(**{name: True}, then=1), default=0)) for name in DOC_FLAGS}
    yield from (
        Document.objects.values("dossier_id")
        .annotate(
            has_input=Max(Case(When(kind=DocumentKind.INPUT, then=1), default=0)),
            has_result=Max(Case(When(kind=DocumentKind.RESULT, then=1), default=0)),
            **flags,
        )
        .order_by("dossier_id")
        .values_list("dossier_id", "has_input", "has_result", *flags)
        .iterator(chunk_size=20_000)
    )


def recompute(*, progress: Callable[[int], None] | None = None) -> Iterator[tuple[object, LedgerState]]:
    """Every filed dossier's ledger state folded from its events from scratch: (dossier id, state), by dossier id.

    One streamed pass over the events (joined with their dossier's attributes) merged with one streamed pass over
    the documents, both ordered by dossier: memory stays flat whatever the number of dossiers."""
    tz, margin = portal_tz(), _margin()
    calendar = working_calendar()
    documents = _document_rows()
    pending_doc = next(documents, None)
    done = 0
    for dossier_id, rows in groupby(_event_rows(), key=lambda row: row[0]):
        while pending_doc is not None and pending_doc[0] < dossier_id:
            pending_doc = next(documents, None)
        has_input = has_result = False
        doc_flags: frozenset[str] = frozenset()
        if pending_doc is not None and pending_doc[0] == dossier_id:
            has_input, has_result = bool(pending_doc[1]), bool(pending_doc[2])
            doc_flags = frozenset(name for name, on in zip(DOC_FLAGS, pending_doc[3:], strict=True) if on)
        state = ctx = None
        for (
            _d,
            pk,
            action,
            from_status,
            to_status,
            at,
            payload,
            agency_id,
            procedure_id,
            field_id,
            channel,
            fee,
            paper_result,
        ) in rows:
            if state is None:
                state = LedgerState(agency_id=agency_id, procedure_id=procedure_id, field_id=field_id, channel=channel)
                ctx = Context(
                    tz=tz,
                    near_margin_days=margin,
                    fee_amount=fee,
                    has_input_docs=has_input,
                    has_result_doc=has_result,
                    calendar_factory=lambda: calendar,
                    requires_paper_result=bool(paper_result),
                    doc_flags=doc_flags,
                )
            if isinstance(payload, str):  # Django's PostgreSQL backend hands jsonb over as text
                payload = json.loads(payload)
            fold(state, Event(pk, action, from_status, to_status, at, payload or {}), ctx, inplace=True)
        yield dossier_id, state
        done += 1
        if progress and done % 10_000 == 0:
            progress(done)


_INDEX = {column: i for i, column in enumerate(COLUMNS)}


def _accumulate(totals: dict[tuple, list[int]], state: LedgerState, tz) -> None:
    for (day, column), delta in contribution(state, tz).items():
        key = (day, state.agency_id, state.procedure_id, state.field_id)
        row = totals.get(key)
        if row is None:
            row = totals[key] = [0] * len(COLUMNS)
        row[_INDEX[column]] += delta


def daily_totals(states: Iterable[LedgerState]) -> dict[tuple, list[int]]:
    """Sum of contributions: {(day, agency_id, procedure_id, field_id): [counter per COLUMNS]}."""
    tz = portal_tz()
    totals: dict[tuple, list[int]] = {}
    for state in states:
        _accumulate(totals, state, tz)
    return totals


def monthly_totals(daily: dict[tuple, list[int]]) -> dict[tuple, list[int]]:
    months: dict[tuple, list[int]] = {}
    for (day, agency_id, procedure_id, field_id), values in daily.items():
        key = (month_of(day), agency_id, procedure_id, field_id)
        row = months.get(key)
        if row is None:
            months[key] = list(values)
        else:
            for i, value in enumerate(values):
                row[i] += value
    return months


SUMMARY_TABLES = (DossierStat, DailyStat, MonthlyStat)


def stats_rebuild(*, batch_size: int = 2000, progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Recompute DossierStat, DailyStat and MonthlyStat from every dossier's events, atomically. On PostgreSQL the
    tables are locked meanwhile: workflow actions wait and are folded in after, so nothing is lost or doubled."""
    tz = portal_tz()
    tables = ", ".join(model._meta.db_table for model in SUMMARY_TABLES)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")
                # Deferred foreign-key checks of earlier writes in an enclosing transaction would block TRUNCATE.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"TRUNCATE {tables}")
        else:
            for model in SUMMARY_TABLES:
                model.objects.all().delete()
        totals: dict[tuple, list[int]] = {}
        pending: list[tuple] = []
        count = 0
        for dossier_id, state in recompute(progress=progress):
            pending.append((dossier_id, *(getattr(state, name) for name in STATE_FIELDS)))
            _accumulate(totals, state, tz)
            if len(pending) >= batch_size:
                _write(DossierStat, LEDGER_COLUMNS, pending)
                count += len(pending)
                pending = []
        _write(DossierStat, LEDGER_COLUMNS, pending)
        count += len(pending)
        _write(DailyStat, ("day", *COUNTER_KEY, *COLUMNS), [(*k, *v) for k, v in sorted(totals.items())])
        months = monthly_totals(totals)
        _write(MonthlyStat, ("month", *COUNTER_KEY, *COLUMNS), [(*k, *v) for k, v in sorted(months.items())])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in SUMMARY_TABLES:
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    cache.delete(STALE_KEY)
    return {"dossiers": count, "daily_rows": len(totals), "monthly_rows": len(months)}


LEDGER_COLUMNS = ("dossier_id", *STATE_FIELDS)
COUNTER_KEY = ("agency_id", "procedure_id", "field_id")


def _write(model, names: tuple[str, ...], rows: list[tuple]) -> None:
    """Bulk insert plain tuples: COPY on PostgreSQL (the million-row rebuild), bulk_create elsewhere."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        by_attname = {f.attname: f.column for f in model._meta.concrete_fields}
        columns = ", ".join(by_attname[name] for name in names)
        with connection.connection.cursor() as cursor:
            with cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        return
    model.objects.bulk_create((model(**dict(zip(names, row, strict=True))) for row in rows), batch_size=500)
