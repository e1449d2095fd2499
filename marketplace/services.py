"""Writes and business rules of the platform core. Every function runs in one transaction and leaves
an event record where the change matters to money (exchange rates)."""

import secrets
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Min, ProtectedError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from djmoney.money import Money
from PIL import Image, UnidentifiedImageError

from merchants.models import Merchant
from merchants.selectors import merchant_may_sell_brand

from . import identifiers, limits, selectors
from .errors import (
    DomainError,
    InvalidExchangeRate,
    InvalidIdentifier,
    InvalidProductImage,
    InvalidVariant,
    ProductNotAllowed,
    ProductNotOwned,
    StoreNotApproved,
    UnknownCurrency,
)
from .models import Brand, ExchangeRate, ExchangeRateChange, Product, ProductImage, ProductVariant
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
    if rate > limits.RATE_MAX:
        raise InvalidExchangeRate(
            _("An exchange rate may be at most %(max)s CNY per unit.") % {"max": f"{limits.RATE_MAX:,}"}
        )
    if rate != rate.quantize(limits.RATE_MIN):
        raise InvalidExchangeRate(_("An exchange rate has at most eight decimal places."))
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
    if not merchant_may_sell_brand(merchant, brand):
        raise ProductNotAllowed(_("the store holds no authorization in force for this brand"))
    if publish and merchant.status == Merchant.Status.APPROVED and merchant.awaiting_deposit:
        raise ProductNotAllowed(_("the store opens once its security deposit is paid (Finance)"))
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
    approved brand, a category on the positive list and at least one variant. An applicant's store
    (not approved yet) lists nothing, and a blacklisted store nothing more; a suspended store may
    prepare drafts.
    """
    if merchant.status == Merchant.Status.PENDING:
        raise StoreNotApproved()
    if merchant.status == Merchant.Status.BLACKLISTED:
        raise ProductNotAllowed(_("the store is blacklisted"))
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
    if not all(str(spec.get("sku") or "").strip() for spec in variants):
        raise InvalidVariant(_("a SKU is required"))
    skus = [canonical_sku(spec["sku"]) for spec in variants]
    repeated = next((sku for sku in skus if skus.count(sku) > 1), None)
    taken = repeated or ProductVariant.objects.filter(sku__in=skus).values_list("sku", flat=True).first()
    if taken:
        raise InvalidVariant(_("SKU %(sku)s is already used by another product") % {"sku": taken})
    variants = [_variant_numbers_checked(dict(spec), merchant) for spec in variants]
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
        ProductVariant.objects.create(
            product=product,
            price=spec.pop("price"),
            price_currency=merchant.settlement_currency,
            position=spec.pop("position", position),
            **spec,
        )
    products_refresh_listing_prices(product_ids=[product.pk])
    product.refresh_from_db()
    return product


# --- A merchant's own products: edit, publish, variants, images ---------------------------------------
# Every function takes the acting merchant and refuses another store's product (`ProductNotOwned`,
# a 404 for pages and the API), runs in one transaction with the product row locked, and refreshes the
# listing price whenever a price or the set of active variants changes.

PRODUCT_UPDATABLE_FIELDS = frozenset(
    {
        "brand",
        "category",
        "tax_category",
        "origin_country",
        "shipping_mode",
        "name_zh",
        "name_en",
        "description_zh",
        "description_en",
    }
)
VARIANT_FIELDS = (
    "name_zh",
    "name_en",
    "price",
    "stock",
    "weight_grams",
    "is_active",
    "attributes",
    "position",
)
PRODUCT_IMAGE_MAX_BYTES = getattr(settings, "PRODUCT_IMAGE_MAX_BYTES", 5 * 1024 * 1024)
PRODUCT_IMAGE_FORMATS = {"JPEG": ".jpg", "PNG": ".png"}


def _product_locked(product: Product, actor_merchant) -> Product:
    if actor_merchant is None or product.merchant_id != actor_merchant.pk:
        raise ProductNotOwned()
    return (
        Product.objects.select_for_update(of=("self",))
        .select_related("merchant", "brand", "tax_category")
        .get(pk=product.pk)
    )


@transaction.atomic
def product_update(*, product: Product, actor_merchant, **fields) -> Product:
    """Change a product's description fields (not its status: see `product_publish`). The listing rules
    hold after the change, so a brand can only be swapped for another the store may sell."""
    unknown = set(fields) - PRODUCT_UPDATABLE_FIELDS
    if unknown:
        raise TypeError(f"product_update() cannot change {sorted(unknown)}")
    product = _product_locked(product, actor_merchant)
    for name, value in fields.items():
        setattr(product, name, value)
    if not (product.name_zh or product.name_en):
        raise ProductNotAllowed(_("a name in Chinese or English is required"))
    # Whether the store is open is checked when publishing; a suspended store may still tidy its listings.
    product_check_listable(
        merchant=product.merchant, brand=product.brand, tax_category=product.tax_category, publish=False
    )
    product.save()
    return product


@transaction.atomic
def product_publish(*, product: Product, actor_merchant) -> Product:
    """Put a product on sale. Re-checks every listing rule: an open (approved) store, an approved brand
    with an authorization in force, goods on the positive list, and at least one active variant."""
    product = _product_locked(product, actor_merchant)
    product_check_listable(
        merchant=product.merchant,
        brand=product.brand,
        tax_category=product.tax_category,
        publish=True,
        variant_currencies=product.variants.filter(is_active=True).values_list("price_currency", flat=True),
    )
    if not product.variants.filter(is_active=True).exists():
        raise ProductNotAllowed(_("a product needs at least one active variant to be published"))
    if product.status != Product.Status.PUBLISHED:
        product.status = Product.Status.PUBLISHED
        product.save(update_fields=["status", "updated_at"])
    products_refresh_listing_prices(product_ids=[product.pk])
    product.refresh_from_db()
    return product


@transaction.atomic
def product_unpublish(*, product: Product, actor_merchant) -> Product:
    """Take a product off sale (it becomes hidden; the merchant can publish it again)."""
    product = _product_locked(product, actor_merchant)
    if product.status == Product.Status.PUBLISHED:
        product.status = Product.Status.HIDDEN
        product.save(update_fields=["status", "updated_at"])
    return product


def _variant_price(price, merchant) -> Decimal:
    currency = getattr(price, "currency", None)
    if currency is not None and str(currency) != merchant.settlement_currency:
        raise ProductNotAllowed(_("prices must be in the merchant's settlement currency"))
    try:
        amount = Decimal(str(getattr(price, "amount", price)))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise InvalidVariant(_("the price is not a number")) from exc
    if not amount.is_finite() or amount <= 0:
        raise InvalidVariant(_("the price must be more than zero"))
    if amount > limits.PRICE_MAX:
        raise InvalidVariant(_("the price may be at most %(max)s") % {"max": f"{limits.PRICE_MAX:,}"})
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidVariant(_("the price may have at most two decimal places"))
    return amount


def _whole_number(value, message) -> int:
    if isinstance(value, bool):
        raise InvalidVariant(message)
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise InvalidVariant(message) from exc
    if not number.is_finite() or number != number.to_integral_value():
        raise InvalidVariant(message)
    return int(number)


def _variant_numbers_checked(fields: dict, merchant) -> dict:
    """`fields` with price, stock and weight checked against the bounds of `marketplace.limits` (the
    database refuses anything outside them too). Whoever calls (form, API, import, staff) gets the same
    clear refusal instead of a database error."""
    if "price" in fields:
        fields["price"] = _variant_price(fields["price"], merchant)
    if fields.get("stock") is not None:
        stock = _whole_number(fields["stock"], _("the stock must be a whole number"))
        if stock < 0:
            raise InvalidVariant(_("the stock cannot be negative"))
        if stock > limits.STOCK_MAX:
            raise InvalidVariant(
                _("the stock may be at most %(max)s units") % {"max": f"{limits.STOCK_MAX:,}"}
            )
        fields["stock"] = stock
    if fields.get("weight_grams") is not None:
        weight = _whole_number(fields["weight_grams"], _("the weight must be a whole number of grams"))
        if weight < limits.WEIGHT_MIN_GRAMS:
            raise InvalidVariant(_("the weight must be more than zero grams"))
        if weight > limits.WEIGHT_MAX_GRAMS:
            raise InvalidVariant(
                _("the weight may be at most %(max)s grams") % {"max": f"{limits.WEIGHT_MAX_GRAMS:,}"}
            )
        fields["weight_grams"] = weight
    return fields


def canonical_sku(value) -> str:
    """The SKU in its canonical form (`marketplace.identifiers.sku`), or `InvalidVariant` saying why:
    uniqueness applies to this form, so "serum-30ml", "ＳＥＲＵＭ-30ML" and "SERUM-30ML" are one SKU."""
    try:
        return identifiers.sku(value)
    except InvalidIdentifier as exc:
        raise InvalidVariant(_("the SKU is not valid: %(reason)s") % {"reason": exc.reason}) from exc


@transaction.atomic
def variant_save(
    *, product: Product, actor_merchant, sku: str, variant: ProductVariant | None = None, **fields
) -> ProductVariant:
    """Create a variant (no `variant`) or change one. The SKU is unique across the platform; the price is
    in the merchant's settlement currency and above zero; stock is zero or more. A published product
    keeps at least one active variant."""
    unknown = set(fields) - set(VARIANT_FIELDS)
    if unknown:
        raise TypeError(f"variant_save() cannot set {sorted(unknown)}")
    product = _product_locked(product, actor_merchant)
    if variant is not None and variant.product_id != product.pk:
        raise ProductNotOwned()
    if not (sku or "").strip():
        raise InvalidVariant(_("a SKU is required"))
    sku = canonical_sku(sku)
    taken = ProductVariant.objects.filter(sku=sku).exclude(pk=getattr(variant, "pk", None)).first()
    if taken is not None:
        if taken.product_id == product.pk:
            raise InvalidVariant(_("another variant of this product already uses SKU %(sku)s") % {"sku": sku})
        raise InvalidVariant(_("SKU %(sku)s is already used by another product") % {"sku": sku})
    fields = _variant_numbers_checked(fields, product.merchant)
    if variant is None:
        if "price" not in fields:
            raise InvalidVariant(_("a price is required"))
        variant = ProductVariant(product=product, sku=sku)
        if "position" not in fields:
            last = product.variants.aggregate(last=Max("position"))["last"]
            variant.position = 0 if last is None else last + 1
    else:
        variant = ProductVariant.objects.select_for_update().get(pk=variant.pk)
        variant.sku = sku
    if "price" in fields:
        variant.price = Money(fields.pop("price"), product.merchant.settlement_currency)
    for name, value in fields.items():
        if value is not None:
            setattr(variant, name, value)
    variant.save()
    _product_keeps_an_active_variant(product)
    products_refresh_listing_prices(product_ids=[product.pk])
    return variant


def _product_keeps_an_active_variant(product: Product) -> None:
    if product.status == Product.Status.PUBLISHED and not product.variants.filter(is_active=True).exists():
        raise InvalidVariant(
            _("a published product needs at least one active variant; unpublish the product first")
        )


@transaction.atomic
def variant_delete(*, variant: ProductVariant, actor_merchant) -> bool:
    """Delete a variant, or deactivate it when orders refer to it (history keeps it). Returns True when
    the variant was deleted, False when it was only deactivated."""
    product = _product_locked(variant.product, actor_merchant)
    if product.variants.count() <= 1:
        raise InvalidVariant(_("a product keeps at least one variant; deactivate it instead"))
    deleted = True
    try:
        with transaction.atomic():
            ProductVariant.objects.filter(pk=variant.pk).delete()
    except ProtectedError:
        ProductVariant.objects.filter(pk=variant.pk).update(is_active=False)
        deleted = False
    _product_keeps_an_active_variant(product)
    products_refresh_listing_prices(product_ids=[product.pk])
    return deleted


def product_image_check(uploaded) -> str:
    """The file extension for a real JPEG or PNG of at most 5 MB, checked by content with Pillow."""
    size = uploaded.size
    if not size:
        raise InvalidProductImage(_("the file is empty"))
    if size > PRODUCT_IMAGE_MAX_BYTES:
        raise InvalidProductImage(
            _("it is %(size)s, and images may be at most %(limit)s")
            % {"size": filesizeformat(size), "limit": filesizeformat(PRODUCT_IMAGE_MAX_BYTES)}
        )
    try:
        uploaded.seek(0)
        with Image.open(uploaded) as image:
            kind = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise InvalidProductImage(_("only JPEG and PNG images are accepted")) from exc
    finally:
        uploaded.seek(0)
    if kind not in PRODUCT_IMAGE_FORMATS:
        raise InvalidProductImage(_("only JPEG and PNG images are accepted"))
    return PRODUCT_IMAGE_FORMATS[kind]


@transaction.atomic
def product_image_add(*, product: Product, actor_merchant, uploaded_file, alt: str = "") -> ProductImage:
    """Add an image at the end of the product's gallery (public media, under `products/`)."""
    product = _product_locked(product, actor_merchant)
    suffix = product_image_check(uploaded_file)
    last = product.images.aggregate(last=Max("position"))["last"]
    image = ProductImage(product=product, alt=alt[:200], position=0 if last is None else last + 1)
    image.image.save(f"{product.pk}-{secrets.token_hex(8)}{suffix}", uploaded_file, save=False)
    image.save()
    return image


