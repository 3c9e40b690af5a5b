"""The outbox row: one abstract model for every message that leaves the portal (notifications, webhooks), with the
claim, the release of what a dead worker left and the backoff written once.

Exactly once, and where it is only at least once
------------------------------------------------
1. Creation. A message's row is written in the same transaction as the change that caused it, under a unique key
   (event, recipient, channel; event, endpoint): it exists if and only if the change committed, and only once
   however often the event's side effects are queued.
2. Claim. Before any provider is called, the row is moved to "sending" (attempts + 1, claimed_at = now) only if it
   is still claimable:
       WHERE status IN ('created','temporary_failure') AND next_attempt_at <= now
   A batch is claimed on PostgreSQL with SELECT ... FOR UPDATE SKIP LOCKED then UPDATE in one transaction: a row
   locked by another claimer is skipped, and a row whose lock is released by a commit is re-checked against the
   WHERE clause by PostgreSQL before it is locked, so a row claimed a moment ago is never claimed twice. Elsewhere
   (SQLite) the claim is one conditional UPDATE, which the database applies atomically. Either way, of two workers,
   a duplicate task, an acks_late re-delivery or a sweeper re-queue racing the original, exactly one claims and
   sends; the others skip. A delivered row is never claimable again, so tasks may be published as often as
   convenient: the claim, not the queue, decides.
3. The window. The provider call happens after the claim commits and before "delivered" commits. If the worker dies
   in between (SIGKILL, OOM, lost host, hard time limit) the row stays "sending": the broker re-delivers the task
   (acks_late + reject_on_worker_lost) but the claim refuses it, and after NOTIFICATION_STUCK_AFTER_SECONDS
   `release_stuck` (the sweeper) records the attempt as interrupted and makes the row due again. If the provider had
   already accepted the message the recipient gets it twice. That is the at-least-once window, and the only one: no
   external provider can join our transaction, so it cannot be closed from our side, only narrowed. E-mails carry a
   Message-ID fixed per notification, SMS gateways and webhook receivers get the row's id as idempotency key.
   NOTIFICATION_STUCK_AFTER_SECONDS must stay above the task's hard time limit (CELERY_TASK_TIME_LIMIT), so a slow
   but live send is never taken for a dead one; closing an attempt (`close_claims`) also checks the claim's
   timestamp, so a worker whose claim was released never overwrites the newer attempt.

Publishing a delivery task is best effort (`publish_task`): the row is already committed, so the sweeper finds and
publishes whatever the broker did not take.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from uuid import UUID

import redis
from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.channels import conf

logger = logging.getLogger(__name__)


class Status(models.TextChoices):
    CREATED = "created", _("Mới tạo")
    SENDING = "sending", _("Đang gửi")
    DELIVERED = "delivered", _("Đã gửi")
    TEMPORARY_FAILURE = "temporary_failure", _("Lỗi tạm thời")
    PERMANENT_FAILURE = "permanent_failure", _("Lỗi vĩnh viễn")


class Outcome(models.TextChoices):
    """How one attempt ended (the attempt logs of every outbox)."""

    DELIVERED = "delivered", _("Đã gửi")
    TEMPORARY_FAILURE = "temporary_failure", _("Lỗi tạm thời")
    PERMANENT_FAILURE = "permanent_failure", _("Lỗi vĩnh viễn")
    # The worker vanished mid-send (killed, time limit); the sweeper closed the attempt.
    INTERRUPTED = "interrupted", _("Bị gián đoạn")


# The states the sweeper looks at; delivered and permanently failed rows (almost all of them) stay out of its index.
PENDING_STATUSES = (Status.CREATED, Status.SENDING, Status.TEMPORARY_FAILURE)
CLAIMABLE = (Status.CREATED, Status.TEMPORARY_FAILURE)

# What a delivery returns.
DELIVERED = "delivered"
TEMPORARY = "temporary_failure"
PERMANENT = "permanent_failure"
SKIPPED = "skipped"

INTERRUPTED_ERROR = "Interrupted: the worker stopped while sending (killed or timed out)."


def setting_int(name: str, default: int) -> int:
    # Settings first, then the environment (a worker started with NOTIFICATION_* variables), then the default.
    return int(float(conf(name, default)))


def backoff_seconds(attempts: int) -> float:
    """Delay before the next try after `attempts` failed ones: base * 2**attempts, capped, with jitter so a provider
    outage does not end in a thundering herd. The jitter (75-100%) keeps successive delays growing below the cap."""
    base = float(conf("NOTIFICATION_BACKOFF_BASE_SECONDS", 15))
    cap = float(conf("NOTIFICATION_BACKOFF_CAP_SECONDS", 3600))
    return min(cap, base * 2**attempts) * random.uniform(0.75, 1.0)


def skip_locked() -> bool:
    """Whether claims can take row locks and pass over locked rows (PostgreSQL); otherwise the conditional UPDATE."""
    return connection.features.has_select_for_update_skip_locked


class OutboxRow(models.Model):
    """The state every outbox row shares. Subclasses name their attempt log (`attempt_row`) and the setting that
    bounds their attempts (`max_attempts_setting`); `claim_filter` narrows what may be claimed (an active endpoint)."""

    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices, default=Status.CREATED)
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("gửi lần tới lúc"), default=timezone.now)
    # When the current "sending" claim was taken: the sweeper's clock for stuck rows and the claim's token.
    claimed_at = models.DateTimeField(_("bắt đầu gửi lúc"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    max_attempts_setting = "NOTIFICATION_MAX_ATTEMPTS"
    claim_filter = Q()

    class Meta:
        abstract = True

    @classmethod
    def attempt_row(cls, *, pk, number: int, at: datetime, outcome: str, error: str) -> models.Model:
        """An unsaved row of this outbox's attempt log."""
        raise NotImplementedError

    @classmethod
    def delivered_fields(cls, *, now: datetime, ref: str) -> dict:
        """What a delivered row records beyond its status (the sweeper closing a row its worker sent, then died)."""
        return {}

    @classmethod
    def max_attempts(cls) -> int:
        return setting_int(cls.max_attempts_setting, 8)

    # --- claim ----------------------------------------------------------------------------------------------------

    @classmethod
    def claimable(cls, *, now: datetime) -> models.QuerySet:
        return cls.objects.filter(cls.claim_filter, status__in=CLAIMABLE, next_attempt_at__lte=now)

    @classmethod
    def claim_batch(cls, ids: Sequence[UUID | str], *, now: datetime, related: Sequence[str] = ()) -> list:
        """Claim those of `ids` that are due and free, and return them (as claimed: status "sending", attempts
        counted, claimed_at = now, the claim's token). Rows another worker holds or has claimed are left out."""
        if not ids:
            return []
        with transaction.atomic():
            if skip_locked():
                claimed = list(
                    cls.claimable(now=now)
                    .filter(pk__in=list(ids))
                    .select_related(*related)
                    .select_for_update(skip_locked=True, of=("self",))
                )
                if not claimed:
                    return []
                cls.objects.filter(pk__in=[row.pk for row in claimed]).update(
                    status=Status.SENDING, attempts=F("attempts") + 1, claimed_at=now
                )
                for row in claimed:
                    row.status, row.attempts, row.claimed_at = Status.SENDING, row.attempts + 1, now
                    row.claim = now
                return claimed
            # The conditional UPDATE takes SQLite's write lock, so what we read next in this transaction is ours.
            if (
                not cls.claimable(now=now)
                .filter(pk__in=list(ids))
                .update(status=Status.SENDING, attempts=F("attempts") + 1, claimed_at=now)
            ):
                return []
            claimed = list(
                cls.objects.filter(pk__in=list(ids), status=Status.SENDING, claimed_at=now).select_related(*related)
            )
            for row in claimed:
                row.claim = now
            return claimed

    @classmethod
    def close_claims(cls, rows: Sequence[OutboxRow], fields: Sequence[str]) -> int:
        """Write the new state of claimed rows (their `fields`, already set on them, claimed_at among them) where the
        claim still stands: still "sending" under the claim each row was taken with (its `claim`, set by
        `claim_batch`). One statement per claim (PostgreSQL: UPDATE ... FROM (VALUES ...)). Returns how many rows
        were written; a row whose claim the sweeper released as stuck is left to the newer attempt."""
        written = 0
        by_claim: dict[datetime, list[OutboxRow]] = {}
        for row in rows:
            by_claim.setdefault(row.claim, []).append(row)
        for claimed_at, group in by_claim.items():
            if connection.vendor == "postgresql":
                written += cls._update_from_values(group, fields, claimed_at=claimed_at)
                continue
            queryset = cls.objects.filter(status=Status.SENDING, claimed_at=claimed_at)
            if len(group) == 1:
                row = group[0]
                written += queryset.filter(pk=row.pk).update(**{name: getattr(row, name) for name in fields})
            else:
                written += queryset.bulk_update(group, list(fields))
        return written

    @classmethod
    def _update_from_values(cls, group: Sequence[OutboxRow], fields: Sequence[str], *, claimed_at) -> int:
        # Django's bulk_update builds one CASE per field and row, which costs more Python time than the sends.
        meta = cls._meta
        columns = [meta.pk, *(meta.get_field(name) for name in fields)]
        quote = connection.ops.quote_name
        casts = ", ".join(f"%s::{field.db_type(connection)}" for field in columns)
        values = ", ".join([f"({casts})"] * len(group))
        params: list = []
        for row in group:
            for field in columns:
                params.append(field.get_db_prep_value(getattr(row, field.attname), connection))
        assignments = ", ".join(f"{quote(field.column)} = v.{quote(field.column)}" for field in columns[1:])
        names = ", ".join(quote(field.column) for field in columns)
        table, pk, status, claimed = (
            quote(meta.db_table),
            quote(meta.pk.column),
            quote(meta.get_field("status").column),
            quote(meta.get_field("claimed_at").column),
        )
        sql = (
            f"UPDATE {table} AS t SET {assignments} FROM (VALUES {values}) AS v({names}) "
            f"WHERE t.{pk} = v.{pk} AND t.{status} = %s AND t.{claimed} = %s"
        )
        params += [Status.SENDING.value, meta.get_field("claimed_at").get_db_prep_value(claimed_at, connection)]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount

    # --- the sweeper ----------------------------------------------------------------------------------------------

    @classmethod
    def due_ids(cls, *, now: datetime, grace: timedelta, batch: int, retries_only: bool = False) -> list:
        """Rows to publish again, oldest due first: temporary failures whose time came and, unless `retries_only`,
        "created" rows older than `grace` (their on-commit publish was lost: broker down, process died)."""
        due = Q(status=Status.TEMPORARY_FAILURE)
        if not retries_only:
            due |= Q(status=Status.CREATED, created_at__lte=now - grace)
        return list(
            cls.objects.filter(due, cls.claim_filter, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:batch]
        )

    @classmethod
    def release_stuck(cls, *, now: datetime, stuck_after: int, batch: int) -> int:
        """Rows "sending" for longer than `stuck_after` seconds lost their worker. Those the sent journal shows the
        provider accepted are closed as delivered; the others get their attempt closed as interrupted and are due
        now (or failed for good when they have used all their attempts). Returns how many rows were released."""
        cutoff = now - timedelta(seconds=stuck_after)
        max_attempts = cls.max_attempts()
        stuck = cls.objects.filter(status=Status.SENDING, claimed_at__lt=cutoff)
        with transaction.atomic():
            if skip_locked():
                stuck = stuck.select_for_update(skip_locked=True)
            rows = list(stuck.order_by("claimed_at").values_list("pk", "attempts")[:batch])
            if not rows:
                return 0
            sent = SentJournal.lookup(cls, rows)
            # claimed_at < cutoff again: a row re-claimed meanwhile (SQLite) is not released.
            still_stuck = cls.objects.filter(status=Status.SENDING, claimed_at__lt=cutoff)
            released = 0
            attempts = []
            for pk, number in rows:
                if pk in sent:
                    released += still_stuck.filter(pk=pk).update(
                        status=Status.DELIVERED,
                        claimed_at=None,
                        last_error="",
                        **cls.delivered_fields(now=now, ref=sent[pk]),
                    )
                    attempts.append(cls.attempt_row(pk=pk, number=number, at=now, outcome=Outcome.DELIVERED, error=""))
                else:
                    attempts.append(
                        cls.attempt_row(
                            pk=pk, number=number, at=now, outcome=Outcome.INTERRUPTED, error=INTERRUPTED_ERROR
                        )
                    )
            for give_up, status in ((False, Status.TEMPORARY_FAILURE), (True, Status.PERMANENT_FAILURE)):
                ids = [pk for pk, number in rows if pk not in sent and (number >= max_attempts) == give_up]
                if ids:
                    released += still_stuck.filter(pk__in=ids).update(
                        status=status, next_attempt_at=now, claimed_at=None, last_error=INTERRUPTED_ERROR
                    )
            type(attempts[0]).objects.bulk_create(attempts)
        SentJournal.forget(cls, rows)
        return released


