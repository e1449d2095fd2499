"""Logistics providers and their rate cards, shipments and their tracking events, customs
declarations, and the records of missed shipping and delivery deadlines.

A rate card is never edited in place once used: a price change is a new `RateCard` with a later
`valid_from`, and a shipment keeps the card, zone and price it was quoted (docs/rules.md, "Logistics").
A shipment's status is derived from its events (`services.tracking`), never set by hand.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField

from marketplace import identifiers, limits
from marketplace.i18n import LocalizedFieldsMixin
from marketplace.models import Product

# Transit times a rate card may promise, in days.
TRANSIT_DAYS_MAX = 60
# A volume discount is at most half the list price.
DISCOUNT_MAX_PERCENT = Decimal("50")
# A rate card's price for one step or the first weight: at most 100,000 CNY.
RATE_PRICE_MAX = Decimal("100000")


class CustomsMode(models.TextChoices):
    """The customs supervision code a shipping mode clears under."""

    DIRECT_MAIL = "9610", _("9610 direct mail")
    BONDED = "1210", _("1210 bonded import")

    @classmethod
    def for_shipping_mode(cls, shipping_mode: str) -> "CustomsMode":
        return cls.BONDED if shipping_mode == Product.ShippingMode.BONDED else cls.DIRECT_MAIL


class LogisticsProvider(LocalizedFieldsMixin, models.Model):
    """A carrier the platform works with. Staff manage them in the console."""

    class WaybillFormat(models.TextChoices):
        S10 = "s10", _("UPU S10 (postal)")
        SF = "sf", _("SF Express")
        DHL = "dhl", _("DHL Express")
        TNT = "tnt", _("TNT")

    localized_fields = ("name",)

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    waybill_format = models.CharField(_("waybill format"), max_length=8, choices=WaybillFormat.choices)
    # S10's two-letter service indicator (EMS "E?", registered mail "R?"); blank for other formats.
    service_indicator = models.CharField(_("S10 service indicator"), max_length=2, blank=True)
    serves_direct_mail = models.BooleanField(_("serves direct mail (9610)"), default=True)
    serves_bonded = models.BooleanField(_("serves bonded (1210)"), default=False)
    max_weight_grams = models.PositiveIntegerField(_("heaviest parcel (g)"), default=30000)
    # Key of the HMAC-SHA256 signature on the carrier's tracking callbacks.
    callback_secret = models.CharField(_("callback secret"), max_length=128)
    is_enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("logistics provider")
        verbose_name_plural = _("logistics providers")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    max_weight_grams__gte=limits.WEIGHT_MIN_GRAMS,
                    max_weight_grams__lte=limits.WEIGHT_MAX_GRAMS,
                ),
                name="provider_max_weight_bounded",
            ),
        ]

    def __str__(self):
        return self.name_en or self.name_zh or self.code

    def serves_mode(self, shipping_mode: str) -> bool:
        if shipping_mode == Product.ShippingMode.BONDED:
            return self.serves_bonded
        return self.serves_direct_mail


class ProviderZone(models.Model):
    """An origin zone of a provider: the countries and regions a parcel may leave from at one price.
    "CN" stands for a bonded warehouse inside mainland China."""

    provider = models.ForeignKey(LogisticsProvider, on_delete=models.CASCADE, related_name="zones")
    code = models.CharField(_("zone"), max_length=8)
    name = models.CharField(_("name"), max_length=80)
    countries = models.JSONField(_("countries and regions"), default=list)

    class Meta:
        verbose_name = _("origin zone")
        verbose_name_plural = _("origin zones")
        ordering = ["provider", "code"]
        constraints = [models.UniqueConstraint(fields=["provider", "code"], name="provider_zone_unique")]

    def __str__(self):
        return f"{self.provider.code} {self.code} ({self.name})"


class RateCard(models.Model):
    """A provider's prices from `valid_from` on, until the next card of the same provider begins."""

    provider = models.ForeignKey(LogisticsProvider, on_delete=models.PROTECT, related_name="rate_cards")
    valid_from = models.DateTimeField(_("valid from"))
    first_weight_grams = models.PositiveIntegerField(_("first weight (g)"), default=500)
    step_grams = models.PositiveIntegerField(_("additional weight step (g)"), default=500)
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rate card")
        verbose_name_plural = _("rate cards")
        ordering = ["provider", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "valid_from"], name="rate_card_unique_start"),
            models.CheckConstraint(
                condition=models.Q(
                    first_weight_grams__gte=1, first_weight_grams__lte=limits.WEIGHT_MAX_GRAMS
                ),
                name="rate_card_first_weight_bounded",
            ),
            models.CheckConstraint(
                condition=models.Q(step_grams__gte=1, step_grams__lte=limits.WEIGHT_MAX_GRAMS),
                name="rate_card_step_bounded",
            ),
        ]

    def __str__(self):
        return f"{self.provider.code} from {self.valid_from:%Y-%m-%d}"


