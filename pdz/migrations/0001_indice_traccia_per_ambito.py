"""An index on the audit trail's `additional_data -> 'ambito_id'` (pdz/audit.py), so that the
Ufficio di Piano's activity page (pdz/attivita.py) reads its ambito's entries without scanning
the whole trail. PostgreSQL only: the embedded SQLite default binds the JSON path as a
parameter, which an expression index cannot match, and holds a single small ambito anyway.

The table is auditlog's; pdz, which owns no model, owns this index. The SQL is frozen here.
"""

from django.db import migrations

CREA = (
    "CREATE INDEX IF NOT EXISTS pdz_traccia_ambito "
    "ON auditlog_logentry ((additional_data -> 'ambito_id'), timestamp DESC)"
)
ELIMINA = "DROP INDEX IF EXISTS pdz_traccia_ambito"


def crea(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREA)


def elimina(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ELIMINA)


class Migration(migrations.Migration):
    dependencies = [("auditlog", "0017_add_actor_email")]

    operations = [migrations.RunPython(crea, elimina)]
