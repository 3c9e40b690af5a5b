"""Duplicate notifications arriving at the same moment (PostgreSQL): the attempt row lock lets one pay, the others
answer 02; exactly one `pay` event, one paid request, one receipt number."""

from __future__ import annotations

import pytest
from django.db import connection

from payments.models import AttemptStatus, PaymentAttempt, PaymentRequest, RequestStatus
from tests.payments.conftest import awaiting_payment, open_page, start_payment, wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="parallel notifications need real row locks and parallel connections: PostgreSQL only (DATABASE_URL)",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_simultaneous_duplicate_notifications_pay_once(world, gateway):
    dossier = awaiting_payment(world)
    started = start_payment(world, dossier)
    open_page(started["redirect_url"])
    gateway.complete(started["reference"], notify=False)
    for _ in range(6):  # six copies in flight at once, through the threaded live server
        gateway.notify(started["reference"], wait=False)
    wait_for(lambda: len(gateway.sent) == 6, timeout=60)
    answers = sorted(answer["RspCode"] for _params, _status, answer in gateway.sent)
    assert answers == ["00", "02", "02", "02", "02", "02"]
    assert dossier.events.filter(action="pay").count() == 1
    assert PaymentAttempt.objects.get(reference=started["reference"]).status == AttemptStatus.PAID
    assert PaymentRequest.objects.filter(dossier=dossier, status=RequestStatus.PAID).count() == 1
