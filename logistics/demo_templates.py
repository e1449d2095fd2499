"""Demo shipping templates: a varied set for the demo stores (seeded by `seed_demo`). Some ship free
from a threshold, some always or never, several charge remote provinces more, with different weight
steps; the last store keeps the platform default for bonded goods, so the demo shows that too."""

from decimal import Decimal

from djmoney.money import Money

from .models import ShippingTemplate, ShippingTemplateRegion

FAR_WEST = ["新疆维吾尔自治区", "西藏自治区"]
REMOTE = ["新疆维吾尔自治区", "西藏自治区", "青海省", "内蒙古自治区", "宁夏回族自治区", "甘肃省"]

# name, first grams, first fee, step grams, step fee, free from, [(provinces, first fee, step fee)]
DIRECT_MAIL = [
    ("国际直邮 满299包邮", 1000, "25", 500, "10", "299", [(FAR_WEST, "45", "20")]),
    ("EMS 直邮", 500, "18", 500, "8", None, [(REMOTE, "30", "12")]),
    (
        "直邮 满199包邮",
        1000,
        "20",
        1000,
        "12",
        "199",
        [(FAR_WEST, "40", "20"), (["青海省", "甘肃省"], "30", "15")],
    ),
    ("航空小包", 300, "15", 100, "3", "399", []),
]
BONDED = [
    ("保税仓 满99包邮", 1000, "8", 1000, "4", "99", [(FAR_WEST + ["青海省"], "20", "10")]),
    ("保税仓 全国包邮", 3000, "0", 1000, "2", "0", []),
    ("保税仓 满149包邮", 1000, "10", 1000, "5", "149", [(REMOTE, "18", "8")]),
]


def _cny(value) -> Money:
    return Money(Decimal(value), "CNY")


def seed_shipping_templates(merchants) -> int:
    """One template per shipping mode for each store (by its position, so reseeding gives the same
    set), except bonded for the last store. Returns the number created."""
    ShippingTemplate.objects.filter(merchant__in=merchants).delete()
    created = 0
    for index, merchant in enumerate(merchants):
        plans = [("direct_mail", DIRECT_MAIL[index % len(DIRECT_MAIL)])]
        if index != len(merchants) - 1:
            plans.append(("bonded", BONDED[index % len(BONDED)]))
        for mode, (name, first_g, first, step_g, step, free_from, regions) in plans:
            template = ShippingTemplate.objects.create(
                merchant=merchant,
                shipping_mode=mode,
                name=name,
                first_weight_grams=first_g,
                first_fee=_cny(first),
                additional_step_grams=step_g,
                additional_fee=_cny(step),
                free_from=None if free_from is None else _cny(free_from),
            )
            ShippingTemplateRegion.objects.bulk_create(
                ShippingTemplateRegion(
                    template=template,
                    provinces=provinces,
                    first_fee=_cny(region_first),
                    additional_fee=_cny(region_step),
                    position=position,
                )
                for position, (provinces, region_first, region_step) in enumerate(regions)
            )
            created += 1
    return created