class ZoneRate(models.Model):
    """One zone's prices and transit days on a rate card (CNY)."""

    rate_card = models.ForeignKey(RateCard, on_delete=models.CASCADE, related_name="zone_rates")
    zone = models.ForeignKey(ProviderZone, on_delete=models.PROTECT, related_name="+")
    first_weight_price = MoneyField(
        _("first weight"), max_digits=10, decimal_places=2, default_currency="CNY"
    )
    step_price = MoneyField(
        _("each additional step"), max_digits=10, decimal_places=2, default_currency="CNY"
    )
    transit_days_min = models.PositiveSmallIntegerField(_("transit days, fastest"))
    transit_days_max = models.PositiveSmallIntegerField(_("transit days, slowest"))

    class Meta:
        verbose_name = _("zone rate")
        verbose_name_plural = _("zone rates")
        ordering = ["rate_card", "zone__code"]
        constraints = [
            models.UniqueConstraint(fields=["rate_card", "zone"], name="zone_rate_unique"),
            models.CheckConstraint(
                condition=models.Q(first_weight_price__gte=0, first_weight_price__lte=RATE_PRICE_MAX),
                name="zone_rate_first_price_bounded",
            ),
            models.CheckConstraint(
                condition=models.Q(step_price__gte=0, step_price__lte=RATE_PRICE_MAX),
                name="zone_rate_step_price_bounded",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    transit_days_min__gte=1,
                    transit_days_max__gte=models.F("transit_days_min"),
                    transit_days_max__lte=TRANSIT_DAYS_MAX,
                ),
                name="zone_rate_transit_days_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.rate_card} {self.zone.code}"


class VolumeTier(models.Model):
    """A discount on a rate card's prices once a merchant has sent `min_shipments` parcels with the
    provider in the current calendar month."""

    rate_card = models.ForeignKey(RateCard, on_delete=models.CASCADE, related_name="volume_tiers")
    min_shipments = models.PositiveIntegerField(_("from shipments this month"))
    discount_percent = models.DecimalField(_("discount (%)"), max_digits=5, decimal_places=2)

    class Meta:
        verbose_name = _("volume tier")
        verbose_name_plural = _("volume tiers")
        ordering = ["rate_card", "min_shipments"]
        constraints = [
            models.UniqueConstraint(fields=["rate_card", "min_shipments"], name="volume_tier_unique"),
            models.CheckConstraint(
                condition=models.Q(discount_percent__gt=0, discount_percent__lte=DISCOUNT_MAX_PERCENT),
                name="volume_tier_discount_bounded",
            ),
        ]

    def __str__(self):
        return f"{self.rate_card}: -{self.discount_percent}% from {self.min_shipments}"


class Shipment(models.Model):
    """A parcel handed to a carrier: an order's outbound parcel (one per order) or, later, a return."""

    class Kind(models.TextChoices):
        OUTBOUND = "outbound", _("To the buyer")
        RETURN = "return", _("Return to the store")

    class Status(models.TextChoices):
        LABEL_CREATED = "label_created", _("Label created, awaiting pickup")
        ACCEPTED = "accepted", _("Accepted by the carrier")
        IN_TRANSIT = "in_transit", _("In transit")
        ARRIVED = "arrived", _("Arrived in China")
        IN_CUSTOMS = "in_customs", _("Customs declared")
        CUSTOMS_HELD = "customs_held", _("Held by customs")
        CLEARED = "cleared", _("Cleared customs")
        OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
        DELIVERED = "delivered", _("Delivered")
        EXCEPTION = "exception", _("Delivery problem")
        RETURNED = "returned", _("Returned to sender")

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="shipments")
    merchant = models.ForeignKey("merchants.Merchant", on_delete=models.PROTECT, related_name="shipments")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.OUTBOUND)
    # A return parcel's after-sales case (the buyer sends the goods to the store's return address).
    case = models.ForeignKey(
        "orders.AfterSalesCase", null=True, blank=True, on_delete=models.PROTECT, related_name="shipments"
    )
    provider = models.ForeignKey(LogisticsProvider, on_delete=models.PROTECT, related_name="shipments")
    # The card, zone and price it was quoted: a later rate card never rewrites them.
    rate_card = models.ForeignKey(RateCard, on_delete=models.PROTECT, related_name="shipments")
    zone = models.ForeignKey(ProviderZone, on_delete=models.PROTECT, related_name="+")
    shipping_mode = models.CharField(_("shipping mode"), max_length=16, choices=Product.ShippingMode.choices)
    customs_mode = models.CharField(_("customs mode"), max_length=4, choices=CustomsMode.choices)
    origin_country = models.CharField(_("origin"), max_length=2)
    waybill_number = models.CharField(_("waybill number"), max_length=40, unique=True)
    weight_grams = models.PositiveIntegerField(_("weight (g)"))
    list_price = MoneyField(_("list price"), max_digits=10, decimal_places=2, default_currency="CNY")
    discount_percent = models.DecimalField(
        _("volume discount (%)"), max_digits=5, decimal_places=2, default=0
    )
    price = MoneyField(_("price"), max_digits=10, decimal_places=2, default_currency="CNY")
    transit_days_min = models.PositiveSmallIntegerField()
    transit_days_max = models.PositiveSmallIntegerField()
    expected_from = models.DateField(_("expected from"))
    expected_by = models.DateField(_("expected by"))
    # The consignee on the waybill: one of customs' three documents.
    consignee_name = models.CharField(max_length=60)
    consignee_id_number = models.CharField(max_length=18)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.LABEL_CREATED, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_event_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["merchant", "provider", "created_at"]),
            models.Index(fields=["provider", "status"]),
        ]
        constraints = [
            # A second click on "ship", or two of the store's staff at once, makes one shipment.
            models.UniqueConstraint(
                fields=["order"], condition=models.Q(kind="outbound"), name="shipment_one_outbound_per_order"
            ),
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(kind="return"), name="shipment_one_return_per_case"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    weight_grams__gte=limits.WEIGHT_MIN_GRAMS,
                    weight_grams__lte=limits.WEIGHT_MAX_GRAMS,
                ),
                name="shipment_weight_bounded",
            ),
            models.CheckConstraint(
                condition=models.Q(price__gte=0, list_price__gte=0, price__lte=models.F("list_price")),
                name="shipment_price_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(waybill_number__regex=r"^[A-Z0-9]{6,40}$"),
                name="shipment_waybill_canonical",
            ),
            models.CheckConstraint(
                condition=models.Q(expected_by__gte=models.F("expected_from")),
                name="shipment_expected_window_ordered",
            ),
        ]

    def __str__(self):
        return self.waybill_number

    def save(self, *args, **kwargs):
        self.waybill_number = identifiers.waybill_number(self.waybill_number)
        super().save(*args, **kwargs)

    @property
    def is_delivered(self) -> bool:
        return self.status == self.Status.DELIVERED


