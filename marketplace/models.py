"""Platform core: users and roles (and their API tokens), and the catalog (categories, brands, tax
categories, products, variants, images, exchange rates)."""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from djmoney.models.fields import MoneyField
from knox.models import AbstractAuthToken

from . import identifiers, limits
from .i18n import LocalizedFieldsMixin


class User(AbstractUser):
    """Every account. `role` is what the account is for; a merchant user's store is its
    `merchant_membership`; platform staff also have `is_staff` to reach the staff console."""

    class Role(models.TextChoices):
        CONSUMER = "consumer", _("Consumer")
        MERCHANT = "merchant", _("Merchant staff")
        STAFF = "staff", _("Platform staff")

    email = models.EmailField(_("email address"), unique=True)
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.CONSUMER)
    # The language of the emails the person receives: the one they last chose on the site (set at
    # sign-up and when they switch), Chinese until then.
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    @property
    def merchant(self):
        membership = getattr(self, "merchant_membership", None)
        return membership.merchant if membership else None


class ApiToken(AbstractAuthToken):
    """A token an API client (a mobile app, a merchant's ERP) sends as `Authorization: Token <token>`.

    django-rest-knox stores only the token's SHA-512 `digest` and its first 15 characters (`token_key`,
    to find it); the token itself is shown once, when it is issued. `token_key` is also the id the
    owner sees and revokes it by. `expiry` is fixed at issue (settings.API_TOKEN_TTL_DAYS)."""

    name = models.CharField(_("client"), max_length=100, blank=True, help_text=_("What the token is for."))
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]

    def __str__(self):
        return f"{self.token_key[:8]}… ({self.user})"


class Category(LocalizedFieldsMixin, models.Model):
    """A node of the category tree (top level and sub-categories)."""

    localized_fields = ("name",)

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    slug = models.SlugField(max_length=80, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    position = models.PositiveSmallIntegerField(default=0)
    # The HS heading customs declarations give this kind of goods ("3304.99"); blank: the parent's
    # (`logistics.services.customs.hs_code_for`).
    hs_code = models.CharField(_("HS code"), max_length=12, blank=True)
    # The platform's commission on goods sold in this category (2% to 5%, set by staff); blank: the
    # parent's (`payments.services.release.category_commission_rate`).
    commission_rate = models.DecimalField(
        _("commission rate"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("0.02 to 0.05; blank takes the parent category's rate."),
    )
    # A special category's merchants pay the higher security deposit (docs/rules.md, "Security deposit
    # and the merchant's finance pages").
    special_deposit = models.BooleanField(_("higher security deposit"), default=False)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(commission_rate__isnull=True)
                | models.Q(commission_rate__gte="0.02", commission_rate__lte="0.05"),
                name="category_commission_rate_2_to_5_percent",
            )
        ]

    def __str__(self):
        return self.name_en or self.name_zh

    def get_absolute_url(self):
        return reverse("category", args=[self.slug])


