"""Search synonyms: the common groups shoppers type for the same thing, in English and Chinese (staff
edit them in the console afterwards), and the catalogue change counter's trigger on their table, so a
change reaches cached search pages at once (PostgreSQL; `0004_page_version` explains the counter)."""

from django.db import migrations

TABLE = "marketplace_searchsynonym"

# (terms, note). Chosen for the catalogue's categories; a term is matched inside product names.
GROUPS = [
    ("sunscreen, sunblock, sun cream, SPF, 防晒, 防晒霜, 防晒乳", "Sun care"),
    (
        "moisturiser, moisturizer, moisturising, moisturizing, moisture, face cream, 面霜, 乳液, 保湿",
        "Moisturisers",
    ),
    ("baby formula, infant formula, formula milk, 奶粉, 婴儿奶粉, 配方奶粉", "Infant formula"),
    ("diapers, diaper, nappies, nappy, 纸尿裤, 尿不湿, 尿布", "Diapers"),
    ("fish oil, omega-3, omega 3, 鱼油, 深海鱼油", "Fish oil"),
    ("vitamin, vitamins, 维生素, 维他命", "Vitamins"),
    ("probiotic, probiotics, 益生菌", "Probiotics"),
    ("face mask, sheet mask, facial mask, 面膜", "Face masks"),
    ("serum, 精华, 精华液", "Serums"),
    ("toner, 爽肤水, 化妆水", "Toners"),
    ("lipstick, lip colour, lip color, 口红, 唇膏", "Lipstick"),
    ("shampoo, 洗发水, 洗发露", "Shampoo"),
    ("hand cream, 护手霜", "Hand cream"),
    ("headphones, headphone, earphones, earbuds, 耳机, 耳塞", "Headphones"),
    ("suitcase, luggage, 行李箱, 旅行箱, 拉杆箱", "Luggage"),
    ("honey, manuka, 蜂蜜, 麦卢卡", "Honey"),
    ("collagen, 胶原蛋白", "Collagen"),
    ("chocolate, 巧克力", "Chocolate"),
    ("vacuum flask, thermos, insulated bottle, 保温杯, 保温壶", "Drinkware"),
]


def seed(apps, schema_editor):
    synonym = apps.get_model("marketplace", "SearchSynonym")
    for terms, note in GROUPS:
        synonym.objects.get_or_create(terms=terms, defaults={"note": note})


def unseed(apps, schema_editor):
    apps.get_model("marketplace", "SearchSynonym").objects.filter(terms__in=[t for t, _n in GROUPS]).delete()


def watch(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE TRIGGER marketplace_catalog_changed AFTER INSERT OR UPDATE OR DELETE ON {TABLE}"
        " FOR EACH STATEMENT EXECUTE FUNCTION marketplace_catalog_changed()"
    )
    schema_editor.execute(
        f"CREATE TRIGGER marketplace_catalog_truncated AFTER TRUNCATE ON {TABLE}"
        " FOR EACH STATEMENT EXECUTE FUNCTION marketplace_catalog_changed()"
    )


def unwatch(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in ("catalog_changed", "catalog_truncated"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS marketplace_{name} ON {TABLE}")


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0006_search_synonyms")]

    operations = [
        migrations.RunPython(watch, unwatch, elidable=False),
        migrations.RunPython(seed, unseed),
    ]