class ShipmentEvent(models.Model):
    """One scan or milestone of a parcel. The carrier's events arrive signed at the callback
    endpoint; staff and the merchant may add one by hand with a reason; customs results are the
    platform's own."""

    class Kind(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted by the carrier")
        DEPARTED_ORIGIN = "departed_origin", _("Departed the origin")
        ARRIVED_CHINA = "arrived_china", _("Arrived in China")
        CUSTOMS_DECLARED = "customs_declared", _("Customs declaration submitted")
        CUSTOMS_CLEARED = "customs_cleared", _("Cleared customs")
        CUSTOMS_HELD = "customs_held", _("Held by customs")
        DEPARTED_BONDED = "departed_bonded", _("Left the bonded warehouse")
        OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
        DELIVERED = "delivered", _("Delivered")
        ADDRESS_PROBLEM = "address_problem", _("Delivery problem: address")
        RETURNED = "returned", _("Returned to sender")

    class Source(models.TextChoices):
        CARRIER = "carrier", _("Carrier")
        MANUAL = "manual", _("Added by hand")
        PLATFORM = "platform", _("Platform")

    shipment = models.ForeignKey(Shipment, on_delete=models.CASCADE, related_name="events")
    # Copied from the shipment so that a carrier's event id is unique per carrier.
    provider = models.ForeignKey(LogisticsProvider, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("when"))
    location = models.CharField(_("where"), max_length=120, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    carrier_event_id = models.CharField(max_length=64, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.CARRIER)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["shipment", "occurred_at"])]
        constraints = [
            # A callback delivered twice (or twice at once) records one event.
            models.UniqueConstraint(
                fields=["provider", "carrier_event_id"],
                condition=~models.Q(carrier_event_id=""),
                name="shipment_event_unique_carrier_id",
            ),
        ]

    def __str__(self):
        return f"{self.shipment_id}: {self.kind} at {self.occurred_at:%Y-%m-%d %H:%M}"


