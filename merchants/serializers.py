"""API shapes of the seller side. Input serializers validate; the catalog services write."""

from django_countries import countries
from djmoney.contrib.django_rest_framework import MoneyField
from djmoney.money import Money
from rest_framework import serializers

from marketplace.models import Brand, Category, Product, ProductImage, ProductVariant, TaxCategory


class SellerVariantSerializer(serializers.ModelSerializer):
    """A variant as its merchant sees it. `price` is in the merchant's settlement currency; a
    `price_currency` other than that is refused (400, `product_not_allowed`)."""

    id = serializers.IntegerField(required=False, help_text="Give it to change an existing variant.")
    price = serializers.DecimalField(max_digits=14, decimal_places=2, source="price.amount")
    price_currency = serializers.CharField(source="price.currency.code", required=False, max_length=3)
    stock = serializers.IntegerField()
    sku = serializers.CharField(max_length=64)  # uniqueness is the service's rule (clear message)

    class Meta:
        model = ProductVariant
        fields = [
            "id",
            "sku",
            "name_zh",
            "name_en",
            "price",
            "price_currency",
            "stock",
            "weight_grams",
            "is_active",
        ]

    def to_service(self, data, merchant) -> dict:
        """Validated data as keyword arguments for `variant_save` / `product_create`."""
        data = dict(data)
        price = data.pop("price", {})
        spec = {key: value for key, value in data.items() if key != "id"}
        if "amount" in price:
            currency = price.get("currency", {}).get("code") or merchant.settlement_currency
            spec["price"] = Money(price["amount"], currency.upper())
        return spec


class SellerImageSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProductImage
        fields = ["id", "image", "alt", "position"]
        read_only_fields = fields


class SellerProductSerializer(serializers.ModelSerializer):
    """A merchant's own product with its variants. Status changes only through the publish and unpublish
    actions; the listing price is derived from the cheapest active variant."""

    brand = serializers.SlugRelatedField(slug_field="slug", queryset=Brand.objects.all())
    category = serializers.SlugRelatedField(slug_field="slug", queryset=Category.objects.all())
    tax_category = serializers.SlugRelatedField(slug_field="code", queryset=TaxCategory.objects.all())
    origin_country = serializers.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code, e.g. JP.")
    price = MoneyField(max_digits=14, decimal_places=2, read_only=True)
    price_cny = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    variants = SellerVariantSerializer(many=True, required=False)
    images = SellerImageSerializer(many=True, read_only=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "status",
            "name_zh",
            "name_en",
            "description_zh",
            "description_en",
            "brand",
            "category",
            "tax_category",
            "origin_country",
            "shipping_mode",
            "price",
            "price_currency",
            "price_cny",
            "variants",
            "images",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "price_currency", "created_at", "updated_at"]

    def validate_origin_country(self, value):
        code = value.upper()
        if code not in dict(countries):
            raise serializers.ValidationError("Not a two-letter country code.")
        return code

    def validate(self, attrs):
        if self.instance is None and not attrs.get("variants"):
            raise serializers.ValidationError({"variants": "A new product needs at least one variant."})
        return attrs

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["origin_country"] = instance.origin_country.code
        return data


class PublishSerializer(serializers.Serializer):
    """No body is needed."""
