from rest_framework import serializers

from .models import ProductReview, StoreRating
from .selectors import shown_name


class ReviewPhotoSerializer(serializers.Serializer):
    url = serializers.CharField(source="image.url")


class PublicReviewSerializer(serializers.ModelSerializer):
    """A review as the product page shows it: the author's name masked when they chose anonymity."""

    author = serializers.SerializerMethodField()
    photos = ReviewPhotoSerializer(many=True, source="photos.all")

    class Meta:
        model = ProductReview
        fields = [
            "id",
            "rating",
            "text",
            "author",
            "photos",
            "created_at",
            "edited_at",
            "reply",
            "replied_at",
        ]

    def get_author(self, review) -> str:
        return shown_name(review)


class MyReviewSerializer(PublicReviewSerializer):
    class Meta(PublicReviewSerializer.Meta):
        fields = [*PublicReviewSerializer.Meta.fields, "order_line", "product", "anonymous"]


class SellerReviewSerializer(PublicReviewSerializer):
    order = serializers.CharField(source="order_line.order.number")

    class Meta(PublicReviewSerializer.Meta):
        fields = [*PublicReviewSerializer.Meta.fields, "product", "order"]


class RatingBarSerializer(serializers.Serializer):
    stars = serializers.IntegerField()
    count = serializers.IntegerField()
    percent = serializers.IntegerField()


class ProductReviewsSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    average = serializers.DecimalField(max_digits=3, decimal_places=2, allow_null=True)
    distribution = RatingBarSerializer(many=True)
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = PublicReviewSerializer(many=True)


class ReviewInputSerializer(serializers.Serializer):
    """Multipart (with `photos`, up to 6 files) or JSON (without photos)."""

    rating = serializers.IntegerField(min_value=1, max_value=5)
    text = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    anonymous = serializers.BooleanField(required=False, default=False)
    photos = serializers.ListField(
        child=serializers.FileField(),
        required=False,
        max_length=6,
        help_text="Up to 6 JPEG, PNG or WebP images, checked by content.",
    )


class ReviewCreateSerializer(ReviewInputSerializer):
    order_line = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="An order line's id.")


class ReplySerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000)


class StoreRatingInputSerializer(serializers.Serializer):
    order = serializers.CharField(max_length=24, help_text="The order number.")
    description = serializers.IntegerField(min_value=1, max_value=5)
    service = serializers.IntegerField(min_value=1, max_value=5)
    logistics = serializers.IntegerField(min_value=1, max_value=5)


class StoreRatingSerializer(serializers.ModelSerializer):
    order = serializers.CharField(source="order.number")

    class Meta:
        model = StoreRating
        fields = ["id", "order", "merchant", "description", "service", "logistics", "created_at"]