@transaction.atomic
def product_image_delete(*, image: ProductImage, actor_merchant) -> None:
    _product_locked(image.product, actor_merchant)
    name, storage = image.image.name, image.image.storage
    image.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def product_images_reorder(*, product: Product, actor_merchant, image_ids: list[int]) -> None:
    """Put the gallery in the given order (the first image is the cover); unknown ids are ignored and
    images not named keep their relative order after the named ones."""
    product = _product_locked(product, actor_merchant)
    images = {image.pk: image for image in product.images.all()}
    ordered = [images[pk] for pk in dict.fromkeys(image_ids) if pk in images]
    ordered += [image for pk, image in images.items() if image not in ordered]
    for position, image in enumerate(ordered):
        image.position = position
    ProductImage.objects.bulk_update(ordered, ["position"])


@transaction.atomic
def product_update_with_variants(
    *, product: Product, actor_merchant, fields: dict, variants: list[tuple[int | None, dict]]
) -> Product:
    """Change a product and some of its variants together, all or nothing (the API's update). Each
    variant is named by id, or by a SKU the product already has; any other is added."""
    if fields:
        product = product_update(product=product, actor_merchant=actor_merchant, **fields)
    else:
        product = _product_locked(product, actor_merchant)
    own = {variant.pk: variant for variant in product.variants.all()}
    by_sku = {variant.sku: variant for variant in own.values()}
    for variant_id, spec in variants:
        spec = dict(spec)
        if variant_id is not None and variant_id not in own:
            raise InvalidVariant(_("this product has no variant %(id)s") % {"id": variant_id})
        variant = own.get(variant_id) or by_sku.get(canonical_sku(spec["sku"]) if spec.get("sku") else None)
        sku = spec.pop("sku", None) or (variant.sku if variant else "")
        variant_save(product=product, actor_merchant=actor_merchant, variant=variant, sku=sku, **spec)
    return product


@transaction.atomic
def product_variants_save(*, product: Product, actor_merchant, changes: list[dict]) -> None:
    """Save several variants of a product together, all or nothing (the edit page's variants table).

    Each change is `{"variant": existing or None, "delete": bool, "sku": ..., **fields}`. Additions and
    active variants are saved first, then deactivations and deletions, so swapping one variant for another
    in one go never leaves a published product without an active variant in between. A refusal carries
    the position of the change that caused it as `exc.change_index`."""
    order = sorted(
        range(len(changes)),
        key=lambda i: (bool(changes[i].get("delete")), changes[i].get("is_active", True) is False),
    )
    for index in order:
        change = dict(changes[index])
        variant, delete = change.pop("variant", None), change.pop("delete", False)
        try:
            if delete:
                if variant is not None:
                    variant_delete(variant=variant, actor_merchant=actor_merchant)
            else:
                variant_save(product=product, actor_merchant=actor_merchant, variant=variant, **change)
        except DomainError as exc:
            exc.change_index = index
            raise
