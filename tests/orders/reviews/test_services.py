"""Review rules and refusals (docs/rules.md, "Reviews"): every refusal writes nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from marketplace.notifications.models import Notification
from marketplace.uploads import InvalidImage
from orders.models import Order
from orders.reviews import errors, services
from orders.reviews.models import ProductReview, ReviewPhoto, StoreRating
from tests.factories import (
    MerchantMemberFactory,
    ProductFactory,
    UserFactory,
    completed_order,
    completed_order_of,
    delivered_order,
    image_upload,
)

pytestmark = pytest.mark.django_db


def _nothing_written():
    assert ProductReview.objects.count() == 0
    assert ReviewPhoto.objects.count() == 0


def test_the_buyer_reviews_a_completed_line_and_the_product_figures_follow(rates):
    order = completed_order()
    staff = MerchantMemberFactory(merchant=order.merchant).user
    line = order.lines.get()
    review = services.review_create(
        user=order.user,
        order_line_id=line.pk,
        rating=4,
        text="Good",
        anonymous=True,
        photos=[image_upload(), image_upload(kind="JPEG", name="b.jpg")],
    )
    assert review.photo_count == 2 and review.photos.count() == 2
    assert review.product_id == line.variant.product_id and review.merchant_id == order.merchant_id
    product = review.product
    product.refresh_from_db()
    assert (product.rating_average, product.rating_count) == (Decimal("4.00"), 1)
    note = Notification.objects.get(user=staff)
    assert note.kind == "review" and "4" in note.title_en


def test_the_average_is_exact_over_several_reviews(rates):
    product = ProductFactory()
    for stars in (5, 4, 4):
        order = completed_order_of(product)
        services.review_create(user=order.user, order_line_id=order.lines.get().pk, rating=stars)
    product.refresh_from_db()
    assert product.rating_count == 3
    assert product.rating_average == Decimal("4.33")


def test_a_delivered_order_is_not_yet_reviewable(rates):
    order = delivered_order()
    with pytest.raises(errors.OrderNotCompleted):
        services.review_create(user=order.user, order_line_id=order.lines.get().pk, rating=5)
    with pytest.raises(errors.OrderNotCompleted):
        services.store_rate(user=order.user, order_id=order.pk, description=5, service=5, logistics=5)
    _nothing_written()
    assert StoreRating.objects.count() == 0


def test_someone_elses_order_is_not_found(rates):
    order = completed_order()
    stranger = UserFactory()
    with pytest.raises(errors.ReviewNotFound):
        services.review_create(user=stranger, order_line_id=order.lines.get().pk, rating=5)
    with pytest.raises(errors.ReviewNotFound):
        services.store_rate(user=stranger, order_id=order.pk, description=5, service=5, logistics=5)
    with pytest.raises(errors.ReviewNotFound):
        services.review_create(user=order.user, order_line_id=10**9, rating=5)
    _nothing_written()


def test_one_review_per_line(rates):
    order = completed_order()
    line = order.lines.get()
    services.review_create(user=order.user, order_line_id=line.pk, rating=5)
    with pytest.raises(errors.AlreadyReviewed):
        services.review_create(user=order.user, order_line_id=line.pk, rating=1, photos=[image_upload()])
    assert ProductReview.objects.count() == 1 and ReviewPhoto.objects.count() == 0
    line.variant.product.refresh_from_db()
    assert line.variant.product.rating_count == 1


def test_too_late_to_review(rates, settings):
    order = completed_order()
    Order.objects.filter(pk=order.pk).update(
        closed_at=timezone.now() - timedelta(days=settings.REVIEW_WINDOW_DAYS + 1)
    )
    with pytest.raises(errors.ReviewWindowClosed):
        services.review_create(user=order.user, order_line_id=order.lines.get().pk, rating=5)
    with pytest.raises(errors.ReviewWindowClosed):
        services.store_rate(user=order.user, order_id=order.pk, description=5, service=5, logistics=5)
    _nothing_written()


def test_seven_photos_are_refused(rates):
    order = completed_order()
    with pytest.raises(errors.TooManyPhotos) as refused:
        services.review_create(
            user=order.user,
            order_line_id=order.lines.get().pk,
            rating=5,
            photos=[image_upload() for _ in range(7)],
        )
    assert "6" in str(refused.value) and "7" in str(refused.value)
    _nothing_written()


def test_a_file_that_is_not_an_image_is_refused(rates):
    order = completed_order()
    fake = SimpleUploadedFile("photo.png", b"%PDF-1.4 not an image", content_type="image/png")
    with pytest.raises(InvalidImage):
        services.review_create(
            user=order.user, order_line_id=order.lines.get().pk, rating=5, photos=[image_upload(), fake]
        )
    _nothing_written()


@pytest.mark.parametrize("rating", [0, 6, -1, "5.5", None, True, "five", 3.0])
def test_a_rating_outside_1_to_5_is_refused(rates, rating):
    order = completed_order()
    with pytest.raises(errors.InvalidReview):
        services.review_create(user=order.user, order_line_id=order.lines.get().pk, rating=rating)
    _nothing_written()


def test_text_over_2000_characters_is_refused(rates):
    order = completed_order()
    with pytest.raises(errors.InvalidReview):
        services.review_create(user=order.user, order_line_id=order.lines.get().pk, rating=5, text="x" * 2001)
    _nothing_written()


def test_edit_once_within_the_edit_window(rates):
    order = completed_order()
    review = services.review_create(
        user=order.user, order_line_id=order.lines.get().pk, rating=2, photos=[image_upload()]
    )
    services.review_edit(user=order.user, review_id=review.pk, rating=5, text="Better after all")
    review.refresh_from_db()
    assert (review.rating, review.text, review.photo_count) == (5, "Better after all", 1)  # photos kept
    review.product.refresh_from_db()
    assert review.product.rating_average == Decimal("5.00")
    with pytest.raises(errors.ReviewNotEditable):
        services.review_edit(user=order.user, review_id=review.pk, rating=1)
    review.refresh_from_db()
    assert review.rating == 5


def test_edit_replaces_photos_when_given(rates):
    order = completed_order()
    review = services.review_create(
        user=order.user, order_line_id=order.lines.get().pk, rating=3, photos=[image_upload()]
    )
    services.review_edit(
        user=order.user,
        review_id=review.pk,
        rating=3,
        photos=[image_upload(), image_upload(), image_upload()],
    )
    review.refresh_from_db()
    assert review.photo_count == 3 == review.photos.count()


def test_edit_too_late_or_by_someone_else(rates, settings):
    order = completed_order()
    review = services.review_create(user=order.user, order_line_id=order.lines.get().pk, rating=3)
    with pytest.raises(errors.ReviewNotFound):
        services.review_edit(user=UserFactory(), review_id=review.pk, rating=5)
    ProductReview.objects.filter(pk=review.pk).update(
        created_at=timezone.now() - timedelta(days=settings.REVIEW_EDIT_DAYS + 1)
    )
    with pytest.raises(errors.ReviewNotEditable):
        services.review_edit(user=order.user, review_id=review.pk, rating=5)
    review.refresh_from_db()
    assert review.rating == 3 and review.edited_at is None


def test_the_store_replies_once_and_the_shopper_is_told(rates):
    order = completed_order()
    review = services.review_create(user=order.user, order_line_id=order.lines.get().pk, rating=3)
    staff = MerchantMemberFactory(merchant=order.merchant).user
    services.review_reply(user=staff, review_id=review.pk, text="Thank you, we will do better.")
    review.refresh_from_db()
    assert review.reply == "Thank you, we will do better." and review.replied_by == staff
    note = Notification.objects.get(user=order.user, kind="review")
    assert f"/product/{review.product_id}/" in note.url
    with pytest.raises(errors.AlreadyReplied):
        services.review_reply(user=staff, review_id=review.pk, text="Again")
    review.refresh_from_db()
    assert review.reply == "Thank you, we will do better."


def test_another_store_or_the_shopper_cannot_reply(rates):
    order = completed_order()
    review = services.review_create(user=order.user, order_line_id=order.lines.get().pk, rating=3)
    other = MerchantMemberFactory().user
    for user in (other, order.user, UserFactory()):
        with pytest.raises(errors.ReviewNotFound):
            services.review_reply(user=user, review_id=review.pk, text="Hi")
    staff = MerchantMemberFactory(merchant=order.merchant).user
    with pytest.raises(errors.InvalidReview):
        services.review_reply(user=staff, review_id=review.pk, text="   ")
    review.refresh_from_db()
    assert review.replied_at is None


def test_store_rating_once_per_order(rates):
    order = completed_order()
    rating = services.store_rate(user=order.user, order_id=order.pk, description=5, service="4", logistics=3)
    assert (rating.description, rating.service, rating.logistics, rating.merchant_id) == (
        5,
        4,
        3,
        order.merchant_id,
    )
    with pytest.raises(errors.AlreadyRated):
        services.store_rate(user=order.user, order_id=order.pk, description=1, service=1, logistics=1)
    with pytest.raises(errors.InvalidReview):
        services.store_rate(user=order.user, order_id=order.pk, description=5, service=0, logistics=5)
    assert StoreRating.objects.count() == 1
