"""The audit table refuses UPDATE and DELETE in the database itself.

SQLite: triggers that abort unless ``closeloop_audit_unlocked()`` (a function only Closeloop's
own connections define, returning 1 only while ``flush`` empties the whole database) says so;
any other client (the sqlite3 shell) fails on the unknown function, so the rows stay.
PostgreSQL: row triggers for UPDATE and DELETE, and a statement trigger for TRUNCATE that
allows only a session that set ``closeloop.audit_maintenance`` (our ``flush``).
"""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER security_audit_no_update BEFORE UPDATE ON security_auditevent
       WHEN closeloop_audit_unlocked() = 0
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
    """CREATE TRIGGER security_audit_no_delete BEFORE DELETE ON security_auditevent
       WHEN closeloop_audit_unlocked() = 0
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS security_audit_no_update",
    "DROP TRIGGER IF EXISTS security_audit_no_delete",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION security_audit_append_only() RETURNS trigger AS $$
       BEGIN
         IF TG_OP = 'TRUNCATE'
            AND coalesce(current_setting('closeloop.audit_maintenance', true), '') = 'on' THEN
           RETURN NULL;
         END IF;
         RAISE EXCEPTION 'the audit log is append-only';
       END;
       $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER security_audit_no_change BEFORE UPDATE OR DELETE ON security_auditevent
       FOR EACH ROW EXECUTE FUNCTION security_audit_append_only()""",
    """CREATE TRIGGER security_audit_no_truncate BEFORE TRUNCATE ON security_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION security_audit_append_only()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS security_audit_no_change ON security_auditevent",
    "DROP TRIGGER IF EXISTS security_audit_no_truncate ON security_auditevent",
    "DROP FUNCTION IF EXISTS security_audit_append_only()",
]


def create(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for statement in statements:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    statements = (
        POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    )
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("security", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
