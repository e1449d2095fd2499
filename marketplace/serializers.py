from decimal import Decimal

from djmoney.contrib.django_rest_framework import MoneyField
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from . import selectors
from .models import Brand, Category, Product, ProductImage, ProductVariant


class CategorySerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Category
        fields = ["id", "slug", "parent", "name", "name_zh", "name_en", "position"]


class BrandSerializer(serializers.ModelSerializer):
    country = serializers.CharField(source="country.code")
    logo = serializers.ImageField(read_only=True)

    class Meta:
        model = Brand
        fields = ["id", "slug", "name", "name_zh", "country", "logo"]


class MerchantRefSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    country = serializers.CharField(source="country.code")


class ProductListSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    brand = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    merchant = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    origin_country = serializers.CharField(source="origin_country.code")
    price = MoneyField(max_digits=14, decimal_places=2, read_only=True)
    price_cny = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    cover_image = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = [
            "id",
            "name",
            "name_zh",
            "name_en",
            "brand",
            "merchant",
            "category",
            "origin_country",
            "shipping_mode",
            "price",
            "price_currency",
            "price_cny",
            "sales_count",
            "cover_image",
        ]

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_cover_image(self, product):
        cover = selectors.product_cover(product)
        if cover is None:
            return None
        request = self.context.get("request")
        return request.build_absolute_uri(cover.image.url) if request else cover.image.url


class ProductImageSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProductImage
        fields = ["image", "alt", "position"]


class ProductVariantSerializer(serializers.ModelSerializer):
    """A variant from `selectors.product_variants_priced`, with its CNY price and tax estimate."""

    name = serializers.CharField(read_only=True)
    price = MoneyField(max_digits=14, decimal_places=2, read_only=True)
    price_cny = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    tax_cny = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    over_order_limit = serializers.BooleanField(
        read_only=True,
        help_text="One unit is over the 5,000 CNY limit of one cross-border order: it cannot be bought.",
    )

    class Meta:
        model = ProductVariant
        fields = [
            "id",
            "sku",
            "name",
            "name_zh",
            "name_en",
            "attributes",
            "price",
            "price_currency",
            "price_cny",
            "tax_cny",
            "stock",
            "weight_grams",
            "over_order_limit",
        ]


class ProductDetailSerializer(ProductListSerializer):
    description = serializers.CharField(read_only=True)
    merchant = MerchantRefSerializer(read_only=True)
    brand = BrandSerializer(read_only=True)
    category = CategorySerializer(read_only=True)
    customs_mode = serializers.CharField(read_only=True)
    tax_rate = serializers.SerializerMethodField()
    images = ProductImageSerializer(many=True, read_only=True)
    variants = serializers.SerializerMethodField()

    class Meta(ProductListSerializer.Meta):
        fields = ProductListSerializer.Meta.fields + [
            "description",
            "description_zh",
            "description_en",
            "customs_mode",
            "tax_rate",
            "images",
            "variants",
        ]

    @extend_schema_field(serializers.DecimalField(max_digits=7, decimal_places=4))
    def get_tax_rate(self, product):
        return str(product.tax_category.effective_rate.quantize(Decimal("0.0001")))

    @extend_schema_field(ProductVariantSerializer(many=True))
    def get_variants(self, product):
        return ProductVariantSerializer(selectors.product_variants_priced(product), many=True).data
