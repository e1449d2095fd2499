from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from djmoney.contrib.django_rest_framework import MoneyField
from djmoney.money import Money
from djmoney.settings import CURRENCY_CHOICES
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketplace import identifiers, limits
from marketplace.errors import InvalidIdentifier
from marketplace.models import Brand, Category, Product, ProductImage, ProductVariant, TaxCategory

from .models import (
    BlacklistEntry,
    BrandAuthorization,
    MerchantApplication,
    QualificationDocument,
    ReviewDecision,
    ViolationKind,
)
from .services import APPLICATION_FIELDS

CURRENCY_CODES = frozenset(code for code, _name in CURRENCY_CHOICES)


def _canonical(kind, value, **options) -> str:
    """`value` in the canonical form of `kind` (`marketplace.identifiers`), as a field error."""
    try:
        return kind(value, **options)
    except InvalidIdentifier as exc:
        raise serializers.ValidationError(str(exc)) from exc


class ReviewDecisionSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer.username", default=None, read_only=True)

    class Meta:
        model = ReviewDecision
        fields = ["decision", "reasons", "reviewer", "created_at"]


class DocumentSerializer(serializers.ModelSerializer):
    file = serializers.FileField(write_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = QualificationDocument
        fields = [
            "id",
            "kind",
            "brand_authorization",
            "file",
            "original_name",
            "content_type",
            "size",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = ["original_name", "content_type", "size", "uploaded_at"]

    @extend_schema_field(serializers.CharField())
    def get_download_url(self, document) -> str:
        return reverse("seller:document", args=[document.pk])


class BrandAuthorizationSerializer(serializers.ModelSerializer):
    brand = serializers.PrimaryKeyRelatedField(
        queryset=Brand.objects.exclude(status=Brand.Status.REJECTED), required=False, allow_null=True
    )
    brand_name = serializers.CharField(source="brand.name", read_only=True)
    new_brand_name = serializers.CharField(write_only=True, required=False, allow_blank=True, default="")
    new_brand_country = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        default="",
        help_text="ISO 3166-1 alpha-2 code of a new brand's country, e.g. JP.",
    )

    class Meta:
        model = BrandAuthorization
        fields = [
            "id",
            "brand",
            "brand_name",
            "new_brand_name",
            "new_brand_country",
            "kind",
            "authorized_by",
            "valid_from",
            "valid_until",
            "status",
        ]
        read_only_fields = ["status"]

    def validate_new_brand_country(self, value):
        return _canonical(identifiers.country_code, value, allow_blank=True)


class ApplicationSerializer(serializers.ModelSerializer):
    """The merchant's own application; only the company fields are writable, and only while it is
    a draft or the reviewer asked for more."""

    country = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="ISO 3166-1 alpha-2 code, e.g. JP (mainland China is refused).",
    )
    problems = serializers.SerializerMethodField()
    decisions = ReviewDecisionSerializer(many=True, read_only=True)

    class Meta:
        model = MerchantApplication
        fields = [
            "id",
            "state",
            *APPLICATION_FIELDS,
            "reviewer_message",
            "submitted_at",
            "decided_at",
            "problems",
            "decisions",
        ]
        read_only_fields = ["state", "reviewer_message", "submitted_at", "decided_at"]

    def validate_country(self, value):
        return _canonical(identifiers.country_code, value, allow_blank=True)

    def validate_registration_number(self, value):
        return _canonical(identifiers.registration_number, value)

    def validate_contact_phone(self, value):
        return _canonical(identifiers.contact_phone, value)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_problems(self, application) -> list[str]:
        from .services import application_problems

        return [str(p) for p in application_problems(application)] if application.is_editable else []


