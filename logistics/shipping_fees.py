"""What the shopper pays for shipping one order (one store, one shipping mode): pure arithmetic on a
store's `ShippingTemplate` (docs/rules.md, "Shipping templates").

- Free when the order's goods (CNY, before tax and shipping) are worth the template's `free_from` or
  more, in every province.
- Otherwise the fees of the region that lists the delivery province, else the template's own: the
  first `first_weight_grams` cost the first fee, and each started `additional_step_grams` beyond them
  one additional fee. An unknown or missing province pays the template's own (base) fees.
- Rounded once, here, half up to the fen (the inputs are already fen, so it never changes a value;
  it pins the result's form).

A store without a template for the mode pays the platform default (`orders.rules.shipping_fee`, the
flat fee from before templates): `orders.pricing` chooses.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .provinces import province_canonical

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


def _amount(value) -> Decimal:
    """A MoneyField's value (Money) or a plain Decimal, as Decimal."""
    return getattr(value, "amount", value)


def regions_of(template) -> list:
    """A template's regions: prefetched rows (the selectors load them, no query per call) or the
    list of a cached snapshot (`template_selectors.TemplateSnapshot`)."""
    regions = template.regions
    return list(regions.all()) if hasattr(regions, "all") else list(regions)


def region_for(template, province: str | None):
    """The template's region listing `province` (any spelling `province_canonical` reads), or None."""
    name = province_canonical(province)
    if name is None:
        return None
    for region in regions_of(template):
        if name in region.provinces:
            return region
    return None


def is_free(template, goods_value: Decimal) -> bool:
    free_from = _amount(template.free_from)
    return free_from is not None and goods_value >= free_from


def additional_steps(template, weight_grams: int) -> int:
    """Started steps beyond the first weight: 0 up to and at the first weight, 1 up to and at one
    step more, and so on."""
    beyond = weight_grams - template.first_weight_grams
    if beyond <= 0:
        return 0
    return -(-beyond // template.additional_step_grams)  # ceiling division on integers


def weight_fee(template, weight_grams: int, province: str | None = None) -> Decimal:
    """The fee by weight alone (the threshold not considered), for `province`."""
    region = region_for(template, province)
    fees = region or template
    fee = _amount(fees.first_fee) + additional_steps(template, weight_grams) * _amount(fees.additional_fee)
    return fee.quantize(FEN, rounding=ROUND_HALF_UP)


def shipping_fee(template, *, weight_grams: int, goods_value: Decimal, province: str | None) -> Decimal:
    """The fee of one order: `weight_grams` is the sum of its lines' variant weight times quantity."""
    if is_free(template, goods_value):
        return ZERO
    return weight_fee(template, weight_grams, province)


@dataclass(frozen=True)
class FeeQuote:
    """What the product page says: the fee for one unit to `province` (None: the base fee, named as
    such), and the threshold from which the store ships free."""

    fee: Decimal
    province: str | None
    free_from: Decimal | None
    free: bool

    @property
    def is_base(self) -> bool:
        return self.province is None


def quote(template, *, weight_grams: int, goods_value: Decimal, province: str | None) -> FeeQuote:
    free_from = _amount(template.free_from)
    free = is_free(template, goods_value)
    fee = ZERO if free else weight_fee(template, weight_grams, province)
    return FeeQuote(fee=fee, province=province_canonical(province), free_from=free_from, free=free)
