"""On PostgreSQL, a GIN index on the weighted search vector that `kb.search` matches with
`@@` (the expression must stay the one `SearchVector` compiles to). Nothing elsewhere."""

from django.db import migrations

INDEX = "kb_article_search_gin"
VECTOR = (
    "(setweight(to_tsvector('simple'::regconfig, COALESCE(search_title, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, COALESCE(search_text, '')), 'B'))"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX {INDEX} ON kb_article USING gin ({VECTOR})")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("kb", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
