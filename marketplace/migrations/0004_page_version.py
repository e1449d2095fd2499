"""The catalogue's change counter and the triggers that keep it (PostgreSQL only).

Every write statement on a table whose data a cached storefront page shows adds one to a
`PageVersion` row, in the writing transaction (`marketplace/page_cache.py` explains the cache). The
row is that of the transaction id modulo 64, so concurrent writers rarely wait on each other; it is
made when first needed, so a flushed table still works. Options (variants) are the exception: a
stock-only change is not counted, because pages that show stock read it on every request, and a
checkout must not empty the cache of the whole catalogue. A new table that storefront pages show
needs the trigger too (add it to WATCHED in a new migration; tests/marketplace/test_page_cache.py
lists the tables it expects).
"""

from django.db import migrations, models

SLOTS = 64
WATCHED = [
    "marketplace_category",
    "marketplace_brand",
    "marketplace_taxcategory",
    "marketplace_exchangerate",
    "marketplace_product",
    "marketplace_productimage",
    "merchants_merchant",
]
VARIANTS = "marketplace_productvariant"

FUNCTION = f"""
CREATE OR REPLACE FUNCTION marketplace_catalog_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO marketplace_pageversion (slot, changes) VALUES (mod(txid_current(), {SLOTS}), 1)
        ON CONFLICT (slot) DO UPDATE SET changes = marketplace_pageversion.changes + 1;
    RETURN NULL;
END
$$;
"""


def _statement_triggers(table: str, events: str) -> list[str]:
    return [
        f"CREATE TRIGGER marketplace_catalog_changed AFTER {events} ON {table}"
        " FOR EACH STATEMENT EXECUTE FUNCTION marketplace_catalog_changed()",
        f"CREATE TRIGGER marketplace_catalog_truncated AFTER TRUNCATE ON {table}"
        " FOR EACH STATEMENT EXECUTE FUNCTION marketplace_catalog_changed()",
    ]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for table in WATCHED:
        for sql in _statement_triggers(table, "INSERT OR UPDATE OR DELETE"):
            schema_editor.execute(sql)
    for sql in _statement_triggers(VARIANTS, "INSERT OR DELETE"):
        schema_editor.execute(sql)
    # Row level, so the condition can leave out a change of stock alone (whatever other columns
    # the table gains later are compared too).
    schema_editor.execute(
        f"CREATE TRIGGER marketplace_catalog_changed_row AFTER UPDATE ON {VARIANTS} FOR EACH ROW"
        " WHEN ((to_jsonb(OLD) - 'stock') IS DISTINCT FROM (to_jsonb(NEW) - 'stock'))"
        " EXECUTE FUNCTION marketplace_catalog_changed()"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in [*WATCHED, VARIANTS]:
        for name in ("changed", "truncated", "changed_row"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS marketplace_catalog_{name} ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS marketplace_catalog_changed()")


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0003_search_trigram_indexes"),
        ("merchants", "0005_product_import"),
    ]

    operations = [
        migrations.CreateModel(
            name="PageVersion",
            fields=[
                ("slot", models.PositiveSmallIntegerField(primary_key=True, serialize=False)),
                ("changes", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create, drop, elidable=False),
    ]
