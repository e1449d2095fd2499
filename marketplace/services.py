"""Writes and business rules of the platform core. Every function runs in one transaction and leaves
an event record where the change matters to money (exchange rates)."""

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.utils.translation import gettext_lazy as _
from djmoney.money import Money

from . import selectors
from .errors import InvalidExchangeRate, ProductNotAllowed, UnknownCurrency
from .models import Brand, ExchangeRate, ExchangeRateChange, Product, ProductVariant
from .money import to_cny


@transaction.atomic
def exchange_rate_set(*, currency: str, rate, changed_by=None, source: str = "") -> ExchangeRate:
    """Set the CNY rate of a settlement currency and reprice that currency's listings (together, in
    one transaction, so no page ever pairs the new rate with old listing prices)."""
    if currency not in settings.SETTLEMENT_CURRENCIES:
        raise UnknownCurrency(currency)
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


REFRESH_BATCH = 1000


def products_refresh_listing_prices(*, currency: str | None = None, product_ids: Iterable[int] | None = None):
    """Recompute `Product.price` and `price_cny` from the cheapest active variant and current rates.

    Runs after a rate or a variant price changes, and hourly as a safety net. Works in batches of
    products in primary-key order, each in its own short transaction, so it never holds the whole
    catalogue locked. Returns the number of products whose listing price changed.
    """
    products = Product.objects.order_by("pk")
    if currency:
        products = products.filter(merchant__settlement_currency=currency)
    if product_ids is not None:
        products = products.filter(pk__in=list(product_ids))
    changed_count, after = 0, 0
    while True:
        with transaction.atomic():
            # Lock first, then read variants and rates, so a price saved meanwhile is not overwritten.
            batch = list(
                products.filter(pk__gt=after)
                .select_related("merchant")
                .only("id", "price", "price_currency", "price_cny", "merchant__settlement_currency")
                .select_for_update(of=("self",))[:REFRESH_BATCH]
            )
            if not batch:
                return changed_count
            after = batch[-1].pk
            rates = selectors.exchange_rates(use_cache=False)
            cheapest = dict(
                ProductVariant.objects.filter(product__in=[p.pk for p in batch], is_active=True)
                .values("product_id")
                .annotate(cheapest=Min("price"))
                .values_list("product_id", "cheapest")
            )
            changed = []
            for product in batch:
                # Variants are priced in the merchant's settlement currency (see product_check_listable).
                currency_code = product.merchant.settlement_currency
                amount = cheapest.get(product.pk)
                new_price = Money(amount, currency_code) if amount is not None else None
                new_cny = (
                    to_cny(new_price, rates) if new_price is not None and currency_code in rates else None
                )
                if product.price != new_price or product.price_cny != new_cny:
                    product.price, product.price_cny = new_price, new_cny
                    changed.append(product)
            Product.objects.bulk_update(changed, ["price", "price_currency", "price_cny"])
            changed_count += len(changed)
            if changed:
                selectors.catalog_changed()  # bulk_update sends no signal; price filters count anew


def product_check_listable(
    *, merchant, brand: Brand, tax_category, publish: bool, variant_currencies=()
) -> None:
    """The rules every listing obeys, whoever writes it (merchant, import, staff console)."""
    if brand.status != Brand.Status.APPROVED:
        raise ProductNotAllowed(_("the brand is not approved"))
    if publish and not merchant.is_open:
        raise ProductNotAllowed(_("the store is not open"))
    if not tax_category.permitted:
        raise ProductNotAllowed(_("these goods are not on the cross-border import positive list"))
    if any(str(currency) != merchant.settlement_currency for currency in variant_currencies):
        raise ProductNotAllowed(_("prices must be in the merchant's settlement currency"))


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
        raise ProductNotAllowed(_("a name in Chinese or English is required"))
    if not variants:
        raise ProductNotAllowed(_("at least one variant is required"))
    product_check_listable(
        merchant=merchant,
        brand=brand,
        tax_category=tax_category,
        publish=publish,
        variant_currencies=[getattr(v["price"], "currency", merchant.settlement_currency) for v in variants],
    )
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
