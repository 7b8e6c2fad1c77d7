"""Full-text search: an FTS5 index kept by triggers on SQLite, a GIN tsvector index on PostgreSQL.

SQLite drops triggers when Django rebuilds a table, so a later migration that alters
contributions_contribution on SQLite must run `create_sqlite_fts` again (tests would catch it).
"""

from django.db import migrations

SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS contributions_fts USING fts5(
        search_text, content='contributions_contribution', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER IF NOT EXISTS contributions_fts_insert AFTER INSERT ON contributions_contribution
    BEGIN
        INSERT INTO contributions_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS contributions_fts_delete AFTER DELETE ON contributions_contribution
    BEGIN
        INSERT INTO contributions_fts(contributions_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS contributions_fts_update AFTER UPDATE ON contributions_contribution
    BEGIN
        INSERT INTO contributions_fts(contributions_fts, rowid, search_text)
        VALUES ('delete', old.id, old.search_text);
        INSERT INTO contributions_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    "INSERT INTO contributions_fts(contributions_fts) VALUES ('rebuild')",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS contributions_fts_insert",
    "DROP TRIGGER IF EXISTS contributions_fts_delete",
    "DROP TRIGGER IF EXISTS contributions_fts_update",
    "DROP TABLE IF EXISTS contributions_fts",
]
# Must match the SQL of SearchVector("search_text", config="english") so the planner uses it.
POSTGRES_CREATE = [
    """CREATE INDEX IF NOT EXISTS contributions_search_gin ON contributions_contribution
    USING gin (to_tsvector('english'::regconfig, COALESCE(search_text, '')))""",
]
POSTGRES_DROP = ["DROP INDEX IF EXISTS contributions_search_gin"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


create_sqlite_fts = _run({"sqlite": SQLITE_CREATE})


class Migration(migrations.Migration):
    dependencies = [("contributions", "0002_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_CREATE, "postgresql": POSTGRES_CREATE}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
