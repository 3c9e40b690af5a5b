"""Tamper-evident audit: who did what from where, hash-chained with the dossier events, verified by a command."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client

from audit.models import AuditEntry
from audit.services import audit_record
from audit.verify import first_broken_link
from citizens.models import StaffMembership
from citizens.roles import Role
from procedures.models import DossierEvent
from tests.api import attach, submitted
from tests.conftest import (
    PASSWORD,
    client_for,
    make_user,
    staff_login,  # noqa: I001
)

pytestmark = pytest.mark.django_db


def forge(table: str, statement: str, params) -> None:
    """Rewrite a log row as someone with the owner's rights would: on PostgreSQL past the append-only trigger."""
    trigger = f"{table}_append_only"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
        cursor.execute(statement, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}")


def test_audit_record_chains_entries_and_takes_the_ip_from_the_request(world, rf):
    request = rf.get("/", REMOTE_ADDR="203.0.113.7")
    request.user = world.leader
    first = audit_record(action="test.first", request=request, target=world.procedure, details={"n": 1})
    second = audit_record(action="test.second", actor=world.reception)
    assert first.actor == world.leader and first.ip == "203.0.113.7"
    assert first.target_type == "procedures.procedure" and first.target_id == str(world.procedure.pk)
    assert second.prev_hash == first.hash and second.hash != first.hash
    with pytest.raises(RuntimeError):
        first.save()


def test_sign_in_is_audited_with_actor_and_ip(world):
    world.citizen.emailaddress_set.create(email=world.citizen.email, verified=True, primary=True)
    client = Client(REMOTE_ADDR="198.51.100.4")
    response = client.post("/accounts/login/", {"login": world.citizen.email, "password": PASSWORD})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="auth.sign_in")
    assert entry.actor == world.citizen and entry.ip == "198.51.100.4"


def test_a_role_change_is_audited_with_who_made_it(world, rf):
    from audit.middleware import current_request

    admin = make_user("root@example.org", is_superuser=True, is_staff=True)
    user = make_user("new.staff@example.org")
    request = rf.post("/admin/citizens/user/1/change/", REMOTE_ADDR="192.0.2.9")
    request.user = admin
    token = current_request.set(request)  # what AuditContextMiddleware does around an admin request
    try:
        StaffMembership.objects.create(user=user, agency=world.agency, role=Role.RECEPTION)
    finally:
        current_request.reset(token)
    entry = AuditEntry.objects.filter(action="role.granted", target_id=str(user.pk)).get()
    assert entry.details["role"] == Role.RECEPTION and entry.actor == admin and entry.ip == "192.0.2.9"
    StaffMembership.objects.filter(user=user).delete()
    assert AuditEntry.objects.filter(action="role.revoked", target_id=str(user.pk)).exists()


def test_staff_document_download_is_audited_but_the_applicants_own_is_not(world):
    dossier = submitted(world)
    document = attach(dossier, world.citizen, requirement="declaration")
    path = f"/api/v1/dossiers/{dossier['id']}/documents/{document.pk}/"
    assert client_for(world.citizen).get(path).status_code == 200
    assert not AuditEntry.objects.filter(action="document.download").exists()
    assert client_for(world.reception).get(path).status_code == 200
    entry = AuditEntry.objects.get(action="document.download")
    assert entry.actor == world.reception and entry.target_id == str(document.pk)


def test_template_publish_and_export_are_audited(world):
    from procedures.services.versions import version_draft_create

    admin = make_user("agency.admin@example.org", agency=world.agency, roles=[Role.AGENCY_ADMIN])
    client = Client()
    staff_login(client, admin)
    version_draft_create(procedure=world.procedure)
    response = client.post(f"/quan-tri-thu-tuc/{world.procedure.code}/cong-bo/")
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="template.publish")
    assert entry.actor == admin and entry.target_id == str(world.procedure.pk)
    leader = Client()
    staff_login(leader, world.leader)
    assert leader.get("/ioc/export/counters.csv").status_code == 200
    assert AuditEntry.objects.get(action="stats.export").actor == world.leader


def test_verify_audit_names_the_first_broken_link(world):
    submitted(world)
    for action in ("a", "b", "c"):
        audit_record(action=action)
    call_command("verify_audit")
    target = AuditEntry.objects.get(action="b")
    forge("audit_auditentry", "UPDATE audit_auditentry SET details = %s WHERE id = %s", ['{"forged": true}', target.pk])
    with pytest.raises(CommandError, match=f"audit_auditentry #{target.pk}: its content"):
        call_command("verify_audit")


def test_a_removed_audit_row_breaks_the_next_link(world):
    for action in ("a", "b", "c"):
        audit_record(action=action)
    removed = AuditEntry.objects.get(action="b")
    forge("audit_auditentry", "DELETE FROM audit_auditentry WHERE id = %s", [removed.pk])
    broken = first_broken_link()
    assert broken.row_id == AuditEntry.objects.get(action="c").pk and "removed" in broken.reason


@pytest.mark.django_db(transaction=True)  # PostgreSQL will not ALTER a table with deferred FK checks pending
def test_dossier_events_are_chained_per_dossier(world):
    one, two = submitted(world), submitted(world, user=world.citizen2)
    events = list(DossierEvent.objects.filter(dossier_id=one["id"]).order_by("id"))
    assert events[0].prev_hash == "0" * 64
    assert all(later.prev_hash == earlier.hash for earlier, later in zip(events, events[1:], strict=False))
    assert first_broken_link() is None
    forged = DossierEvent.objects.filter(dossier_id=two["id"]).order_by("id").last()
    forge("procedures_dossierevent", "UPDATE procedures_dossierevent SET comment = %s WHERE id = %s", ["x", forged.pk])
    broken = first_broken_link()
    assert broken.table == "procedures_dossierevent" and broken.row_id == forged.pk
