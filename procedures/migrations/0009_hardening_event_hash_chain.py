"""Hash chain per dossier on the event log (portal.hashchain); existing events are chained in id order.

The append-only trigger is switched off for the backfill only; migrations run as the tables' owner, the application's
restricted role (audit create_app_role) could not do this.
"""

from django.db import migrations, models

from portal.hashchain import GENESIS, link_hash

TRIGGER = "procedures_dossierevent_append_only"


def backfill(apps, schema_editor):
    DossierEvent = apps.get_model("procedures", "DossierEvent")
    if not DossierEvent.objects.exists():
        return
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(f"ALTER TABLE procedures_dossierevent DISABLE TRIGGER {TRIGGER}")
    last = {}
    for event in DossierEvent.objects.order_by("id").iterator(chunk_size=2000):
        previous = last.get(event.dossier_id, GENESIS)
        content = {
            "dossier": str(event.dossier_id),
            "actor": event.actor_id,
            "action": event.action,
            "from_status": event.from_status,
            "to_status": event.to_status,
            "step": event.step,
            "comment": event.comment,
            "payload": event.payload,
            "internal": event.internal,
            "at": event.at,
        }
        digest = link_hash(previous, content)
        DossierEvent.objects.filter(pk=event.pk).update(prev_hash=previous, hash=digest)
        last[event.dossier_id] = digest
    if postgres:
        schema_editor.execute(f"ALTER TABLE procedures_dossierevent ENABLE TRIGGER {TRIGGER}")


class Migration(migrations.Migration):
    dependencies = [
        ("procedures", "0008_hardening_idempotency_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossierevent",
            name="hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="dossierevent",
            name="prev_hash",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=False),
    ]
