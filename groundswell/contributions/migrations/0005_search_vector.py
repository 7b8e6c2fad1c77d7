"""PostgreSQL: search a stored tsvector column instead of an expression over search_text.

With only an expression index, any plan that did not use the index (a count of a common word,
say) parsed the text of every row again. The column is generated, so nothing has to keep it up
to date; Django does not know it exists and never writes it. SQLite keeps its FTS5 table.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    """ALTER TABLE contributions_contribution ADD COLUMN IF NOT EXISTS search_vector tsvector
    GENERATED ALWAYS AS (to_tsvector('english'::regconfig, COALESCE(search_text, ''))) STORED""",
    """CREATE INDEX IF NOT EXISTS contributions_search_vector_gin ON contributions_contribution
    USING gin (search_vector)""",
    "DROP INDEX IF EXISTS contributions_search_gin",
]
POSTGRES_BACKWARD = [
    """CREATE INDEX IF NOT EXISTS contributions_search_gin ON contributions_contribution
    USING gin (to_tsvector('english'::regconfig, COALESCE(search_text, '')))""",
    "DROP INDEX IF EXISTS contributions_search_vector_gin",
    "ALTER TABLE contributions_contribution DROP COLUMN IF EXISTS search_vector",
]


def _postgres(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("contributions", "0004_list_order_index")]

    operations = [migrations.RunPython(_postgres(POSTGRES_FORWARD), _postgres(POSTGRES_BACKWARD))]
