"""PostgreSQL only: the dossier history cannot be rewritten, even by raw SQL or a queryset update/delete.

DossierEvent.save()/delete() already refuse in Python; this trigger is the same rule where Python is bypassed
(`QuerySet.update()`, `QuerySet.delete()`, psql). TRUNCATE (used by test database flushes) is a statement-level
operation and is deliberately not blocked. Other databases (the embedded SQLite demo) skip it.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION procedures_dossierevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'procedures_dossierevent is append-only: % refused', TG_OP
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS procedures_dossierevent_append_only ON procedures_dossierevent;
CREATE TRIGGER procedures_dossierevent_append_only
    BEFORE UPDATE OR DELETE ON procedures_dossierevent
    FOR EACH ROW EXECUTE FUNCTION procedures_dossierevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS procedures_dossierevent_append_only ON procedures_dossierevent;
DROP FUNCTION IF EXISTS procedures_dossierevent_append_only();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # no parameters: the "%" is plpgsql's, not a placeholder

    return run


class Migration(migrations.Migration):
    dependencies = [("procedures", "0001_initial")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP), elidable=False)]