class CustomsDeclaration(models.Model):
    """What the platform declares to customs for an order, prepared when it is paid. At the border the
    three documents (this declaration, the payment record, the waybill) are matched
    (`services.customs`)."""

    class Status(models.TextChoices):
        PREPARED = "prepared", _("Prepared")
        DECLARED = "declared", _("Declared to customs")
        CLEARED = "cleared", _("Cleared")
        HELD = "held", _("Held")
        RETURNED = "returned", _("Returned to sender")

    order = models.OneToOneField("orders.Order", on_delete=models.CASCADE, related_name="customs_declaration")
    customs_mode = models.CharField(max_length=4, choices=CustomsMode.choices)
    buyer_name = models.CharField(max_length=60)
    buyer_id_number = models.CharField(max_length=18)
    goods_value = MoneyField(max_digits=14, decimal_places=2, default_currency="CNY")
    freight = MoneyField(max_digits=14, decimal_places=2, default_currency="CNY")
    tax = MoneyField(max_digits=14, decimal_places=2, default_currency="CNY")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREPARED, db_index=True)
    hold_reason = models.TextField(_("why it is held"), blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("customs declaration")
        verbose_name_plural = _("customs declarations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(goods_value__gt=0, freight__gte=0, tax__gte=0),
                name="customs_declaration_amounts_bounded",
            ),
        ]

    def __str__(self):
        return f"declaration {self.order_id} ({self.status})"


class CustomsDeclarationLine(models.Model):
    declaration = models.ForeignKey(CustomsDeclaration, on_delete=models.CASCADE, related_name="lines")
    hs_code = models.CharField(_("HS-style category"), max_length=12)
    description = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField()
    value = MoneyField(max_digits=14, decimal_places=2, default_currency="CNY")
    tax = MoneyField(max_digits=14, decimal_places=2, default_currency="CNY")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1, value__gt=0, tax__gte=0),
                name="customs_line_amounts_bounded",
            ),
        ]

    def __str__(self):
        return f"{self.quantity} x {self.hs_code}"


