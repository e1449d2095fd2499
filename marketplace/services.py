"""Writes and business rules of the platform core. Every function runs in one transaction and leaves
an event record where the change matters to money (exchange rates)."""

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Min
from djmoney.money import Money

from . import selectors
from .errors import InvalidExchangeRate, ProductNotAllowed
from .models import Brand, ExchangeRate, ExchangeRateChange, Product, ProductVariant
from .money import to_cny


@transaction.atomic
def exchange_rate_set(*, currency: str, rate, changed_by=None, source: str = "") -> ExchangeRate:
    """Set the CNY rate of a settlement currency and reprice that currency's listings."""
    try:
        rate = Decimal(str(rate))
    except (InvalidOperation, ValueError) as exc:
        raise InvalidExchangeRate() from exc
    if not rate.is_finite() or rate <= 0:
        raise InvalidExchangeRate()
    current = ExchangeRate.objects.select_for_update().filter(currency=currency).first()
    old_rate = current.rate if current else None
    if current is None:
        current = ExchangeRate.objects.create(currency=currency, rate=rate)
    elif current.rate != rate:
        current.rate = rate
        current.save(update_fields=["rate", "updated_at"])
    if old_rate != rate:
        ExchangeRateChange.objects.create(
            currency=currency, old_rate=old_rate, new_rate=rate, changed_by=changed_by, source=source
        )
        products_refresh_listing_prices(currency=currency)
        transaction.on_commit(selectors.exchange_rates_invalidate)
    return current


def products_refresh_listing_prices(*, currency: str | None = None, product_ids: Iterable[int] | None = None):
    """Recompute `Product.price` and `price_cny` from the cheapest active variant and current rates.

    Run after a rate or variant price changes; also scheduled hourly as a safety net.
    """
    products = Product.objects.all()
    if currency:
        products = products.filter(merchant__settlement_currency=currency)
    if product_ids is not None:
        products = products.filter(pk__in=list(product_ids))
    changed = []
    with transaction.atomic():
        # Lock first, then read variants and rates, so a price saved meanwhile is not overwritten.
        locked = list(products.only("id", "price", "price_currency", "price_cny").select_for_update())
        rates = selectors.exchange_rates(use_cache=False)
        # Variants are priced in the merchant's settlement currency (product_create enforces it).
        cheapest = {
            row["product_id"]: Money(row["cheapest"], row["price_currency"])
            for row in ProductVariant.objects.filter(product__in=products, is_active=True)
            .values("product_id", "price_currency")
            .annotate(cheapest=Min("price"))
        }
        for product in locked:
            new_price = cheapest.get(product.pk)
            new_cny = to_cny(new_price, rates) if new_price and str(new_price.currency) in rates else None
            if product.price != new_price or product.price_cny != new_cny:
                product.price, product.price_cny = new_price, new_cny
                changed.append(product)
        Product.objects.bulk_update(changed, ["price", "price_currency", "price_cny"], batch_size=1000)
    return len(changed)


@transaction.atomic
def product_create(
    *,
    merchant,
    brand: Brand,
    category,
    tax_category,
    origin_country: str,
    shipping_mode: str,
    name_zh: str = "",
    name_en: str = "",
    description_zh: str = "",
    description_en: str = "",
    variants: list[dict],
    publish: bool = False,
    is_featured: bool = False,
) -> Product:
    """List a product for a merchant with its variants (each: sku, name_zh/name_en, price, stock...).

    Prices are in the merchant's settlement currency. A published product needs an open store, an
    approved brand, a category on the positive list and at least one variant.
    """
    if not (name_zh or name_en):
        raise ProductNotAllowed("a name in Chinese or English is required")
    if not variants:
        raise ProductNotAllowed("at least one variant is required")
    if brand.status != Brand.Status.APPROVED:
        raise ProductNotAllowed("the brand is not approved")
    if publish and not merchant.is_open:
        raise ProductNotAllowed("the store is not open")
    if not tax_category.permitted:
        raise ProductNotAllowed("these goods are not on the cross-border import positive list")
    product = Product.objects.create(
        merchant=merchant,
        brand=brand,
        category=category,
        tax_category=tax_category,
        origin_country=origin_country,
        shipping_mode=shipping_mode,
        name_zh=name_zh,
        name_en=name_en,
        description_zh=description_zh,
        description_en=description_en,
        status=Product.Status.PUBLISHED if publish else Product.Status.DRAFT,
        is_featured=is_featured,
    )
    for position, spec in enumerate(variants):
        spec = dict(spec)
        price = spec.pop("price")
        if str(getattr(price, "currency", merchant.settlement_currency)) != merchant.settlement_currency:
            raise ProductNotAllowed("prices must be in the merchant's settlement currency")
        ProductVariant.objects.create(
            product=product,
            price=getattr(price, "amount", price),
            price_currency=merchant.settlement_currency,
            position=spec.pop("position", position),
            **spec,
        )
    products_refresh_listing_prices(product_ids=[product.pk])
    product.refresh_from_db()
    return product
