"""GET /health/: is the portal able to do its work? Database, broker and workers, as JSON.

200 when the database answers, the broker answers and at least one worker answers a ping (or tasks run eagerly, in
which case there is neither broker nor worker to ask); 503 otherwise, naming what failed. Each check has a short
timeout (broker 2 s, workers HEALTH_WORKER_TIMEOUT, default 1.5 s), so the whole answer comes within a few seconds
even when Redis is down. Nothing secret is shown: no URLs, hosts or credentials, only states and timings.

A load balancer deciding whether to send web traffic should look at "database" (the web tier works without
workers: the outbox keeps messages until they are back); monitoring should page on the status code.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal import antivirus
from portal.celery import app as celery_app


def _timed(check):
    started = time.monotonic()
    try:
        result = check()
    except Exception as exc:  # any failure of the dependency is a failed check, never a 500
        result = {"ok": False, "error": type(exc).__name__}
    result["ms"] = round((time.monotonic() - started) * 1000, 1)
    return result


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connection.vendor}


def _eager() -> bool:
    return bool(celery_app.conf.task_always_eager)


def check_broker() -> dict:
    """Connect to the broker through kombu and ping it (Redis PING) with a short timeout."""
    if _eager():
        return {"ok": True, "state": "eager"}
    timeout = settings.HEALTH_BROKER_TIMEOUT
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=timeout)
        client = getattr(conn.default_channel, "client", None)
        if client is not None and hasattr(client, "ping"):
            client.ping()
        return {"ok": True, "state": "up"}


def check_workers() -> dict:
    """Ask every worker for a pong; none answering within the timeout means deliveries are not being made."""
    if _eager():
        return {"ok": True, "state": "eager", "count": 0}
    timeout = settings.HEALTH_WORKER_TIMEOUT
    replies = celery_app.control.inspect(timeout=timeout).ping() or {}
    count = len(replies)
    return {"ok": count > 0, "state": "up" if count else "none", "count": count}


def check_antivirus() -> dict:
    """clamd answers PING; without a configured scanner uploads are not scanned, and this says so."""
    if not antivirus.configured():
        return {"ok": True, "state": "not_configured"}
    return {"ok": antivirus.ping(), "state": "up"}


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    database = _timed(check_database)
    broker = _timed(check_broker)
    # Without a broker, asking workers would only wait for the same timeout again.
    workers = _timed(check_workers) if broker["ok"] else {"ok": False, "state": "unknown", "ms": 0.0}
    scanner = _timed(check_antivirus)
    healthy = database["ok"] and broker["ok"] and workers["ok"] and scanner["ok"]
    body = {
        "status": "ok" if healthy else "fail",
        "database": database,
        "broker": broker,
        "workers": workers,
        "antivirus": scanner,
    }
    return JsonResponse(body, status=200 if healthy else 503)
