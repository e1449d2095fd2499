from django.utils.translation import gettext
from rest_framework import serializers

from .models import Payment, PaymentAttempt

MONEY = {"max_digits": 14, "decimal_places": 2, "read_only": True}


class PaymentSerializer(serializers.ModelSerializer):
    amount = serializers.DecimalField(source="amount.amount", **MONEY)
    currency = serializers.CharField(source="amount.currency.code", read_only=True)
    orders = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)

    class Meta:
        model = Payment
        fields = ["reference", "status", "amount", "currency", "gateway", "orders", "created_at", "paid_at"]


class PaymentConfirmSerializer(serializers.Serializer):
    """A card for the sandbox: see docs/rules.md for the test numbers."""

    card_number = serializers.CharField(max_length=23)
    exp_month = serializers.IntegerField(min_value=1, max_value=12)
    exp_year = serializers.IntegerField(min_value=0, max_value=9999)
    cvc = serializers.CharField(max_length=4)
    holder = serializers.CharField(max_length=100, required=False, allow_blank=True)
    idempotency_key = serializers.CharField(
        max_length=64,
        help_text="Unique per submit: the same key again returns the first attempt, never a second charge.",
    )


class PaymentAttemptSerializer(serializers.ModelSerializer):
    payment = PaymentSerializer(read_only=True)
    error_message = serializers.SerializerMethodField()

    def get_error_message(self, attempt) -> str:
        return gettext(attempt.error_message) if attempt.error_message else ""

    class Meta:
        model = PaymentAttempt
        fields = ["status", "card_last4", "error_code", "error_message", "created_at", "payment"]
