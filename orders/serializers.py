"""API shapes of the shopper's journey: cart, addresses, identities, checkout, orders. Input serializers
validate; services decide."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from logistics.tracking.serializers import ShipmentSerializer
from marketplace import identifiers
from marketplace.errors import InvalidIdentifier

from . import rules
from .errors import InvalidIdentityNumber
from .models import Address, Order, OrderEvent, OrderLine, mask_phone

MONEY = {"max_digits": 14, "decimal_places": 2, "read_only": True}


class CartLineSerializer(serializers.Serializer):
    variant = serializers.IntegerField(source="variant.pk", read_only=True)
    sku = serializers.CharField(source="variant.sku", read_only=True)
    product = serializers.IntegerField(source="variant.product_id", read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)
    variant_name = serializers.CharField(source="variant.name", read_only=True)
    quantity = serializers.IntegerField(read_only=True)
    unit_price_cny = serializers.DecimalField(**MONEY)
    goods = serializers.DecimalField(**MONEY)
    tax = serializers.DecimalField(**MONEY)
    available = serializers.BooleanField(read_only=True)
    over_order_limit = serializers.BooleanField(
        read_only=True,
        help_text="One unit is over the 5,000 CNY order limit: this line cannot be checked out.",
    )


class CartGroupSerializer(serializers.Serializer):
    merchant = serializers.SlugField(source="merchant.slug", read_only=True)
    merchant_name = serializers.CharField(source="merchant.name", read_only=True)
    shipping_mode = serializers.CharField(read_only=True)
    lines = CartLineSerializer(many=True, read_only=True)
    goods = serializers.DecimalField(**MONEY)
    shipping = serializers.DecimalField(**MONEY)
    tax = serializers.DecimalField(**MONEY)
    total = serializers.DecimalField(**MONEY)
    over_limit = serializers.BooleanField(read_only=True, help_text="Goods over the 5,000 CNY order limit.")


class CartSerializer(serializers.Serializer):
    """Prices in CNY at today's rate; checkout locks the rate. One group per future order."""

    groups = CartGroupSerializer(many=True, read_only=True)
    count = serializers.IntegerField(read_only=True)
    goods = serializers.DecimalField(**MONEY)
    shipping = serializers.DecimalField(**MONEY)
    tax = serializers.DecimalField(**MONEY)
    total = serializers.DecimalField(**MONEY)


class CartAddSerializer(serializers.Serializer):
    variant = serializers.IntegerField(min_value=1)
    quantity = serializers.IntegerField(min_value=1, max_value=rules.MAX_QUANTITY_PER_LINE, default=1)


class CartQuantitySerializer(serializers.Serializer):
    quantity = serializers.IntegerField(
        min_value=0, max_value=rules.MAX_QUANTITY_PER_LINE, help_text="0 removes the line."
    )


class MaskedPhoneField(serializers.CharField):
    """Written in full; read back masked (138****8000), as the pages show it."""

    def to_representation(self, value):
        return mask_phone(super().to_representation(value))


class AddressSerializer(serializers.ModelSerializer):
    phone = MaskedPhoneField(
        max_length=20,
        help_text=_("An 11-digit mainland mobile number; answers show it masked (138****8000)."),
    )

    class Meta:
        model = Address
        fields = ["id", "recipient", "phone", "province", "city", "district", "street"]
        read_only_fields = ["id"]

    def validate_phone(self, value):
        try:
            return identifiers.mainland_mobile(value)
        except InvalidIdentifier as exc:
            raise serializers.ValidationError(str(exc)) from exc


class IdentityInputSerializer(serializers.Serializer):
    real_name = serializers.CharField(max_length=60)
    id_number = serializers.CharField(max_length=20, write_only=True)

    def validate_id_number(self, value):
        try:
            return rules.resident_id_validate(value)
        except InvalidIdentityNumber as exc:
            raise serializers.ValidationError(str(exc)) from exc


class IdentitySerializer(serializers.Serializer):
    """A saved buyer identity, masked: the full ID number never leaves the server again."""

    id = serializers.IntegerField(read_only=True)
    real_name = serializers.CharField(source="real_name_masked", read_only=True)
    id_number = serializers.CharField(source="id_number_masked", read_only=True)
    quota_remaining = serializers.DecimalField(
        **MONEY, help_text="CNY left of the 26,000 annual cross-border quota."
    )


