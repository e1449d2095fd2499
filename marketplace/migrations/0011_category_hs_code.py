"""Categories get the HS heading customs declarations give their goods; the categories that exist
are seeded from `logistics.hs_codes` (copied here, so the migration never changes with that table)."""

from django.db import migrations, models

# fmt: off
HS_CODES = {
    "beauty": "3304.99", "serums": "3304.99", "face-creams": "3304.99", "face-masks": "3304.99",
    "makeup": "3304.91", "sun-care": "3304.99",
    "mother-baby": "1901.10", "infant-formula": "1901.10", "diapers": "9619.00",
    "baby-care": "3401.30", "baby-food": "2104.20",
    "health": "2106.90", "vitamins": "2106.90", "fish-oil": "1504.20", "probiotics": "2106.90",
    "honey": "0409.00", "beauty-supplements": "2106.90",
    "food": "2106.90", "snacks": "1905.90", "chocolate": "1806.90", "tea-drinks": "0902.30",
    "dairy": "0402.21",
    "fashion": "4202.22", "handbags": "4202.22", "luggage": "4202.12", "shoes": "6403.99",
    "apparel": "6109.10", "jewellery": "7113.19",
    "home": "7323.93", "cookware": "7323.93", "knives": "8211.91", "coffee": "8516.71",
    "drinkware": "9617.00",
    "personal-care": "3307.90", "oral-care": "3306.10", "hair-care": "3305.10", "body-care": "3304.99",
    "shaving": "3307.10",
    "electronics": "8516.79", "hair-appliances": "8516.31", "shavers": "8510.10", "audio": "8518.30",
    "home-appliances": "8509.40",
    "pets": "2309.10", "cat-food": "2309.10", "dog-food": "2309.10", "pet-treats": "2309.10",
}
# fmt: on


def seed_codes(apps, schema_editor):
    Category = apps.get_model("marketplace", "Category")
    for category in Category.objects.filter(slug__in=list(HS_CODES), hs_code=""):
        category.hs_code = HS_CODES[category.slug]
        category.save(update_fields=["hs_code"])


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0010_api_tokens")]
    operations = [
        migrations.AddField(
            model_name="category",
            name="hs_code",
            field=models.CharField(blank=True, max_length=12, verbose_name="HS code"),
        ),
        migrations.RunPython(seed_codes, migrations.RunPython.noop),
    ]