_redis_clients: dict[str, object] = {}


def _journal_redis():
    """A Redis client on REDIS_URL for the sent journal, or None (no Redis: the Django cache stands in)."""
    url = conf("REDIS_URL", "")
    if not url:
        return None
    if url not in _redis_clients:
        _redis_clients[url] = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    return _redis_clients[url]


class SentJournal:
    """What a batch has handed to providers but not yet recorded: one Redis key per sent row and attempt, written
    right after the provider accepted the message and removed once the batch's results commit.

    A worker SIGKILLed mid-batch leaves its rows "sending"; the sweeper reads the journal and closes those already
    sent as delivered instead of sending them again. Each note is written to the Redis socket without waiting for
    the answer (the answers are read at the end of the batch): once the write returns, the kernel delivers it even
    if the process is killed the next instant, so the at-least-once window of a batch shrinks to that one write
    after each send, at the cost of a system call rather than a round trip. Without Redis (development, tests) the
    Django cache stands in. The journal is advisory: if Redis is unreachable or was flushed, the rows are simply
    sent again (at least once, as without it)."""

    def __init__(self, model: type[OutboxRow]) -> None:
        self.model = model
        self.keys: list[str] = []
        self.timeout = max(3600, 4 * setting_int("NOTIFICATION_STUCK_AFTER_SECONDS", 300))
        self._client = _journal_redis()
        self._connection = None
        self._unread = 0

    @staticmethod
    def key(model: type[OutboxRow], pk, attempt: int) -> str:
        return f"outbox:sent:{model._meta.label_lower}:{pk}:{attempt}"

    def sent(self, row: OutboxRow, ref: str) -> None:
        key = self.key(self.model, row.pk, row.attempts)
        try:
            if self._client is None:
                cache.set(key, ref or "-", self.timeout)
            else:
                if self._connection is None:
                    self._connection = self._client.connection_pool.get_connection()
                self._connection.send_command("SET", key, ref or "-", "EX", self.timeout)
                self._unread += 1
        except Exception:  # Redis is down: the row may be sent twice if this worker dies now
            logger.warning("Could not note %s as sent.", row.pk, exc_info=True)
            self._drop()
            return
        self.keys.append(key)

    def clear(self) -> None:
        """The batch's results are committed: remove its notes."""
        try:
            if self._client is None:
                if self.keys:
                    cache.delete_many(self.keys)
            elif self.keys:
                self._take_answers()
                self._connection.send_command("DEL", *self.keys)
                self._connection.read_response()
        except Exception:  # they expire on their own
            logger.debug("Could not clear the sent journal.", exc_info=True)
            self._drop()
        self.keys = []
        self.close()

    def close(self) -> None:
        """Give the Redis connection back (the notes stay unless `clear` removed them)."""
        if self._connection is None:
            return
        try:
            self._take_answers()
        except Exception:
            self._drop()
            return
        self._client.connection_pool.release(self._connection)
        self._connection = None

    def _take_answers(self) -> None:
        if self._connection is None:
            self._connection = self._client.connection_pool.get_connection()
        for _answer in range(self._unread):
            self._connection.read_response()
        self._unread = 0

    def _drop(self) -> None:
        if self._connection is not None:
            self._connection.disconnect()
            self._client.connection_pool.release(self._connection)
            self._connection, self._unread = None, 0

    @classmethod
    def lookup(cls, model: type[OutboxRow], rows: Iterable[tuple]) -> dict:
        """{pk: provider reference} of the (pk, attempts) rows the journal shows as sent."""
        keys = {cls.key(model, pk, attempts): pk for pk, attempts in rows}
        client = _journal_redis()
        try:
            if client is None:
                found = cache.get_many(list(keys))
            else:
                values = client.mget(list(keys))
                found = {key: value.decode() for key, value in zip(keys, values, strict=True) if value is not None}
        except Exception:
            logger.warning("Could not read the sent journal; stuck rows are sent again.", exc_info=True)
            return {}
        return {keys[key]: ("" if ref == "-" else ref) for key, ref in found.items()}

    @classmethod
    def forget(cls, model: type[OutboxRow], rows: Iterable[tuple]) -> None:
        keys = [cls.key(model, pk, attempts) for pk, attempts in rows]
        client = _journal_redis()
        try:
            client.delete(*keys) if client is not None else cache.delete_many(keys)
        except Exception:
            logger.debug("Could not clear the sent journal.", exc_info=True)


