"""Review pages: the shopper's order page and review form, the product page's section (constant
queries), sorting by rating, the seller's list and reply, and the page cache following reviews."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace import page_cache
from orders.reviews import services
from orders.reviews.models import ProductReview, StoreRating
from tests.factories import (
    MerchantMemberFactory,
    ProductFactory,
    completed_order,
    completed_order_of,
    image_upload,
    paid_order,
)

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_the_completed_order_page_offers_review_and_store_rating(client, rates):
    order = completed_order()
    client.force_login(order.user)
    page = client.get(order.get_absolute_url(), **EN).content.decode()
    line = order.lines.get()
    assert f"/orders/{order.number}/lines/{line.pk}/review/" in page
    assert f"/orders/{order.number}/rate-store/" in page


def test_a_paid_order_offers_no_review(client, rates):
    order = paid_order()
    client.force_login(order.user)
    page = client.get(order.get_absolute_url(), **EN).content.decode()
    assert "data-review-line" not in page and "data-rate-store" not in page


def test_review_with_a_photo_then_it_shows_on_the_product_page(client, rates):
    order = completed_order()
    line = order.lines.get()
    client.force_login(order.user)
    url = f"/orders/{order.number}/lines/{line.pk}/review/"
    assert client.get(url, **EN).status_code == 200
    answer = client.post(url, {"rating": "4", "text": "Lovely scent", "photos": [image_upload()]}, **EN)
    assert answer.status_code == 302
    review = ProductReview.objects.get()
    assert review.photo_count == 1
    client.logout()
    page = client.get(f"/product/{review.product_id}/", **EN).content.decode()
    assert "Lovely scent" in page and "data-review-photo" in page and "data-rating-bars" in page
    order_page = None
    client.force_login(order.user)
    order_page = client.get(order.get_absolute_url(), **EN).content.decode()
    assert f"/account/reviews/{review.pk}/edit/" in order_page


def test_the_form_shows_the_refusal_and_writes_nothing(client, rates):
    order = completed_order()
    line = order.lines.get()
    client.force_login(order.user)
    url = f"/orders/{order.number}/lines/{line.pk}/review/"
    answer = client.post(url, {"rating": "5", "photos": [image_upload() for _ in range(7)]}, **EN)
    assert answer.status_code == 200
    assert "at most 6 photos" in answer.content.decode()
    assert ProductReview.objects.count() == 0


def test_someone_elses_order_line_is_a_404(client, rates):
    order = completed_order()
    other = completed_order()
    client.force_login(other.user)
    url = f"/orders/{order.number}/lines/{order.lines.get().pk}/review/"
    assert client.post(url, {"rating": "5"}).status_code == 404
    assert (
        client.post(
            f"/orders/{order.number}/rate-store/", {"description": 5, "service": 5, "logistics": 5}
        ).status_code
        == 404
    )
    assert ProductReview.objects.count() == 0 and StoreRating.objects.count() == 0


def test_rate_the_store(client, rates):
    order = completed_order()
    client.force_login(order.user)
    url = f"/orders/{order.number}/rate-store/"
    assert client.get(url, **EN).status_code == 200
    assert client.post(url, {"description": "5", "service": "4", "logistics": "3"}).status_code == 302
    assert StoreRating.objects.get().service == 4
    assert "data-store-rated" in client.get(order.get_absolute_url(), **EN).content.decode()


def test_edit_once_through_the_page(client, rates):
    order = completed_order()
    review = services.review_create(user=order.user, order_line_id=order.lines.get().pk, rating=2, text="Meh")
    client.force_login(order.user)
    url = f"/account/reviews/{review.pk}/edit/"
    assert client.post(url, {"rating": "5", "text": "Great after a week"}).status_code == 302
    answer = client.post(url, {"rating": "1", "text": "Again"}, **EN)
    assert answer.status_code == 200 and "already was" in answer.content.decode()
    review.refresh_from_db()
    assert (review.rating, review.text) == (5, "Great after a week")


def test_an_anonymous_review_shows_a_masked_name(client, rates):
    order = completed_order()
    order.user.username = "shopperlee"
    order.user.save()
    services.review_create(user=order.user, order_line_id=order.lines.get().pk, rating=5, anonymous=True)
    page = client.get(f"/product/{order.lines.get().variant.product_id}/", **EN).content.decode()
    assert "s***e" in page and "shopperlee" not in page


def _product_with_reviews(count):
    product = ProductFactory(prices=["10.00"] * count)
    order = completed_order_of(product, every_option=True)
    for index, line in enumerate(order.lines.all()):
        photos = [image_upload()] if index % 3 == 0 else []
        services.review_create(user=order.user, order_line_id=line.pk, rating=index % 5 + 1, photos=photos)
    staff = MerchantMemberFactory(merchant=product.merchant).user
    for review in ProductReview.objects.filter(product=product)[:2]:
        services.review_reply(user=staff, review_id=review.pk, text="Thanks")
    return product


def test_the_product_page_costs_the_same_queries_with_3_or_30_reviews(client, rates, settings):
    settings.PAGE_CACHE_SECONDS = 0
    counts = []
    for size in (3, 30):
        product = _product_with_reviews(size)
        client.get(f"/product/{product.pk}/", **EN)  # warm the per-version caches of both runs alike
        with CaptureQueriesContext(connection) as queries:
            page = client.get(f"/product/{product.pk}/", **EN)
        assert page.status_code == 200
        assert page.content.decode().count("data-review=") == min(size, 10)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_photos_first_then_newest_and_the_distribution(client, rates):
    product = _product_with_reviews(12)
    page = client.get(f"/product/{product.pk}/", **EN)
    reviews = page.context["reviews"]
    shown = list(reviews.reviews)
    with_photos = [review for review in shown if review.photo_count]
    assert shown[: len(with_photos)] == with_photos  # every review with photos before any without
    assert reviews.count == 12
    assert [bar.count for bar in reviews.bars] == [2, 2, 2, 3, 3]  # 5 stars down to 1
    assert sum(bar.count for bar in reviews.bars) == 12
    second = client.get(f"/product/{product.pk}/?page=2", **EN)
    assert second.content.decode().count("data-review=") == 2


def test_listings_sort_by_rating(client, rates):
    low, high = ProductFactory(name_en="Low rated"), ProductFactory(name_en="High rated")
    unrated = ProductFactory(name_en="Unrated")
    for product, stars in ((low, 2), (high, 5)):
        order = completed_order_of(product)
        services.review_create(user=order.user, order_line_id=order.lines.get().pk, rating=stars)
    page = client.get("/products/?sort=rating", **EN)
    assert [p.pk for p in page.context["products"]][:3] == [high.pk, low.pk, unrated.pk]
    api = client.get("/api/v1/products/?sort=rating").json()
    assert [row["id"] for row in api["results"]][:3] == [high.pk, low.pk, unrated.pk]
    # Each reviewed product's card shows its average and count; an unreviewed one shows none.
    html = page.content.decode()
    assert html.count("data-card-rating=") == 2
    assert 'data-card-rating="5.0"' in html and 'data-card-rating="2.0"' in html


def test_the_seller_lists_its_reviews_and_replies_once(client, rates):
    order = completed_order()
    review = services.review_create(user=order.user, order_line_id=order.lines.get().pk, rating=3, text="OK")
    staff = MerchantMemberFactory(merchant=order.merchant).user
    client.force_login(staff)
    page = client.get("/seller/reviews/", **EN).content.decode()
    assert f'data-seller-review="{review.pk}"' in page
    assert client.post(f"/seller/reviews/{review.pk}/reply/", {"text": "Thank you"}).status_code == 302
    client.post(f"/seller/reviews/{review.pk}/reply/", {"text": "Twice"})
    review.refresh_from_db()
    assert review.reply == "Thank you"
    other = MerchantMemberFactory().user
    client.force_login(other)
    assert f'data-seller-review="{review.pk}"' not in client.get("/seller/reviews/", **EN).content.decode()
    assert client.post(f"/seller/reviews/{review.pk}/reply/", {"text": "Hi"}).status_code == 404


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the page cache runs on PostgreSQL")
def test_a_new_review_and_a_reply_renew_the_cached_product_page(client, rates):
    order = completed_order()
    product_id = order.lines.get().variant.product_id
    url = f"/product/{product_id}/"
    first = client.get(url, **EN).content.decode()
    assert "No reviews yet" in first
    assert page_cache.enabled()
    review = services.review_create(
        user=order.user, order_line_id=order.lines.get().pk, rating=5, text="Fresh"
    )
    assert "Fresh" in client.get(url, **EN).content.decode()
    ProductReview.objects.filter(pk=review.pk).update(reply="Reply from the store")
    assert "Reply from the store" in client.get(url, **EN).content.decode()
