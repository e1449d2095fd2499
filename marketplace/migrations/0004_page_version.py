"""The catalogue's change counter and the triggers that keep it (PostgreSQL only).

Every write statement on a table whose data a cached storefront page shows adds one to a
`PageVersion` row, in the writing transaction (`marketplace/page_cache.py` explains the cache). The
version is the sum of the 64 rows. A transaction takes a row no other writer holds (`FOR UPDATE SKIP
LOCKED`) and keeps it until it ends, so writers never wait on each other for the counter and it can't
add a lock cycle (a deadlock) to theirs; only when all 64 are taken, or the table was flushed, does a
writer fall back to the row of its transaction id.

Options (variants) are the exception: a change of stock alone does not count, because pages that show
stock read it on every request and a checkout must not empty the cache of the whole catalogue. Their
update trigger is per statement and compares the statement's old and new rows, so a bulk update
counts once. A new table that storefront pages show needs the trigger too (a new migration;
tests/marketplace/test_page_cache.py lists the tables it expects).
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

FUNCTIONS = [
    f"""
CREATE OR REPLACE FUNCTION marketplace_catalog_bump() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    chosen integer := nullif(current_setting('marketplace.page_slot', true), '')::integer;
BEGIN
    IF chosen IS NULL THEN
        SELECT slot INTO chosen FROM marketplace_pageversion
         ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED;
        IF chosen IS NULL THEN
            chosen := mod(txid_current(), {SLOTS});
        END IF;
        PERFORM set_config('marketplace.page_slot', chosen::text, true);
    END IF;
    INSERT INTO marketplace_pageversion (slot, changes) VALUES (chosen, 1)
        ON CONFLICT (slot) DO UPDATE SET changes = marketplace_pageversion.changes + 1;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION marketplace_catalog_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM marketplace_catalog_bump();
    RETURN NULL;
END
$$
""",
    """
CREATE OR REPLACE FUNCTION marketplace_variants_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM old_rows o JOIN new_rows n ON n.id = o.id
         WHERE (to_jsonb(o) - 'stock') IS DISTINCT FROM (to_jsonb(n) - 'stock')
    ) THEN
        PERFORM marketplace_catalog_bump();
    END IF;
    RETURN NULL;
END
$$
""",
]


def _statement_triggers(table: str, events: str) -> list[str]:
    return [
        f"CREATE TRIGGER marketplace_catalog_changed AFTER {events} ON {table}"
        " FOR EACH STATEMENT EXECUTE FUNCTION marketplace_catalog_changed()",
        f"CREATE TRIGGER marketplace_catalog_truncated AFTER TRUNCATE ON {table}"
        " FOR EACH STATEMENT EXECUTE FUNCTION marketplace_catalog_changed()",
    ]


def create(apps, schema_editor):
    page_version = apps.get_model("marketplace", "PageVersion")
    page_version.objects.bulk_create(
        [page_version(slot=slot) for slot in range(SLOTS)], ignore_conflicts=True
    )
    if schema_editor.connection.vendor != "postgresql":
        return
    for sql in FUNCTIONS:
        schema_editor.execute(sql)
    for table in WATCHED:
        for sql in _statement_triggers(table, "INSERT OR UPDATE OR DELETE"):
            schema_editor.execute(sql)
    for sql in _statement_triggers(VARIANTS, "INSERT OR DELETE"):
        schema_editor.execute(sql)
    # Compares every column but stock, so columns the table gains later count too.
    schema_editor.execute(
        f"CREATE TRIGGER marketplace_variants_changed AFTER UPDATE ON {VARIANTS}"
        " REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"
        " FOR EACH STATEMENT EXECUTE FUNCTION marketplace_variants_changed()"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in [*WATCHED, VARIANTS]:
        for name in ("catalog_changed", "catalog_truncated", "variants_changed"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS marketplace_{name} ON {table}")
    for function in ("catalog_changed", "variants_changed", "catalog_bump"):
        schema_editor.execute(f"DROP FUNCTION IF EXISTS marketplace_{function}()")


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
