from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from marketplace.models import Brand

from .models import (
    BlacklistEntry,
    BrandAuthorization,
    MerchantApplication,
    QualificationDocument,
    ReviewDecision,
    ViolationKind,
)
from .services import APPLICATION_FIELDS


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
    new_brand_country = serializers.CharField(write_only=True, required=False, allow_blank=True, default="")

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


class ApplicationSerializer(serializers.ModelSerializer):
    """The merchant's own application; only the company fields are writable, and only while it is
    a draft or the reviewer asked for more."""

    country = serializers.CharField(required=False, allow_blank=True)
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

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_problems(self, application) -> list[str]:
        from .services import application_problems

        return [str(p) for p in application_problems(application)] if application.is_editable else []


class ReviewApplicationSerializer(ApplicationSerializer):
    """What a reviewer sees: the application with warnings, brands and documents."""

    merchant = serializers.IntegerField(source="merchant_id", read_only=True)
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
