"""Reviews through the API: create (multipart with photos, or JSON), edit once, reply once, store
ratings, the public list; hostile input answers 4xx and writes nothing (run on PostgreSQL too)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from orders.reviews import services
from orders.reviews.models import ProductReview, ReviewPhoto, StoreRating
from tests.factories import MerchantMemberFactory, UserFactory, completed_order, image_upload

pytestmark = pytest.mark.django_db


def _client(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_create_with_photos_then_edit_once(rates):
    order = completed_order()
    line = order.lines.get()
    client = _client(order.user)
    answer = client.post(
        "/api/v1/reviews/",
        {
            "order_line": line.pk,
            "rating": 4,
            "text": "Nice",
            "anonymous": "true",
            "photos": [image_upload(), image_upload()],
        },
        format="multipart",
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["rating"] == 4 and len(body["photos"]) == 2 and body["anonymous"] is True
    review_id = body["id"]
    assert (
        client.put(
            f"/api/v1/reviews/{review_id}/", {"rating": 5, "text": "Better", "anonymous": True}, format="json"
        ).status_code
        == 200
    )
    again = client.put(f"/api/v1/reviews/{review_id}/", {"rating": 1}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "review_not_editable"
    public = _client().get(f"/api/v1/products/{line.variant.product_id}/reviews/").json()
    assert public["count"] == 1 and public["average"] == "5.00"
    assert public["results"][0]["text"] == "Better" and "*" in public["results"][0]["author"]
    assert [bar["stars"] for bar in public["distribution"]] == [5, 4, 3, 2, 1]


def test_refusals_write_nothing(rates):
    order = completed_order()
    line = order.lines.get()
    client = _client(order.user)
    seven = client.post(
        "/api/v1/reviews/",
        {"order_line": line.pk, "rating": 5, "photos": [image_upload() for _ in range(7)]},
        format="multipart",
    )
    assert seven.status_code == 400
    fake = SimpleUploadedFile("x.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    not_image = client.post(
        "/api/v1/reviews/", {"order_line": line.pk, "rating": 5, "photos": [fake]}, format="multipart"
    )
    assert not_image.status_code == 400 and not_image.json()["code"] == "invalid_image"
    stranger = _client(UserFactory()).post(
        "/api/v1/reviews/", {"order_line": line.pk, "rating": 5}, format="json"
    )
    assert stranger.status_code == 404
    assert ProductReview.objects.count() == 0 and ReviewPhoto.objects.count() == 0


def test_reply_once_and_only_by_the_store(rates):
    order = completed_order()
    review = services.review_create(user=order.user, order_line_id=order.lines.get().pk, rating=3)
    staff = MerchantMemberFactory(merchant=order.merchant).user
    other = MerchantMemberFactory().user
    url = f"/api/v1/seller/reviews/{review.pk}/reply/"
    assert _client(other).post(url, {"text": "Hi"}, format="json").status_code == 404
    assert _client(staff).post(url, {"text": "Thanks"}, format="json").status_code == 200
    assert _client(staff).post(url, {"text": "Again"}, format="json").status_code == 409
    listed = _client(staff).get("/api/v1/seller/reviews/").json()
    assert [row["id"] for row in listed] == [review.pk] and listed[0]["reply"] == "Thanks"
    assert _client(other).get("/api/v1/seller/reviews/").json() == []


def test_store_rating_once(rates):
    order = completed_order()
    client = _client(order.user)
    body = {"order": order.number, "description": 5, "service": 4, "logistics": 4}
    assert client.post("/api/v1/store-ratings/", body, format="json").status_code == 201
    assert client.post("/api/v1/store-ratings/", body, format="json").status_code == 409
    assert _client(UserFactory()).post("/api/v1/store-ratings/", body, format="json").status_code == 404
    assert StoreRating.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"order_line": "1e309", "rating": 5},
        {"order_line": 2**64, "rating": 5},
        {"order_line": -1, "rating": 5},
        {"order_line": "LINE", "rating": 5},
        {"rating": 5},
        {"order_line": 1, "rating": "5\x00"},
        {"order_line": 1, "rating": 10**30},
        {"order_line": 1, "rating": 5, "text": "x" * 5000},
        {"order_line": 1, "rating": 5, "text": "bad \x00 nul"},
        {"order_line": 1, "rating": 5, "text": "\ud800 lone surrogate"},
        {"order_line": 1, "rating": 5, "anonymous": "maybe"},
        {"order_line": [1, 2], "rating": {"a": 1}},
    ],
)
def test_hostile_review_input_is_a_4xx_and_writes_nothing(rates, body):
    order = completed_order()
    body = {**body, "order_line": order.lines.get().pk} if body.get("order_line") == 1 else body
    # json.dumps escapes what the test client could not encode (a lone surrogate), as a hostile client would.
    answer = _client(order.user).generic(
        "POST", "/api/v1/reviews/", json.dumps(body), content_type="application/json"
    )
    assert 400 <= answer.status_code < 500, answer.content
    assert ProductReview.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        {"order": "\x00", "description": 5, "service": 5, "logistics": 5},
        {"order": "x" * 500, "description": 5, "service": 5, "logistics": 5},
        {"order": "1", "description": 0, "service": 6, "logistics": "五"},
        {"order": ["a"], "description": 5, "service": 5, "logistics": 5},
    ],
)
def test_hostile_store_rating_input(rates, body):
    user = UserFactory()
    answer = _client(user).post("/api/v1/store-ratings/", body, format="json")
    assert 400 <= answer.status_code < 500
    assert StoreRating.objects.count() == 0


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999999999999999999", "1e3", "\u0661"])
def test_hostile_page_numbers_on_the_public_list(rates, page):
    order = completed_order()
    product_id = order.lines.get().variant.product_id
    answer = _client().get(f"/api/v1/products/{product_id}/reviews/", {"page": page})
    assert answer.status_code == 200
    html = _client().get(f"/product/{product_id}/", {"page": page})
    assert html.status_code == 200
