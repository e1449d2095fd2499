"""Platform core: users and roles, and the catalog (categories, brands, tax categories, products,
variants, images, exchange rates)."""

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from djmoney.models.fields import MoneyField

from . import identifiers
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

    @property
    def merchant(self):
        membership = getattr(self, "merchant_membership", None)
        return membership.merchant if membership else None


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

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "slug"]

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
    vat_rate = models.DecimalField(_("VAT rate"), max_digits=5, decimal_places=4, default=Decimal("0.13"))
    consumption_tax_rate = models.DecimalField(
        _("consumption tax rate"), max_digits=5, decimal_places=4, default=Decimal("0")
    )
    permitted = models.BooleanField(
        _("on the positive list"), default=True, help_text=_("May be sold as a cross-border retail import.")
    )

    class Meta:
        verbose_name = _("tax category")
        verbose_name_plural = _("tax categories")
        ordering = ["code"]

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
        validators=[MinValueValidator(Decimal("0.00000001"))],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency"]

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
    price = MoneyField(_("price"), max_digits=14, decimal_places=2)
    stock = models.PositiveIntegerField(_("stock"), default=0)
    weight_grams = models.PositiveIntegerField(_("weight (g)"), default=500)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ["position", "id"]
        constraints = [
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
