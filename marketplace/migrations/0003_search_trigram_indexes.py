"""Trigram indexes for keyword search, on PostgreSQL only.

Search matches `UPPER(column) LIKE UPPER('%term%')` (Django's icontains); without an index that is a
scan of every product, about a second at 100,000 products. GIN trigram indexes on the same
expressions let PostgreSQL find the rows directly. SQLite (the embedded default) has no pg_trgm:
there the migration does nothing and search scans, which is fine at demo sizes. The indexes live
here rather than in Meta.indexes because Django cannot declare a PostgreSQL-only index portably.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = [
    ("marketplace_product_name_zh_trgm", "marketplace_product", "name_zh"),
    ("marketplace_product_name_en_trgm", "marketplace_product", "name_en"),
    ("marketplace_brand_name_trgm", "marketplace_brand", "name"),
    ("marketplace_brand_name_zh_trgm", "marketplace_brand", "name_zh"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0002_initial")]

    operations = [
        TrigramExtension(),  # does nothing on databases other than PostgreSQL
        migrations.RunPython(create, drop, elidable=False),
    ]
