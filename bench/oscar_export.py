"""Export our catalogue to the CSV that django-oscar's `oscar_import_catalogue` reads.

Oscar's importer (oscar/apps/partner/importers.py, 4.x) takes nine columns per row: product class,
category breadcrumbs ("Parent > Child"), UPC, title, description, partner name, partner SKU, price,
stock. It reads with `csv.reader(escapechar="\\")`, so we write with the same dialect. Each product
becomes one standalone Oscar product whose stock record is its cheapest active variant, priced in
CNY as our shoppers see it.

Run inside the project's environment: `python -m bench.oscar_export OUT.csv`.
"""

import csv
import sys
from collections.abc import Iterable, Iterator

PRODUCT_CLASS = "Imported goods"
COLUMNS = (
    "product_class",
    "category",
    "upc",
    "title",
    "description",
    "partner",
    "partner_sku",
    "price",
    "num_in_stock",
)


def oscar_row(product: dict) -> list[str]:
    """One CSV row from a product dict (keys as in `catalogue_products`)."""
    category = product["category"]
    if product.get("parent_category"):
        category = f"{product['parent_category']} > {category}"
    return [
        PRODUCT_CLASS,
        category,
        f"MKT-{product['id']}",
        (product["title"] or "")[:255],
        # Oscar treats the literal NULL as empty; keep ours from meaning that.
        "" if product["description"] == "NULL" else (product["description"] or ""),
        product["partner"],
        product["sku"],
        f"{product['price']:.2f}",
        str(product["stock"]),
    ]


def write_csv(products: Iterable[dict], out) -> int:
    writer = csv.writer(out, escapechar="\\", doublequote=False, lineterminator="\n")
    count = 0
    for product in products:
        writer.writerow(oscar_row(product))
        count += 1
    return count


def catalogue_products(batch: int = 5000) -> Iterator[dict]:
    """Visible products with their cheapest active variant, in id order (needs Django set up)."""
    from marketplace import selectors
    from marketplace.models import ProductVariant

    products = (
        selectors.products_visible()
        .order_by("id")
        .values(
            "id",
            "name_en",
            "name_zh",
            "description_en",
            "price_cny",
            "category__name_en",
            "category__parent__name_en",
            "merchant__name_en",
            "merchant__legal_name",
        )
    )
    last = 0
    while True:
        chunk = list(products.filter(id__gt=last)[:batch])
        if not chunk:
            return
        last = chunk[-1]["id"]
        cheapest = {}
        for variant in (
            ProductVariant.objects.filter(product_id__in=[p["id"] for p in chunk], is_active=True)
            .order_by("product_id", "price", "position", "id")
            .values("product_id", "sku", "stock")
        ):
            cheapest.setdefault(variant["product_id"], variant)
        for p in chunk:
            variant = cheapest.get(p["id"])
            if variant is None:
                continue
            yield {
                "id": p["id"],
                "title": p["name_en"] or p["name_zh"],
                "description": p["description_en"],
                "category": p["category__name_en"],
                "parent_category": p["category__parent__name_en"],
                "partner": p["merchant__name_en"] or p["merchant__legal_name"],
                "sku": variant["sku"],
                "price": p["price_cny"],
                "stock": variant["stock"],
            }


def main(argv: list[str]) -> int:
    import django

    django.setup()
    with open(argv[1], "w", encoding="utf-8", newline="") as out:
        count = write_csv(catalogue_products(), out)
    print(f"{count} products exported to {argv[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