# --- publishing -------------------------------------------------------------------------------------------------

# When publishing last failed (time.monotonic()), per process. Advisory only: while the broker is down, later publishes
# in this process give up at once instead of each waiting for the connection timeout (a request that queues messages
# for several recipients, a reminder run that queues hundreds). Correctness never depends on it: the rows are
# committed and the sweeper, which always tries (force=True), publishes them.
_publish_failed_at: float | None = None


def _publish_paused() -> bool:
    if _publish_failed_at is None:
        return False
    pause = float(conf("NOTIFICATION_PUBLISH_PAUSE_SECONDS", 15))
    return time.monotonic() - _publish_failed_at < pause


def publish_reset() -> None:
    """Forget an earlier publishing failure (tests; a process that knows the broker is back)."""
    global _publish_failed_at
    _publish_failed_at = None


def publish_task(task, *args, force: bool = False) -> bool:
    """Hand a delivery task to the broker. Best effort by design: a request must never fail because Redis is down;
    the rows are already committed, so the sweeper finds and publishes them again. Returns whether publishing worked.
    """
    global _publish_failed_at
    if not force and not task.app.conf.task_always_eager and _publish_paused():
        logger.debug("Broker recently unreachable; leaving %s %s to the sweeper.", task.name, args)
        return False
    try:
        task.delay(*args)
    except Exception:  # any broker or connection error; the outbox row is the durable record
        _publish_failed_at = time.monotonic()
        logger.warning("Could not publish delivery of %s %s; the sweeper will retry.", task.name, args, exc_info=True)
        return False
    _publish_failed_at = None
    return True


def chunks(ids: Iterable, size: int) -> Iterable[list]:
    chunk: list = []
    for item in ids:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