class Brand(LocalizedFieldsMixin, models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    localized_fields = ("description",)

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=100, help_text=_("As registered, usually in Latin script."))
    name_zh = models.CharField(_("Chinese name"), max_length=100, blank=True)
    country = CountryField(_("country"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="brands/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("brand")
        verbose_name_plural = _("brands")
        ordering = ["name"]
        indexes = [models.Index(fields=["status", "country"])]
        constraints = [
            models.CheckConstraint(
                condition=identifiers.country_check(identifiers.COUNTRY_DB_REGEX), name="brand_country_code"
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # An unknown or over-long code is a clear InvalidIdentifier (400), never a database error.
        self.country = identifiers.country_code(self.country)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("brand", args=[self.slug])

    @property
    def display_name(self) -> str:
        from .i18n import content_language

        if content_language() == "zh" and self.name_zh:
            return f"{self.name_zh} {self.name}"
        return self.name


class TaxCategory(LocalizedFieldsMixin, models.Model):
    """How cross-border retail import tax applies to a kind of goods.

    Tariff is 0%; VAT and consumption tax are charged at 70% of the statutory amount. Consumption tax
    is levied on a price that includes it, so its statutory amount is price x ct / (1 - ct), and VAT
    is levied on price plus consumption tax.
    """

    localized_fields = ("name",)
    REDUCTION = Decimal("0.7")

    code = models.SlugField(max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    vat_rate = models.DecimalField(
        _("VAT rate"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0.13"),
        validators=limits.vat_rate_validators,
    )
    consumption_tax_rate = models.DecimalField(
        _("consumption tax rate"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0"),
        validators=limits.consumption_tax_rate_validators,
    )
    permitted = models.BooleanField(
        _("on the positive list"), default=True, help_text=_("May be sold as a cross-border retail import.")
    )

    class Meta:
        verbose_name = _("tax category")
        verbose_name_plural = _("tax categories")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(vat_rate__gte=0, vat_rate__lte=limits.VAT_RATE_MAX),
                name="tax_category_vat_rate_fraction",
                violation_error_message=_("A VAT rate is a fraction from 0 to 0.5 (0.13 for 13%%)."),
            ),
            models.CheckConstraint(
                condition=models.Q(
                    consumption_tax_rate__gte=0, consumption_tax_rate__lte=limits.CONSUMPTION_TAX_RATE_MAX
                ),
                name="tax_category_consumption_tax_rate_fraction",
                violation_error_message=_(
                    "A consumption tax rate is a fraction from 0 to 0.9 (0.15 for 15%%)."
                ),
            ),
        ]

    def __str__(self):
        return self.name_en

    @property
    def effective_rate(self) -> Decimal:
        """Tax as a fraction of the goods price (0.091 for general goods), unrounded."""
        ct = self.consumption_tax_rate
        ct_amount = ct / (1 - ct)
        return (ct_amount + (1 + ct_amount) * self.vat_rate) * self.REDUCTION


class ExchangeRate(models.Model):
    """CNY paid for one unit of a settlement currency. Staff edit it; checkout locks it on the order."""

    currency = models.CharField(
        _("currency"), max_length=3, unique=True, choices=[(c, c) for c in settings.SETTLEMENT_CURRENCIES]
    )
    rate = models.DecimalField(
        _("CNY per unit"),
        max_digits=18,
        decimal_places=8,
        validators=limits.rate_validators,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rate__gt=0, rate__lte=limits.RATE_MAX),
                name="exchange_rate_rate_positive_bounded",
                violation_error_message=_(
                    "An exchange rate must be above zero and at most 1,000 CNY per unit."
                ),
            ),
        ]

    def __str__(self):
        return f"1 {self.currency} = {self.rate} CNY"


class ExchangeRateChange(models.Model):
    """The event record of every rate change: who set which rate, when, from where."""

    currency = models.CharField(max_length=3)
    old_rate = models.DecimalField(max_digits=18, decimal_places=8, null=True)
    new_rate = models.DecimalField(max_digits=18, decimal_places=8)
    source = models.CharField(max_length=200, blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(new_rate__gt=0)
                & (models.Q(old_rate__isnull=True) | models.Q(old_rate__gt=0)),
                name="exchange_rate_change_rates_positive",
            ),
        ]

    def __str__(self):
        return f"{self.currency}: {self.old_rate} -> {self.new_rate}"


class Product(LocalizedFieldsMixin, models.Model):
    class ShippingMode(models.TextChoices):
        DIRECT_MAIL = "direct_mail", _("Direct mail from overseas")
        BONDED = "bonded", _("Bonded warehouse in China")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        HIDDEN = "hidden", _("Hidden")

    CUSTOMS_MODES = {ShippingMode.DIRECT_MAIL: "9610", ShippingMode.BONDED: "1210"}
    localized_fields = ("name", "description")

    merchant = models.ForeignKey("merchants.Merchant", on_delete=models.PROTECT, related_name="products")
    brand = models.ForeignKey(Brand, on_delete=models.PROTECT, related_name="products")
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="products")
    tax_category = models.ForeignKey(TaxCategory, on_delete=models.PROTECT, related_name="products")
    origin_country = CountryField(_("country of origin"))
    shipping_mode = models.CharField(_("shipping mode"), max_length=16, choices=ShippingMode.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    is_featured = models.BooleanField(_("featured on the home page"), default=False)
    # Listing price: the cheapest active variant, in the merchant's currency and in CNY at the current
    # rate. Derived, stored so that a 100,000-product catalogue sorts and filters by price on an index;
    # `services.product_refresh_listing_price` and `exchange_rate_set` keep it current.
    price = MoneyField(_("from price"), max_digits=14, decimal_places=2, null=True, blank=True)
    price_cny = models.DecimalField(_("from price (CNY)"), max_digits=14, decimal_places=2, null=True)
    sales_count = models.PositiveIntegerField(_("units sold"), default=0)
    # Kept by the review services (`orders.reviews.services`) for listings sorted by rating.
    rating_average = models.DecimalField(
        _("average rating"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    rating_count = models.PositiveIntegerField(_("reviews"), default=0)
    # A default rather than auto_now_add, so imports and the demo catalogue can keep a listing's date.
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-created_at"]),
            models.Index(fields=["status", "price_cny"]),
            models.Index(fields=["status", "-sales_count"]),
            models.Index(fields=["status", "origin_country"]),
            models.Index(fields=["status", "is_featured"]),
        ]
        # The listing price is derived from variants (whose own constraints bound them); a listing price
        # in CNY may round to 0.00 for a tiny price in a weak currency, which checkout then refuses.
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__isnull=True) | models.Q(price__gt=0, price__lte=limits.PRICE_MAX),
                name="product_listing_price_positive_bounded",
            ),
            models.CheckConstraint(
                condition=models.Q(price_cny__isnull=True) | models.Q(price_cny__gte=0),
                name="product_listing_price_cny_not_negative",
            ),
        ]

    def __str__(self):
        return self.name_en or self.name_zh

    def get_absolute_url(self):
        return reverse("product", args=[self.pk])

    @property
    def customs_mode(self) -> str:
        return self.CUSTOMS_MODES[self.shipping_mode]

    @property
    def is_visible(self) -> bool:
        return self.status == self.Status.PUBLISHED


