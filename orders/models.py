"""Cart, saved addresses and buyer identities, orders with their lines and their event timeline.

An order's status changes only through `services.order_transition`, which checks the move against
`Order.TRANSITIONS` and writes an `OrderEvent`.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField

from marketplace import identifiers, limits
from marketplace.i18n import localized_value
from marketplace.models import Product

from . import rules


class Cart(models.Model):
    """A shopper's cart. Before login it belongs to the session (the session keeps its id); at login
    it is merged into the account's cart (`services.cart_merge`)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="cart"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")

    def __str__(self):
        return f"cart {self.pk} ({self.user or 'anonymous'})"


class CartItem(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items")
    variant = models.ForeignKey("marketplace.ProductVariant", on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "variant"], name="cart_item_unique_variant"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1, quantity__lte=rules.MAX_QUANTITY_PER_LINE),
                name="cart_item_quantity_bounded",
            ),
        ]

    def __str__(self):
        return f"{self.quantity} x {self.variant_id}"


class Address(models.Model):
    """A saved delivery address in mainland China."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="addresses")
    recipient = models.CharField(_("recipient"), max_length=60)
    phone = models.CharField(_("mobile phone"), max_length=20)
    province = models.CharField(_("province"), max_length=40)
    city = models.CharField(_("city"), max_length=40)
    district = models.CharField(_("district"), max_length=40)
    street = models.CharField(_("street address"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.recipient} {self.one_line}"

    def save(self, *args, **kwargs):
        # Last line of defence: no path stores a look-alike (`marketplace.identifiers`).
        self.phone = identifiers.mainland_mobile(self.phone)
        super().save(*args, **kwargs)

    @property
    def one_line(self) -> str:
        return f"{self.province} {self.city} {self.district} {self.street}"

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class BuyerIdentity(models.Model):
    """The real name and resident ID number customs needs for every order. Shown masked after entry."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identities")
    real_name = models.CharField(_("real name"), max_length=60)
    id_number = models.CharField(_("resident ID number"), max_length=18)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("buyer identity")
        verbose_name_plural = _("buyer identities")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Unique by the canonical number (`save()` canonicalises; the check keeps it ASCII).
            models.UniqueConstraint(fields=["user", "id_number"], name="buyer_identity_unique_per_user"),
            models.CheckConstraint(
                condition=models.Q(id_number__regex=identifiers.RESIDENT_ID_DB_REGEX),
                name="buyer_identity_id_number_canonical",
            ),
        ]

    def __str__(self):
        return f"{self.real_name} {self.id_number_masked}"

    def save(self, *args, **kwargs):
        # The canonical number with its checksum and birth date checked, whatever path saves it:
        # a look-alike can never become a second identity with a fresh annual quota.
        from .rules import resident_id_validate

        self.id_number = resident_id_validate(self.id_number)
        super().save(*args, **kwargs)

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def real_name_masked(self) -> str:
        return mask_name(self.real_name)


def mask_id_number(number: str) -> str:
    """110105********123X: the region code and the last four characters, nothing of the birth date."""
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}" if len(number) > 10 else "*" * len(number)


def mask_name(name: str) -> str:
    return name[0] + "*" * (len(name) - 1) if name else ""


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 8 else phone


