"""The platform's starting list of violation kinds and their penalty points (staff edit them later
in the staff console; recorded violations keep the points they were given)."""

from django.db import migrations

KINDS = [
    ("late-shipment", "超时发货", "Late shipment", 2),
    ("false-description", "商品描述不符", "Goods not as described", 4),
    ("misleading-price", "虚假价格宣传", "Misleading price claims", 6),
    ("unauthorized-brand", "无授权销售品牌商品", "Selling a brand without authorization", 12),
    ("fake-transactions", "虚假交易刷单", "Fake transactions", 24),
    ("counterfeit", "出售假冒商品", "Counterfeit goods", 48),
]


def add_kinds(apps, schema_editor):
    ViolationKind = apps.get_model("merchants", "ViolationKind")
    for code, name_zh, name_en, points in KINDS:
        ViolationKind.objects.get_or_create(
            code=code, defaults={"name_zh": name_zh, "name_en": name_en, "points": points}
        )


class Migration(migrations.Migration):
    dependencies = [("merchants", "0002_applications_review_penalties")]
    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
