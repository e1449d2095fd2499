"""The product page shows reviews and their photos (and the store's reply): writes to those tables add
one to the catalogue's change counter, like every table a cached storefront page shows
(marketplace/migrations/0004_page_version.py; PostgreSQL only)."""

from django.db import migrations

TABLES = ["orders_productreview", "orders_reviewphoto"]


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
        ("orders", "0011_after_sales"),
        ("marketplace", "0004_page_version"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
