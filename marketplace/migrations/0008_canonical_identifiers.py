"""SKUs and brand countries in their canonical form (issue 10): SKUs upper-case ASCII without
spaces (`marketplace.identifiers.sku`), brand countries upper-case. Two SKUs that become one (e.g.
"abc-1" and "ABC-1") keep the first; the other gets a "-DUP<id>" suffix so the merchant can see and
rename it. A value that cannot be repaired is left alone and the next migration's CheckConstraints
stop the upgrade."""

from django.db import migrations

from marketplace import identifiers


def canonicalise(apps, schema_editor):
    ProductVariant = apps.get_model("marketplace", "ProductVariant")
    Brand = apps.get_model("marketplace", "Brand")

    for variant in ProductVariant.objects.exclude(sku__regex=identifiers.SKU_DB_REGEX).order_by("pk"):
        sku = identifiers.repaired(identifiers.sku, variant.sku)
        if sku is None:
            continue
        if ProductVariant.objects.filter(sku=sku).exclude(pk=variant.pk).exists():
            sku = f"{sku[: identifiers.SKU_MAX_LENGTH - 16]}-DUP{variant.pk}"
        ProductVariant.objects.filter(pk=variant.pk).update(sku=sku)

    for brand in Brand.objects.exclude(country__regex=identifiers.COUNTRY_DB_REGEX).only("pk", "country"):
        code = identifiers.repaired(identifiers.country_code, brand.country)
        if code is not None:
            Brand.objects.filter(pk=brand.pk).update(country=code)


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0007_search_synonyms_seed"),
    ]

    operations = [
        migrations.RunPython(canonicalise, migrations.RunPython.noop),
    ]