class Order(models.Model):
    """One merchant's goods in one shipping mode, from one checkout. Amounts are CNY, computed at
    checkout at the exchange rate locked on the order."""

    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", _("Awaiting payment")
        PAID = "paid", _("Paid, awaiting shipment")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")
        REFUNDED = "refunded", _("Refunded")

    # The one table of allowed moves. After-sales statuses join here with their issue.
    TRANSITIONS = {
        Status.PENDING_PAYMENT: {Status.PAID, Status.CANCELLED},
        Status.PAID: {Status.SHIPPED, Status.REFUNDED},
        # Shipped to refunded: only a parcel customs returned (`payments.services.order_refund` with
        # `parcel_returned`, called by `logistics.services.customs.customs_hold_resolve`).
        # Shipped to completed: the shopper confirms receipt before the carrier's delivery scan.
        Status.SHIPPED: {Status.DELIVERED, Status.REFUNDED, Status.COMPLETED},
        Status.DELIVERED: {Status.COMPLETED, Status.REFUNDED},
        # Completed to refunded: a refund after release (staff decision, blacklisting, after-sales),
        # paid from the merchant's balance and then its deposit (`payments.services.refunds`).
        Status.COMPLETED: {Status.REFUNDED},
        Status.CANCELLED: set(),
        Status.REFUNDED: set(),
    }
    # Statuses whose goods count against the buyer's annual quota (paid and not refunded).
    QUOTA_STATUSES = (Status.PAID, Status.SHIPPED, Status.DELIVERED, Status.COMPLETED)

    number = models.CharField(_("order number"), max_length=24, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    merchant = models.ForeignKey("merchants.Merchant", on_delete=models.PROTECT, related_name="orders")
    payment = models.ForeignKey(
        "payments.Payment", on_delete=models.PROTECT, related_name="orders", null=True, blank=True
    )
    shipping_mode = models.CharField(_("shipping mode"), max_length=16, choices=Product.ShippingMode.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING_PAYMENT, db_index=True
    )
    # Delivery address and buyer identity as they were at checkout.
    recipient = models.CharField(_("recipient"), max_length=60)
    phone = models.CharField(_("mobile phone"), max_length=20)
    address = models.CharField(_("address"), max_length=400)
    buyer_name = models.CharField(_("buyer's real name"), max_length=60)
    buyer_id_number = models.CharField(_("buyer's ID number"), max_length=18, db_index=True)
    # Money, CNY. `exchange_rate` is CNY per unit of the merchant's currency, locked at checkout.
    currency = models.CharField(_("merchant currency"), max_length=3)
    exchange_rate = models.DecimalField(_("exchange rate"), max_digits=18, decimal_places=8)
    goods_total = MoneyField(_("goods"), max_digits=14, decimal_places=2, default_currency="CNY")
    shipping_fee = MoneyField(_("shipping"), max_digits=14, decimal_places=2, default_currency="CNY")
    tax_total = MoneyField(_("cross-border tax"), max_digits=14, decimal_places=2, default_currency="CNY")
    total = MoneyField(_("total"), max_digits=14, decimal_places=2, default_currency="CNY")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    ship_by = models.DateTimeField(_("ship by"), null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    # When the carrier delivered: the automatic-confirmation clock of the escrow release starts here.
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Goods value (CNY) given back to the buyer's annual quota by after-sales refunds of goods returned
    # through customs within 30 days of clearance, or never received (`selectors.quota_used`).
    goods_returned = MoneyField(
        _("goods returned to the quota"), max_digits=14, decimal_places=2, default_currency="CNY", default=0
    )

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            models.Index(fields=["merchant", "status", "-created_at"]),
            models.Index(fields=["status", "created_at"]),
        ]
        # An order carries goods, so its goods and total are above zero (docs/rules.md, "Amounts and
        # their bounds").
        constraints = [
            models.CheckConstraint(condition=models.Q(goods_total__gt=0), name="order_goods_positive"),
            models.CheckConstraint(
                condition=models.Q(shipping_fee__gte=0), name="order_shipping_not_negative"
            ),
            models.CheckConstraint(condition=models.Q(tax_total__gte=0), name="order_tax_not_negative"),
            models.CheckConstraint(condition=models.Q(total__gt=0), name="order_total_positive"),
            models.CheckConstraint(
                condition=models.Q(goods_returned__gte=0, goods_returned__lte=models.F("goods_total")),
                name="order_goods_returned_bounded",
            ),
            models.CheckConstraint(
                condition=models.Q(exchange_rate__gt=0, exchange_rate__lte=limits.RATE_MAX),
                name="order_exchange_rate_positive_bounded",
            ),
            # The annual quota is counted by this column: only the canonical ASCII number.
            models.CheckConstraint(
                condition=models.Q(buyer_id_number__regex=identifiers.RESIDENT_ID_DB_REGEX),
                name="order_buyer_id_number_canonical",
            ),
        ]

    def __str__(self):
        return self.number

    def save(self, *args, **kwargs):
        self.buyer_id_number = identifiers.resident_id_number(self.buyer_id_number)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("orders:detail", args=[self.number])

    @classmethod
    def from_priced_group(cls, group, *, user, address, identity, rates, **fields) -> "Order":
        """The order for one priced group (`pricing.PricedGroup`: a store and shipping mode): the
        delivery address, the buyer's identity, the exchange rate and the amounts as of checkout.
        `fields` sets the rest (number, payment, status...)."""
        currency = group.merchant.settlement_currency
        return cls(
            user=user,
            merchant=group.merchant,
            shipping_mode=group.shipping_mode,
            recipient=address.recipient,
            phone=address.phone,
            address=address.one_line,
            buyer_name=identity.real_name,
            buyer_id_number=identity.id_number,
            currency=currency,
            exchange_rate=rates.get(currency, 1),
            goods_total=group.goods,
            shipping_fee=group.shipping,
            tax_total=group.tax,
            total=group.total,
            **fields,
        )

    @property
    def buyer_id_masked(self) -> str:
        return mask_id_number(self.buyer_id_number)

    @property
    def buyer_name_masked(self) -> str:
        return mask_name(self.buyer_name)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def escrow_amount(self):
        """What the platform holds for the merchant while the order is paid: goods plus shipping."""
        return self.goods_total + self.shipping_fee

    @property
    def can_cancel(self) -> bool:
        return self.status in (self.Status.PENDING_PAYMENT, self.Status.PAID)

    @property
    def can_confirm_receipt(self) -> bool:
        """The shopper may confirm receipt, and so release the payment to the store, once shipped."""
        return self.status in (self.Status.SHIPPED, self.Status.DELIVERED)

    @property
    def auto_release_at(self):
        """When the payment goes to the store by itself if the shopper does nothing (delivered orders
        only; `payments.services.release.escrow_auto_release_at`)."""
        if self.status != self.Status.DELIVERED:
            return None
        from payments.services.release import escrow_auto_release_at

        # A list's queryset prefetches the closed after-sales cases (`closed_cases`): no query per row.
        cases = getattr(self, "closed_cases", None)
        pairs = None if cases is None else [(case.created_at, case.closed_at) for case in cases]
        return escrow_auto_release_at(self, pairs)


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey("marketplace.ProductVariant", on_delete=models.PROTECT, related_name="+")
    # The names as they were at checkout, in both languages, so the order reads in the language of the
    # page (`shown_product_name`); `product_name`/`variant_name` are the names in the checkout's language.
    product_name = models.CharField(max_length=200)
    variant_name = models.CharField(max_length=120, blank=True)
    product_name_zh = models.CharField(max_length=200, blank=True)
    product_name_en = models.CharField(max_length=200, blank=True)
    variant_name_zh = models.CharField(max_length=120, blank=True)
    variant_name_en = models.CharField(max_length=120, blank=True)
    sku = models.CharField(max_length=64)
    quantity = models.PositiveIntegerField()
    unit_price = MoneyField(max_digits=14, decimal_places=2)  # in the merchant's currency
    unit_price_cny = MoneyField(max_digits=14, decimal_places=2, default_currency="CNY")
    tax_rate = models.DecimalField(max_digits=8, decimal_places=6)
    goods_cny = MoneyField(max_digits=14, decimal_places=2, default_currency="CNY")
    tax_cny = MoneyField(max_digits=14, decimal_places=2, default_currency="CNY")
    # Units refunded through after-sales cases: a later case may ask only for the rest, and the
    # commission at release is taken on the units kept.
    refunded_quantity = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(refunded_quantity__lte=models.F("quantity")),
                name="order_line_refunded_within_quantity",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1, quantity__lte=rules.MAX_QUANTITY_PER_LINE),
                name="order_line_quantity_bounded",
            ),
            models.CheckConstraint(
                condition=models.Q(unit_price__gt=0, unit_price__lte=limits.PRICE_MAX),
                name="order_line_unit_price_positive_bounded",
            ),
            models.CheckConstraint(
                condition=models.Q(unit_price_cny__gt=0), name="order_line_unit_price_cny_positive"
            ),
            models.CheckConstraint(condition=models.Q(goods_cny__gt=0), name="order_line_goods_positive"),
            models.CheckConstraint(condition=models.Q(tax_cny__gte=0), name="order_line_tax_not_negative"),
            models.CheckConstraint(
                condition=models.Q(tax_rate__gte=0), name="order_line_tax_rate_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.quantity} x {self.sku}"

    @property
    def shown_product_name(self) -> str:
        """The product's name in the page's language, else in the other one (docs/rules.md)."""
        return localized_value(self, "product_name") or self.product_name

    @property
    def shown_variant_name(self) -> str:
        return localized_value(self, "variant_name") or self.variant_name

    @classmethod
    def from_priced(cls, order, line) -> "OrderLine":
        """The order's copy of a priced cart line (`pricing.PricedLine`): names, SKU and prices as
        they were when the order was placed."""
        return cls(
            order=order,
            variant=line.variant,
            product_name=line.product.name,
            variant_name=line.variant.name,
            product_name_zh=line.product.name_zh,
            product_name_en=line.product.name_en,
            variant_name_zh=line.variant.name_zh,
            variant_name_en=line.variant.name_en,
            sku=line.variant.sku,
            quantity=line.quantity,
            unit_price=line.variant.price,
            unit_price_cny=line.unit_price_cny,
            tax_rate=line.tax_rate,
            goods_cny=line.goods,
            tax_cny=line.tax,
        )


class OrderEvent(models.Model):
    """One row per thing that happened to an order: every status change, and notes such as a
    declined payment. The order page's timeline."""

    class Kind(models.TextChoices):
        PLACED = "placed", _("Order placed")
        PAID = "paid", _("Payment received, held in escrow")
        PAYMENT_FAILED = "payment_failed", _("Payment attempt failed")
        CANCELLED = "cancelled", _("Order cancelled")
        EXPIRED = "expired", _("Cancelled: not paid in time")
        REFUNDED = "refunded", _("Cancelled and refunded")
        REFUND_FAILED = "refund_failed", _("Refund attempt failed")
        SHIPPED = "shipped", _("Shipped")
        DELIVERED = "delivered", _("Delivered")
        COMPLETED = "completed", _("Completed")
        RECEIPT_CONFIRMED = "receipt_confirmed", _("Receipt confirmed: payment released to the store")
        AUTO_CONFIRMED = "auto_confirmed", _("Confirmed automatically: payment released to the store")
        REFUNDED_AFTER = "refunded_after", _("Refunded after completion")
        RELEASE_HELD = "release_held", _("Payment release on hold")
        RELEASE_RESUMED = "release_resumed", _("Payment release hold lifted")
        STORE_CLOSED = "store_closed", _("Store closed by the platform: you may cancel for a full refund")
        SHIPPED_LATE = "shipped_late", _("Not shipped in time: you may cancel for a full refund")
        CUSTOMS_CLEARED = "customs_cleared", _("Cleared customs")
        CUSTOMS_HELD = "customs_held", _("Held by customs")
        CUSTOMS_RETURNED = "customs_returned", _("Returned by customs and refunded")
        CASE_OPENED = "case_opened", _("After-sales request opened")
        CASE_REFUNDED = "case_refunded", _("After-sales refund paid")
        CASE_CLOSED = "case_closed", _("After-sales request closed")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    note = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.order_id}: {self.kind}"


# After-sales, conversations and reviews live in their own modules (each with its services, pages and
# API); their models belong to this app.
from .cases.models import AfterSalesCase, ArbitrationInfoRequest, CaseEvent, CaseEvidence, CaseLine  # noqa: E402, F401
from .conversations.models import Conversation, Message  # noqa: E402, F401
from .reviews.models import ProductReview, ReviewPhoto, StoreRating  # noqa: E402, F401

