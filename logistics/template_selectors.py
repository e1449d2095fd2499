"""Reads of shipping templates: for pricing a cart (all its groups in one query), for the product page
(cached per catalogue version) and for the seller's own pages."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q

from marketplace import selectors as catalog

from .models import ShippingTemplate, ShippingTemplateRegion


def _regions():
    return Prefetch("regions", queryset=ShippingTemplateRegion.objects.order_by("position", "id"))


def templates_for(keys, *, with_regions: bool = True) -> dict[tuple, ShippingTemplate]:
    """The templates of `keys` ((merchant id, shipping mode) pairs) by key: one query, plus one for
    their regions when `with_regions` and a template exists. Pricing without a delivery province
    needs no regions (the base fees apply)."""
    keys = set(keys)
    if not keys:
        return {}
    condition = Q()
    for merchant_id, mode in keys:
        condition |= Q(merchant_id=merchant_id, shipping_mode=mode)
    queryset = ShippingTemplate.objects.filter(condition)
    if with_regions:
        queryset = queryset.prefetch_related(_regions())
    return {(t.merchant_id, t.shipping_mode): t for t in queryset}


@dataclass(frozen=True)
class RegionSnapshot:
    provinces: tuple
    first_fee: Decimal
    additional_fee: Decimal


@dataclass(frozen=True)
class TemplateSnapshot:
    """A template's fee terms as plain values (what the cache keeps; `shipping_fees` reads both)."""

    first_weight_grams: int
    first_fee: Decimal
    additional_step_grams: int
    additional_fee: Decimal
    free_from: Decimal | None
    regions: tuple

    @classmethod
    def of(cls, template: ShippingTemplate) -> "TemplateSnapshot":
        return cls(
            first_weight_grams=template.first_weight_grams,
            first_fee=template.first_fee.amount,
            additional_step_grams=template.additional_step_grams,
            additional_fee=template.additional_fee.amount,
            free_from=None if template.free_from is None else template.free_from.amount,
            regions=tuple(
                RegionSnapshot(tuple(r.provinces), r.first_fee.amount, r.additional_fee.amount)
                for r in template.regions.all()
            ),
        )


def template_for_product(product) -> TemplateSnapshot | None:
    """The fee terms the product ships under, with its regions, cached per catalogue version
    (template writes start a new one: triggers on PostgreSQL, signals elsewhere, see apps.py)."""
    key = (product.merchant_id, product.shipping_mode)

    def load():
        template = templates_for([key]).get(key)
        return TemplateSnapshot.of(template) if template is not None else "none"

    found = catalog._cached(f"shipping-template:{key[0]}:{key[1]}", None, load)
    return None if isinstance(found, str) else found


def merchant_templates(merchant) -> list[ShippingTemplate]:
    """The store's templates with their regions, direct mail first."""
    return list(
        ShippingTemplate.objects.filter(merchant=merchant)
        .prefetch_related(_regions())
        .order_by("shipping_mode")
    )


def merchant_template(merchant, template_id) -> ShippingTemplate | None:
    return (
        ShippingTemplate.objects.filter(merchant=merchant, pk=template_id)
        .prefetch_related(_regions())
        .first()
    )


def shopper_province(user) -> str | None:
    """The province of the signed-in shopper's most recent address, or None."""
    if user is None or not user.is_authenticated:
        return None
    from orders.models import Address

    return (
        Address.objects.filter(user=user)
        .order_by("-created_at", "-id")
        .values_list("province", flat=True)
        .first()
    )


def product_shipping_texts(product, variants, *, user) -> None:
    """Set `shipping_text` on each of the product page's variants (priced: `price_cny` set): the fee
    for one unit to the signed-in shopper's province (their most recent address), else the template's
    base fee named as such, or free shipping; and the threshold from which the store ships free. A
    store without a template shows the platform default (flat, the same everywhere)."""
    from orders import rules

    template = template_for_product(product)
    province = shopper_province(user) if template is not None else None
    for variant in variants:
        variant.shipping_text = _shipping_text(template, variant, province, rules)


def _shipping_text(template, variant, province, rules) -> str:
    from django.utils.translation import gettext as _

    from marketplace.money import format_cny

    from .provinces import province_canonical, province_label
    from .shipping_fees import quote

    if template is None:
        fee = rules.shipping_fee(variant.product.shipping_mode, variant.price_cny)
        if not fee:
            return _("Free shipping")
        return _("%(fee)s, free for orders from %(threshold)s") % {
            "fee": format_cny(fee),
            "threshold": format_cny(rules.FREE_SHIPPING_FROM),
        }
    found = quote(
        template, weight_grams=variant.weight_grams, goods_value=variant.price_cny, province=province
    )
    if found.free:
        return _("Free shipping")
    if found.province is not None:
        text = _("%(fee)s to %(province)s") % {
            "fee": format_cny(found.fee),
            "province": province_label(province_canonical(province)),
        }
    elif template.regions:
        text = _("%(fee)s (base fee; some remote regions cost more)") % {"fee": format_cny(found.fee)}
    else:
        text = _("%(fee)s (base fee)") % {"fee": format_cny(found.fee)}
    if found.free_from is not None:
        text = _("%(text)s, free for orders from %(threshold)s") % {
            "text": text,
            "threshold": format_cny(found.free_from),
        }
    return text