class ProductVariant(LocalizedFieldsMixin, models.Model):
    """A buyable version of a product (size, colour, pack...), with its own price and stock."""

    localized_fields = ("name",)

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    name_zh = models.CharField(_("option (Chinese)"), max_length=120, blank=True)
    name_en = models.CharField(_("option (English)"), max_length=120, blank=True)
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    price = MoneyField(_("price"), max_digits=14, decimal_places=2, validators=limits.money_price_validators)
    stock = models.PositiveIntegerField(_("stock"), default=0, validators=limits.stock_validators)
    weight_grams = models.PositiveIntegerField(
        _("weight (g)"), default=500, validators=limits.weight_validators
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price__gt=0, price__lte=limits.PRICE_MAX),
                name="variant_price_positive_bounded",
                violation_error_message=_("The price must be more than zero and at most 10,000,000."),
            ),
            models.CheckConstraint(
                condition=models.Q(stock__gte=0, stock__lte=limits.STOCK_MAX),
                name="variant_stock_bounded",
                violation_error_message=_("Stock must be from 0 to 1,000,000 units."),
            ),
            models.CheckConstraint(
                condition=models.Q(
                    weight_grams__gte=limits.WEIGHT_MIN_GRAMS, weight_grams__lte=limits.WEIGHT_MAX_GRAMS
                ),
                name="variant_weight_bounded",
                violation_error_message=_("The weight must be from 1 gram to 100 kg."),
            ),
            # SKUs are unique in their canonical form (`identifiers.sku`, applied by `save()`).
            models.CheckConstraint(
                condition=models.Q(sku__regex=identifiers.SKU_DB_REGEX), name="variant_sku_canonical"
            ),
        ]

    def __str__(self):
        return f"{self.sku} {self.name_en or self.name_zh}"

    def save(self, *args, **kwargs):
        self.sku = identifiers.sku(self.sku)
        super().save(*args, **kwargs)


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to="products/")
    alt = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.image.name


class PageVersion(models.Model):
    """The catalogue's change counter for the anonymous page cache (`page_cache.py`): database
    triggers add one to a row on every write to what storefront pages show. The version is the sum
    of the rows; a writing transaction takes the row of its transaction id modulo 64, so concurrent
    writers rarely wait on each other."""

    slot = models.PositiveSmallIntegerField(primary_key=True)
    changes = models.BigIntegerField(default=0)

    def __str__(self):
        return f"slot {self.slot}: {self.changes}"


SYNONYM_TERM_MAX_LENGTH = 50


def synonym_terms_split(text: str) -> list[str]:
    """The terms of a synonym group as staff type them: separated by commas (Latin or Chinese) or new
    lines, trimmed, inner spaces collapsed, duplicates (in any case) dropped, in the order typed."""
    terms: list[str] = []
    seen: set[str] = set()
    for raw in text.replace("，", ",").replace("、", ",").replace("\n", ",").split(","):
        term = " ".join(raw.split())
        if term and term.casefold() not in seen:
            seen.add(term.casefold())
            terms.append(term)
    return terms


class SearchSynonym(models.Model):
    """One group of words a shopper may type for the same thing, in either language ("sunscreen,
    sunblock, SPF, 防晒, 防晒霜"): a search for any of them finds products named with any other. Staff
    keep the groups in the console; a data migration seeds the common ones."""

    terms = models.TextField(
        _("terms"),
        help_text=_(
            "Words or phrases that mean the same to a shopper, separated by commas, in English and Chinese, "
            "for example: sunscreen, sunblock, SPF, 防晒, 防晒霜. A search for any of them finds products "
            "whose name contains any of them."
        ),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("search synonym group")
        verbose_name_plural = _("search synonyms")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(terms=""), name="searchsynonym_terms_not_empty"),
        ]

    def __str__(self):
        return self.terms

    def save(self, *args, **kwargs):
        self.terms = ", ".join(synonym_terms_split(self.terms or ""))
        super().save(*args, **kwargs)

    @property
    def term_list(self) -> list[str]:
        return synonym_terms_split(self.terms)

    def clean(self):
        from django.core.exceptions import ValidationError

        terms = synonym_terms_split(self.terms or "")
        if len(terms) < 2:
            raise ValidationError(
                {"terms": _("Give at least two terms that mean the same, separated by commas.")}
            )
        too_long = [term for term in terms if len(term) > SYNONYM_TERM_MAX_LENGTH]
        if too_long:
            raise ValidationError(
                {
                    "terms": _("A term may have at most %(max)s characters: %(terms)s")
                    % {"max": SYNONYM_TERM_MAX_LENGTH, "terms": ", ".join(too_long)}
                }
            )


# The notification centre's model belongs to this app (platform core: users).
from .notifications.models import Notification  # noqa: E402, F401
