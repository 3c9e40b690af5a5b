"""PostgreSQL: the application's role (create_app_role) may only INSERT and SELECT on the tamper-evident tables; it
can neither UPDATE nor DELETE their rows nor switch off their append-only triggers. Migrations run as the owner."""

from __future__ import annotations

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from audit.services import audit_record
from procedures.models import DossierEvent
from tests.api import submitted

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="database roles: PostgreSQL only"),
    pytest.mark.django_db(transaction=True),
]

ROLE = "motcua_app_hardening_test"
PASSWORD = "app-role-test-only"


def as_app_role():
    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        dbname=settings["NAME"],
        user=ROLE,
        password=PASSWORD,
        autocommit=True,
    )


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditentry SET action = 'forged'",
        "DELETE FROM audit_auditentry",
        "TRUNCATE audit_auditentry",
        "ALTER TABLE audit_auditentry DISABLE TRIGGER audit_auditentry_append_only",
        "UPDATE procedures_dossierevent SET comment = 'forged'",
        "DELETE FROM procedures_dossierevent",
        "ALTER TABLE procedures_dossierevent DISABLE TRIGGER procedures_dossierevent_append_only",
        "ALTER TABLE procedures_dossierevent DISABLE TRIGGER ALL",
    ],
)
def test_the_application_role_cannot_rewrite_the_logs(world, statement):
    submitted(world)
    audit_record(action="test.entry")
    call_command("create_app_role", ROLE, password=PASSWORD)
    with as_app_role() as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute(statement)
        # What the application needs still works: reading both tables, writing ordinary ones.
        assert conn.execute("SELECT count(*) FROM audit_auditentry").fetchone()[0] >= 1
        assert conn.execute("SELECT count(*) FROM procedures_dossierevent").fetchone()[0] >= 1
        conn.execute("UPDATE procedures_dossier SET version = version")
    call_command("verify_audit")


def test_the_application_role_may_append(world):
    dossier = submitted(world)
    call_command("create_app_role", ROLE, password=PASSWORD)
    event = DossierEvent.objects.filter(dossier_id=dossier["id"]).order_by("id").last()
    with as_app_role() as conn:
        conn.execute(
            "INSERT INTO audit_auditentry (at, actor_label, action, target_type, target_id, details, prev_hash, hash)"
            " VALUES (now(), '', 'x', '', '', '{}', %s, %s)",
            ["0" * 64, "f" * 64],
        )
        row = conn.execute("SELECT hash FROM procedures_dossierevent WHERE id = %s", [event.pk]).fetchone()
    assert row[0] == event.hash
