"""Reviews: after completion the buyer rates each product bought (one review per order line) and the
store once per order on description, service and logistics (docs/rules.md, "Reviews")."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def _stars(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=models.Q(**{f"{field}__gte": 1, f"{field}__lte": 5}), name=name)


class ProductReview(models.Model):
    order_line = models.OneToOneField("orders.OrderLine", on_delete=models.PROTECT, related_name="review")
    product = models.ForeignKey("marketplace.Product", on_delete=models.CASCADE, related_name="reviews")
    merchant = models.ForeignKey(
        "merchants.Merchant", on_delete=models.CASCADE, related_name="product_reviews"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField(_("rating"))
    text = models.TextField(_("review"), max_length=2000, blank=True)
    anonymous = models.BooleanField(_("show without my name"), default=False)
    photo_count = models.PositiveSmallIntegerField(default=0)  # photos first on the product page
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    edited_at = models.DateTimeField(null=True, blank=True)  # editable once, within 30 days
    reply = models.TextField(_("the store's reply"), max_length=2000, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("product review")
        verbose_name_plural = _("product reviews")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["product", "-photo_count", "-created_at"])]
        constraints = [
            _stars("rating", "review_rating_1_to_5"),
            models.CheckConstraint(condition=models.Q(photo_count__lte=6), name="review_at_most_6_photos"),
        ]

    def __str__(self):
        return f"{self.product_id}: {self.rating}"



class ReviewPhoto(models.Model):
    """A review's photo: public (shown on the product page), checked by content at upload."""

    review = models.ForeignKey(ProductReview, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="reviews/%Y/%m/")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.review_id}: {self.image.name}"



class StoreRating(models.Model):
    """The buyer's three scores of the store for one completed order (the credit page's ratings)."""

    order = models.OneToOneField("orders.Order", on_delete=models.PROTECT, related_name="store_rating")
    merchant = models.ForeignKey("merchants.Merchant", on_delete=models.CASCADE, related_name="store_ratings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    description = models.PositiveSmallIntegerField(_("as described"))
    service = models.PositiveSmallIntegerField(_("service"))
    logistics = models.PositiveSmallIntegerField(_("logistics"))
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["merchant", "created_at"])]
        constraints = [
            _stars("description", "store_rating_description_1_to_5"),
            _stars("service", "store_rating_service_1_to_5"),
            _stars("logistics", "store_rating_logistics_1_to_5"),
        ]

    def __str__(self):
        return f"{self.merchant_id}: {self.description}/{self.service}/{self.logistics}"
