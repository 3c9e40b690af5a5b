"""PostgreSQL only: a trigram index for catalogue search (`procedures.search`).

`Procedure.search_text` is already lower-case and diacritic-free (`procedures.text.fold`), so a GIN trigram index on
it serves the `LIKE '%word%'` containment filters and the similarity ranking without an unaccent wrapper. The
unaccent extension is enabled too for queries that fold on the database side. SQLite (the embedded demo) skips it.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE INDEX IF NOT EXISTS procedures_procedure_search_trgm "
    "ON procedures_procedure USING gin (search_text gin_trgm_ops)",
]
BACKWARD = ["DROP INDEX IF EXISTS procedures_procedure_search_trgm"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("procedures", "0003_rating")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