class DeadlineBreach(models.Model):
    """A missed logistics deadline, recorded once per order and kind by the deadline job. A late
    shipment carries the penalty and the compensation owed to the buyer (paid by the escrow issue's
    services); a late delivery waits in the staff queue until someone resolves it."""

    class Kind(models.TextChoices):
        SHIPPED_LATE = "shipped_late", _("Not shipped in time")
        DELIVERY_LATE = "delivery_late", _("Not delivered in time")

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="deadline_breaches")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    deadline = models.DateTimeField(_("deadline"))
    detected_at = models.DateTimeField(auto_now_add=True)
    violation = models.ForeignKey(
        "merchants.Violation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    compensation = MoneyField(
        _("compensation owed"), max_digits=14, decimal_places=2, default_currency="CNY", null=True, blank=True
    )
    compensation_paid_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution_note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("missed deadline")
        verbose_name_plural = _("missed deadlines")
        ordering = ["detected_at", "id"]
        constraints = [
            # The job running twice, or twice at once, records one breach per order and kind.
            models.UniqueConstraint(fields=["order", "kind"], name="deadline_breach_once"),
            models.CheckConstraint(
                condition=models.Q(compensation__isnull=True) | models.Q(compensation__gte=0),
                name="deadline_breach_compensation_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.order_id}: {self.kind}"


# ---- shipping templates
# What the shopper pays for shipping (Tmall's 运费模板): one template per store and shipping mode, with
# regional fees for remote provinces. The fee rule is `logistics.shipping_fees` (docs/rules.md,
# "Shipping templates"); writes go through `logistics.services.templates`.



# Bounds of a template's amounts (also CheckConstraints below; the services and forms say why).
TEMPLATE_FEE_MAX = Decimal("1000.00")  # CNY per first weight or per additional step
TEMPLATE_FREE_FROM_MAX = Decimal("100000.00")  # CNY of goods; above any order's goods limit is "never"
TEMPLATE_GRAMS_MAX = 100_000  # 100 kg, the heaviest variant
TEMPLATE_NAME_MAX = 60
CNY_ONLY = [("CNY", "CNY")]


def _fee_bounded(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(
            **{f"{field}__gte": 0, f"{field}__lte": TEMPLATE_FEE_MAX, f"{field}_currency": "CNY"}
        ),
        name=name,
        violation_error_message=_("A shipping fee is in CNY, from 0 to 1,000."),
    )


class ShippingTemplate(models.Model):
    """A store's shipping fee for one shipping mode: the first `first_weight_grams` cost `first_fee`,
    each started `additional_step_grams` beyond them `additional_fee`; free when the order's goods are
    worth `free_from` or more (empty: never free). Regions override the two fees for their provinces."""

    merchant = models.ForeignKey(
        "merchants.Merchant", on_delete=models.CASCADE, related_name="shipping_templates"
    )
    shipping_mode = models.CharField(_("shipping mode"), max_length=20, choices=Product.ShippingMode.choices)
    name = models.CharField(_("name"), max_length=TEMPLATE_NAME_MAX)
    first_weight_grams = models.PositiveIntegerField(_("first weight (g)"))
    first_fee = MoneyField(
        _("first-weight fee"),
        max_digits=10,
        decimal_places=2,
        default_currency="CNY",
        currency_choices=CNY_ONLY,
    )
    additional_step_grams = models.PositiveIntegerField(_("additional weight step (g)"))
    additional_fee = MoneyField(
        _("fee per additional step"),
        max_digits=10,
        decimal_places=2,
        default_currency="CNY",
        currency_choices=CNY_ONLY,
    )
    free_from = MoneyField(
        _("free shipping from (goods value)"),
        max_digits=12,
        decimal_places=2,
        default_currency="CNY",
        currency_choices=CNY_ONLY,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("shipping template")
        verbose_name_plural = _("shipping templates")
        ordering = ["merchant_id", "shipping_mode"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "shipping_mode"],
                name="shipping_template_one_per_mode",
                violation_error_message=_("The store already has a shipping template for this mode."),
            ),
            models.CheckConstraint(
                condition=models.Q(
                    first_weight_grams__gte=1,
                    first_weight_grams__lte=TEMPLATE_GRAMS_MAX,
                    additional_step_grams__gte=1,
                    additional_step_grams__lte=TEMPLATE_GRAMS_MAX,
                ),
                name="shipping_template_grams_bounded",
                violation_error_message=_("Weights are from 1 gram to 100 kg."),
            ),
            _fee_bounded("first_fee", "shipping_template_first_fee_bounded"),
            _fee_bounded("additional_fee", "shipping_template_additional_fee_bounded"),
            models.CheckConstraint(
                condition=models.Q(free_from__isnull=True)
                | models.Q(free_from__gte=0, free_from__lte=TEMPLATE_FREE_FROM_MAX, free_from_currency="CNY"),
                name="shipping_template_free_from_bounded",
                violation_error_message=_("The free-shipping threshold is in CNY, from 0 to 100,000."),
            ),
            models.CheckConstraint(
                condition=models.Q(shipping_mode__in=Product.ShippingMode.values),
                name="shipping_template_mode_known",
            ),
        ]

    def __str__(self):
        return f"{self.merchant_id} {self.shipping_mode}: {self.name}"

    @property
    def shipping_mode_label(self):
        return Product.ShippingMode(self.shipping_mode).label


class ShippingTemplateRegion(models.Model):
    """Other first-weight and additional-step fees for some provinces (remote regions). `provinces`
    holds canonical names (`logistics.provinces.PROVINCE_NAMES`); a province is in at most one region
    of a template (the service checks both)."""

    template = models.ForeignKey(ShippingTemplate, on_delete=models.CASCADE, related_name="regions")
    provinces = models.JSONField(_("provinces"), default=list)
    first_fee = MoneyField(
        _("first-weight fee"),
        max_digits=10,
        decimal_places=2,
        default_currency="CNY",
        currency_choices=CNY_ONLY,
    )
    additional_fee = MoneyField(
        _("fee per additional step"),
        max_digits=10,
        decimal_places=2,
        default_currency="CNY",
        currency_choices=CNY_ONLY,
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("shipping template region")
        verbose_name_plural = _("shipping template regions")
        ordering = ["template_id", "position", "id"]
        constraints = [
            _fee_bounded("first_fee", "shipping_region_first_fee_bounded"),
            _fee_bounded("additional_fee", "shipping_region_additional_fee_bounded"),
        ]

    def __str__(self):
        return f"{self.template_id}: {', '.join(self.provinces)}"