class CheckoutSerializer(serializers.Serializer):
    address = serializers.IntegerField()
    identity = serializers.IntegerField()
    idempotency_key = serializers.CharField(
        max_length=64,
        help_text="Unique per checkout: the same key again returns the first checkout's payment.",
    )


class OrderLineSerializer(serializers.ModelSerializer):
    unit_price_cny = serializers.DecimalField(source="unit_price_cny.amount", **MONEY)
    goods = serializers.DecimalField(source="goods_cny.amount", **MONEY)
    tax = serializers.DecimalField(source="tax_cny.amount", **MONEY)
    unit_price = serializers.DecimalField(source="unit_price.amount", **MONEY)
    currency = serializers.CharField(source="unit_price.currency.code", read_only=True)
    # In the request's language (Accept-Language), falling back to the other one.
    product_name = serializers.CharField(source="shown_product_name", read_only=True)
    variant_name = serializers.CharField(source="shown_variant_name", read_only=True)

    class Meta:
        model = OrderLine
        fields = [
            "sku",
            "product_name",
            "variant_name",
            "quantity",
            "unit_price",
            "currency",
            "unit_price_cny",
            "tax_rate",
            "goods",
            "tax",
        ]


class OrderEventSerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="get_kind_display", read_only=True)
    note = serializers.SerializerMethodField()

    def get_note(self, event) -> str:
        return gettext(event.note) if event.note else ""

    class Meta:
        model = OrderEvent
        fields = ["kind", "label", "from_status", "to_status", "note", "created_at"]


class OrderSerializer(serializers.ModelSerializer):
    merchant = serializers.SlugField(source="merchant.slug", read_only=True)
    merchant_name = serializers.CharField(source="merchant.name", read_only=True)
    payment = serializers.CharField(source="payment.reference", read_only=True)
    goods_total = serializers.DecimalField(source="goods_total.amount", **MONEY)
    shipping_fee = serializers.DecimalField(source="shipping_fee.amount", **MONEY)
    tax_total = serializers.DecimalField(source="tax_total.amount", **MONEY)
    total = serializers.DecimalField(source="total.amount", **MONEY)
    auto_release_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text="Delivered orders: when the payment is released to the store if the shopper does not "
        "confirm receipt first (null otherwise).",
    )
    release_on_hold = serializers.SerializerMethodField(
        help_text="Platform staff hold the payment: neither confirming receipt nor the automatic release "
        "pays the store until they lift the hold."
    )

    class Meta:
        model = Order
        fields = [
            "number",
            "status",
            "merchant",
            "merchant_name",
            "shipping_mode",
            "payment",
            "currency",
            "exchange_rate",
            "goods_total",
            "shipping_fee",
            "tax_total",
            "total",
            "created_at",
            "paid_at",
            "ship_by",
            "auto_release_at",
            "release_on_hold",
        ]

    def get_release_on_hold(self, order) -> bool:
        held = getattr(order, "release_on_hold", None)  # annotated by the views' querysets
        if held is None:
            from payments.services import release_on_hold

            held = release_on_hold(order)
        return bool(held) and order.status in ("paid", "shipped", "delivered")


class OrderDetailSerializer(OrderSerializer):
    lines = OrderLineSerializer(many=True, read_only=True)
    events = OrderEventSerializer(many=True, read_only=True)
    buyer_name = serializers.CharField(source="buyer_name_masked", read_only=True)
    buyer_id_number = serializers.CharField(source="buyer_id_masked", read_only=True)
    phone = serializers.CharField(source="phone_masked", read_only=True)
    shipment = serializers.SerializerMethodField(
        help_text="The parcel once shipped: carrier, waybill, status, expected window, events newest first."
    )

    class Meta(OrderSerializer.Meta):
        fields = OrderSerializer.Meta.fields + [
            "recipient",
            "phone",
            "address",
            "buyer_name",
            "buyer_id_number",
            "lines",
            "events",
            "shipment",
        ]

    @extend_schema_field(ShipmentSerializer(allow_null=True))
    def get_shipment(self, order):
        from logistics.tracking.selectors import shipment_for_order

        shipment = shipment_for_order(order)
        return ShipmentSerializer(shipment).data if shipment is not None else None


class CancelSerializer(serializers.Serializer):
    idempotency_key = serializers.CharField(
        max_length=64, help_text="Unique per cancel: the same key again never refunds twice."
    )


class RefundResultSerializer(serializers.Serializer):
    order = OrderDetailSerializer(read_only=True)
    refunded = serializers.DecimalField(**MONEY, allow_null=True)
