"""What a set of cart lines costs, grouped the way checkout splits orders: one group per merchant and
shipping mode. Pure arithmetic on Decimal CNY; the rounding points are `to_cny` (unit price), `tax_for`
(per line) and the shipping fee (`logistics.shipping_fees`, once per group). The cart page, the
checkout page and order placement all price through here.

Shipping: the group's store template for its mode (`templates`, read by the caller in one query for
all groups) on the lines' weight and the delivery `province`; a store without one pays the platform
default, the flat `rules.shipping_fee` (docs/rules.md, "Shipping templates")."""

from dataclasses import dataclass, field
from decimal import Decimal

from logistics import shipping_fees
from marketplace.money import tax_for, to_cny

from . import rules

ZERO = Decimal("0.00")


@dataclass
class PricedLine:
    variant: object
    quantity: int
    unit_price_cny: Decimal
    tax_rate: Decimal
    goods: Decimal
    tax: Decimal
    available: bool = True
    item: object = None

    @property
    def product(self):
        return self.variant.product

    @property
    def over_order_limit(self) -> bool:
        """One unit alone is over the per-order limit: this line can never be checked out."""
        return rules.unit_over_order_limit(self.unit_price_cny)


@dataclass
class PricedGroup:
    merchant: object
    shipping_mode: str
    lines: list[PricedLine] = field(default_factory=list)
    template: object = None  # the store's ShippingTemplate for the mode, None: the platform default
    province: str | None = None  # where the order goes (None: the template's base fees)

    @property
    def goods(self) -> Decimal:
        return sum((line.goods for line in self.lines), ZERO)

    @property
    def tax(self) -> Decimal:
        return sum((line.tax for line in self.lines), ZERO)

    @property
    def weight_grams(self) -> int:
        return sum(line.variant.weight_grams * line.quantity for line in self.lines)

    @property
    def shipping(self) -> Decimal:
        if self.template is None:
            return rules.shipping_fee(self.shipping_mode, self.goods)
        return shipping_fees.shipping_fee(
            self.template, weight_grams=self.weight_grams, goods_value=self.goods, province=self.province
        )

    @property
    def total(self) -> Decimal:
        return self.goods + self.shipping + self.tax

    @property
    def over_limit(self) -> bool:
        return self.goods > rules.ORDER_GOODS_LIMIT

    @property
    def over_limit_besides_flagged_items(self) -> bool:
        """Still over the order limit without the lines that can never be bought (one unit over the
        limit, flagged on their own): the page asks to remove items only when that would not suffice,
        so one problem is not said twice."""
        goods = sum((line.goods for line in self.lines if not line.over_order_limit), ZERO)
        return goods > rules.ORDER_GOODS_LIMIT

    @property
    def shipping_mode_label(self):
        from marketplace.models import Product

        return Product.ShippingMode(self.shipping_mode).label


@dataclass
class PricedCart:
    groups: list[PricedGroup]

    @property
    def lines(self):
        return [line for group in self.groups for line in group.lines]

    def _sum(self, name):
        return sum((getattr(group, name) for group in self.groups), ZERO)

    @property
    def goods(self):
        return self._sum("goods")

    @property
    def shipping(self):
        return self._sum("shipping")

    @property
    def tax(self):
        return self._sum("tax")

    @property
    def total(self):
        return self._sum("total")

    @property
    def shipping_province_label(self):
        """The province shipping is priced to, in the page's language (None: base fees or no
        templates)."""
        from logistics.provinces import province_canonical, province_label

        name = province_canonical(self.groups[0].province) if self.groups else None
        return province_label(name) if name else None

    @property
    def count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def has_problems(self) -> bool:
        return any(group.over_limit for group in self.groups) or any(
            not line.available or line.over_order_limit for line in self.lines
        )


def price_lines(
    rows, rates: dict[str, Decimal], *, available_product_ids=None, templates=None, province=None
) -> PricedCart:
    """`rows`: (variant with product, merchant and tax_category loaded, quantity, item or None).
    `templates`: shipping templates by (merchant id, shipping mode), with their regions when a
    `province` is given (`logistics.template_selectors.templates_for`)."""
    templates = templates or {}
    groups: dict[tuple, PricedGroup] = {}
    for variant, quantity, item in rows:
        product = variant.product
        key = (product.merchant_id, product.shipping_mode)
        group = groups.get(key)
        if group is None:
            group = groups[key] = PricedGroup(
                product.merchant, product.shipping_mode, template=templates.get(key), province=province
            )
        unit = to_cny(variant.price, rates)
        rate = product.tax_category.effective_rate
        goods = unit * quantity
        available = variant.is_active and (
            available_product_ids is None or product.pk in available_product_ids
        )
        group.lines.append(
            PricedLine(variant, quantity, unit, rate, goods, tax_for(goods, rate), available, item)
        )
    return PricedCart(list(groups.values()))
