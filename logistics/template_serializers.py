"""API shapes of shipping templates: amounts are CNY strings with two decimals."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from marketplace.models import Product

from .models import TEMPLATE_FEE_MAX, TEMPLATE_FREE_FROM_MAX, TEMPLATE_GRAMS_MAX, TEMPLATE_NAME_MAX
from .provinces import PROVINCE_NAMES


def _fee(**kwargs):
    return serializers.DecimalField(
        max_digits=9,
        decimal_places=2,
        min_value=0,
        max_value=kwargs.pop("maximum", TEMPLATE_FEE_MAX),
        **kwargs,
    )


def _grams(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=TEMPLATE_GRAMS_MAX, **kwargs)


class RegionSerializer(serializers.Serializer):
    provinces = serializers.ListField(
        child=serializers.CharField(max_length=40),
        min_length=1,
        max_length=len(PROVINCE_NAMES),
        help_text="Mainland provinces by their Chinese name (上海市, or short: 上海) or English name.",
    )
    first_fee = _fee()
    additional_fee = _fee()


class ShippingTemplateInputSerializer(serializers.Serializer):
    shipping_mode = serializers.ChoiceField(
        choices=Product.ShippingMode.choices,
        required=False,
        help_text="Needed to create; a template's mode cannot change.",
    )
    name = serializers.CharField(max_length=TEMPLATE_NAME_MAX)
    first_weight_grams = _grams()
    first_fee = _fee()
    additional_step_grams = _grams()
    additional_fee = _fee()
    free_from = _fee(
        maximum=TEMPLATE_FREE_FROM_MAX,
        required=False,
        allow_null=True,
        help_text="Goods value (CNY) from which the order ships free; null: never free.",
    )
    regions = RegionSerializer(
        many=True,
        required=False,
        max_length=len(PROVINCE_NAMES),
        help_text="Replace the template's regions when given (an empty list removes them).",
    )

    def validate(self, data):
        template = self.context.get("template")
        mode = data.get("shipping_mode")
        if template is None and not mode:
            raise serializers.ValidationError({"shipping_mode": [_("This field is required.")]})
        if template is not None and mode and mode != template.shipping_mode:
            raise serializers.ValidationError(
                {"shipping_mode": [_("A template's shipping mode cannot change.")]}
            )
        return data


class ShippingTemplateRegionOutput(serializers.Serializer):
    provinces = serializers.ListField(child=serializers.CharField())
    first_fee = serializers.DecimalField(source="first_fee.amount", max_digits=9, decimal_places=2)
    additional_fee = serializers.DecimalField(source="additional_fee.amount", max_digits=9, decimal_places=2)


class ShippingTemplateSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    shipping_mode = serializers.ChoiceField(choices=Product.ShippingMode.choices, read_only=True)
    name = serializers.CharField(read_only=True)
    first_weight_grams = serializers.IntegerField(read_only=True)
    first_fee = serializers.DecimalField(
        source="first_fee.amount", max_digits=9, decimal_places=2, read_only=True
    )
    additional_step_grams = serializers.IntegerField(read_only=True)
    additional_fee = serializers.DecimalField(
        source="additional_fee.amount", max_digits=9, decimal_places=2, read_only=True
    )
    free_from = serializers.SerializerMethodField()
    regions = ShippingTemplateRegionOutput(many=True, read_only=True, source="regions.all")
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def get_free_from(self, obj) -> str | None:
        return None if obj.free_from is None else f"{obj.free_from.amount:.2f}"