class ReviewApplicationSerializer(ApplicationSerializer):
    """What a reviewer sees: the application with warnings, brands and documents."""

    merchant = serializers.IntegerField(source="merchant_id", read_only=True)
    # Blank until the applicant chooses one: the schema's enum must allow "" (read-only fields lose
    # the model field's `blank=True`).
    settlement_currency = serializers.ChoiceField(
        choices=MerchantApplication._meta.get_field("settlement_currency").choices,
        allow_blank=True,
        read_only=True,
    )
    warnings = serializers.SerializerMethodField()
    brand_authorizations = BrandAuthorizationSerializer(many=True, read_only=True)
    documents = serializers.SerializerMethodField()
    waiting_seconds = serializers.SerializerMethodField()

    class Meta(ApplicationSerializer.Meta):
        fields = [
            *ApplicationSerializer.Meta.fields,
            "merchant",
            "warnings",
            "brand_authorizations",
            "documents",
            "waiting_seconds",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_warnings(self, application) -> list[str]:
        from .selectors import application_warnings

        return application_warnings(application)

    @extend_schema_field(DocumentSerializer(many=True))
    def get_documents(self, application):
        return DocumentSerializer(application.merchant.documents.all(), many=True).data

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_waiting_seconds(self, application) -> int | None:
        from django.utils import timezone

        if application.state != MerchantApplication.State.SUBMITTED or not application.submitted_at:
            return None
        return int((timezone.now() - application.submitted_at).total_seconds())


class ReasonsSerializer(serializers.Serializer):
    reasons = serializers.CharField(required=False, allow_blank=True, default="")


class ViolationInputSerializer(serializers.Serializer):
    kind = serializers.SlugRelatedField(
        slug_field="code", queryset=ViolationKind.objects.filter(is_active=True)
    )
    note = serializers.CharField()
    occurred_on = serializers.DateField(required=False, allow_null=True, default=None)


class BlacklistInputSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=BlacklistEntry.Reason.choices)
    note = serializers.CharField()


class MerchantStatusSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    legal_name = serializers.CharField()
    status = serializers.CharField()
    penalty_points = serializers.IntegerField()
    penalty_level = serializers.CharField()


class SellerVariantSerializer(serializers.ModelSerializer):
    """A variant as its merchant sees it. `price` is in the merchant's settlement currency; a
    `price_currency` other than that is refused (400, `product_not_allowed`)."""

    id = serializers.IntegerField(required=False, help_text="Give it to change an existing variant.")
    # Bounds of `marketplace.limits` (also database check constraints): 400 naming the field.
    price = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        source="price.amount",
        min_value=limits.PRICE_MIN,
        max_value=limits.PRICE_MAX,
        help_text=f"Above zero, at most {limits.PRICE_MAX:,}, two decimals.",
    )
    price_currency = serializers.CharField(source="price.currency.code", required=False, max_length=3)
    stock = serializers.IntegerField(min_value=0, max_value=limits.STOCK_MAX)
    weight_grams = serializers.IntegerField(
        min_value=limits.WEIGHT_MIN_GRAMS, max_value=limits.WEIGHT_MAX_GRAMS, required=False
    )
    sku = serializers.CharField(max_length=64)  # uniqueness is the service's rule (clear message)

    def validate_sku(self, value):
        try:
            return identifiers.sku(value)
        except InvalidIdentifier as exc:
            raise serializers.ValidationError(str(exc)) from exc

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

    def validate_price_currency(self, value):
        code = value.upper()
        if code not in CURRENCY_CODES:
            raise serializers.ValidationError(_("Not a currency code."))
        return code

    def to_service(self, data, merchant) -> dict:
        """Validated data as keyword arguments for `variant_save` / `product_create`."""
        data = dict(data)
        price = data.pop("price", {})
        spec = {key: value for key, value in data.items() if key != "id"}
        if "amount" in price:
            currency = price.get("currency", {}).get("code") or merchant.settlement_currency
            # An applicant has no settlement currency yet: the service refuses it with a clear message.
            spec["price"] = Money(price["amount"], currency) if currency else price["amount"]
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
