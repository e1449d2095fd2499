"""Shipping templates are shown on the product page (the fee to the shopper's province, or the base
fee to a visitor), which the anonymous page cache keeps per catalogue change counter: their tables get
the counter's triggers (PostgreSQL only; marketplace/migrations/0004_page_version.py explains them)."""

from django.db import migrations

TABLES = ["logistics_shippingtemplate", "logistics_shippingtemplateregion"]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER marketplace_catalog_changed AFTER INSERT OR UPDATE OR DELETE ON {table}"
            " FOR EACH STATEMENT EXECUTE FUNCTION marketplace_catalog_changed()"
        )
        schema_editor.execute(
            f"CREATE TRIGGER marketplace_catalog_truncated AFTER TRUNCATE ON {table}"
            " FOR EACH STATEMENT EXECUTE FUNCTION marketplace_catalog_changed()"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        for name in ("catalog_changed", "catalog_truncated"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS marketplace_{name} ON {table}")


class Migration(migrations.Migration):
    dependencies = [
        ("logistics", "0003_shipping_templates"),
        ("marketplace", "0004_page_version"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
