"""`manage.py create_app_role <role> [--password ...]` (PostgreSQL, run as the tables' owner, after `migrate`).

Creates (or updates) the login role the application connects with: it may read and write the portal's tables but
only SELECT and INSERT on the tamper-evident ones (the audit trail and the dossier event log). It owns nothing, so
it can neither ALTER those tables nor disable their append-only triggers. Re-run it after each `migrate` so new
tables are granted.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from psycopg import sql

APPEND_ONLY_TABLES = ("audit_auditentry", "procedures_dossierevent")


class Command(BaseCommand):
    help = "Create the restricted database role the application connects with (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("role")
        parser.add_argument("--password", default=None)

    def handle(self, *args, role, password, **options):
        if connection.vendor != "postgresql":
            raise CommandError("Only PostgreSQL has roles; the embedded SQLite demo needs none.")
        ident = sql.Identifier(role)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            verb = "ALTER" if cursor.fetchone() else "CREATE"
            statement = sql.SQL(verb + " ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT").format(ident)
            if password:
                statement = sql.SQL("{} PASSWORD {}").format(statement, sql.Literal(password))
            cursor.execute(statement)
            database = sql.Identifier(connection.settings_dict["NAME"])
            cursor.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(database, ident))
            cursor.execute(sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(ident))
            cursor.execute(
                sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(ident)
            )
            cursor.execute(sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(ident))
            for table in APPEND_ONLY_TABLES:
                cursor.execute(
                    sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(sql.Identifier(table), ident)
                )
        self.stdout.write(
            f"Role {role}: read/write on the portal's tables, SELECT/INSERT only on {', '.join(APPEND_ONLY_TABLES)}."
        )
