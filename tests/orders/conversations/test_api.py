"""Conversations in the API: start, list, detail, messages after an id, send with a multipart image,
mark read, images; refusals write nothing; hostile input on every database."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from orders.conversations import services
from orders.conversations.models import Conversation, Message
from tests.factories import ProductFactory, conversation_about, image_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    client = APIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_a_shopper_asks_and_the_store_answers_through_the_api(api, product, shopper, store):
    api.force_authenticate(shopper)
    started = api.post("/api/v1/conversations/", {"product": product.pk, "body": "Genuine?"}, format="json")
    assert started.status_code == 201, started.content
    conversation = started.json()
    assert conversation["store"]["slug"] == store.slug and conversation["product"]["id"] == product.pk
    assert [m["body"] for m in conversation["messages"]] == ["Genuine?"] and conversation["messages"][0][
        "mine"
    ]
    first_id = conversation["messages"][0]["id"]
    again = api.post("/api/v1/conversations/", {"product": product.pk, "body": "Hello?"}, format="json")
    assert again.json()["id"] == conversation["id"]

    api.force_authenticate(store.staff)
    listing = api.get("/api/v1/seller/conversations/").json()
    assert listing["count"] == 1 and listing["results"][0]["unread_count"] == 2
    assert listing["results"][0]["awaiting_reply_since"] is not None
    assert api.get("/api/v1/seller/conversations/?waiting=true").json()["count"] == 1
    url = f"/api/v1/seller/conversations/{conversation['id']}/"
    sent = api.post(url + "messages/", {"body": "Yes", "image": image_upload()}, format="multipart")
    assert sent.status_code == 201, sent.content
    answer = sent.json()
    assert answer["side"] == "merchant" and answer["mine"] and answer["response_seconds"] is not None
    assert answer["image_url"] == f"{url}images/{answer['id']}/"
    assert api.post(url + "read/").json() == {"read": True}
    assert api.get("/api/v1/seller/conversations/").json()["results"][0]["unread_count"] == 0
    assert api.get(answer["image_url"])["Content-Type"] == "image/png"

    api.force_authenticate(shopper)
    mine = f"/api/v1/conversations/{conversation['id']}/"
    after = api.get(mine + f"messages/?after={first_id}").json()
    assert [(m["body"], m["mine"]) for m in after] == [("Hello?", True), ("Yes", False)]
    assert api.get(mine).json()["unread_count"] == 1
    image = api.get(mine + f"images/{answer['id']}/")
    assert image.status_code == 200 and b"".join(image.streaming_content).startswith(b"\x89PNG")
    assert api.get(mine + "images/999999/").status_code == 404


def test_refusals_are_clear_and_write_nothing(api, order, product, shopper, other_shopper, other_store):
    api.force_authenticate(other_shopper)
    refused = api.post("/api/v1/conversations/", {"order": order.number, "body": "Hi"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "conversation_not_allowed" and "only about" in refused.json()["detail"]
    api.force_authenticate(other_store.staff)
    assert api.post("/api/v1/conversations/", {"product": product.pk, "body": "Hi"}).status_code == 201
    Conversation.objects.all().delete()
    before = (Conversation.objects.count(), Message.objects.count())
    api.force_authenticate(shopper)
    for body in (
        {"product": product.pk},
        {"product": product.pk, "body": "x" * 2001},
        {"product": product.pk, "body": "text", "image": image_upload("a.gif", fmt="GIF")},
        {"product": 2**62},
        {"order": "nope", "body": "Hi"},
    ):
        response = api.post("/api/v1/conversations/", body, format="multipart")
        assert response.status_code in (400, 403), (body, response.content)
        assert "code" in response.json() or response.status_code == 400
    assert (Conversation.objects.count(), Message.objects.count()) == before


def test_other_people_reach_nothing(api, product, shopper, other_shopper, store, other_store):
    conversation = conversation_about(product, shopper=shopper)
    message = conversation.messages.get()
    services.message_send(conversation_id=conversation.pk, user=shopper, body="pic", image=image_upload())
    image_id = conversation.messages.exclude(image="").get().pk
    shopper_urls = [
        f"/api/v1/conversations/{conversation.pk}/{tail}" for tail in ("", "messages/", f"images/{image_id}/")
    ]
    seller_urls = [
        f"/api/v1/seller/conversations/{conversation.pk}/{tail}"
        for tail in ("", "messages/", f"images/{image_id}/")
    ]
    api.force_authenticate(other_shopper)
    assert api.get("/api/v1/conversations/").json()["count"] == 0
    assert all(api.get(url).status_code == 404 for url in shopper_urls)
    assert api.post(shopper_urls[1], {"body": "x"}).status_code == 404
    assert api.get("/api/v1/seller/conversations/").status_code == 403
    api.force_authenticate(other_store.staff)
    assert api.get("/api/v1/seller/conversations/").json()["count"] == 0
    assert all(api.get(url).status_code == 404 for url in seller_urls)
    assert api.post(seller_urls[1], {"body": "x"}).status_code == 404
    assert api.post(f"/api/v1/seller/conversations/{conversation.pk}/read/").status_code == 404
    api.force_authenticate(store.staff)
    assert all(api.get(url).status_code == 404 for url in shopper_urls)  # the store answers as the store
    assert all(api.get(url).status_code == 200 for url in seller_urls)
    assert Message.objects.filter(conversation=conversation).count() == 2
    assert message.pk


def test_hostile_input(api, product, shopper):
    """A NUL, a huge body, an out-of-range id: each a clear 400, never a 500, nothing written."""
    api.force_authenticate(shopper)
    conversation = conversation_about(product, shopper=shopper)
    url = f"/api/v1/conversations/{conversation.pk}/messages/"
    before = Message.objects.count()
    for body, fmt in (
        ({"body": "nul\x00here"}, "json"),
        ({"body": "nul\x00here"}, "multipart"),
        ({"body": "长" * 2001}, "json"),
        ({"body": "x" * 200_000}, "multipart"),
        ({"body": ""}, "json"),
        ({"image": "not a file"}, "multipart"),
    ):
        response = api.post(url, body, format=fmt)
        assert response.status_code == 400, (body.keys(), fmt, response.status_code, response.content[:200])
    assert api.get(url + "?after=abc").status_code == 400
    assert api.get(url + "?after=99999999999999999999999999").status_code == 200
    assert api.get("/api/v1/conversations/99999999999999999999/").status_code == 404
    huge = api.post("/api/v1/conversations/", {"product": product.pk, "body": "y" * 3_000_000}, format="json")
    assert huge.status_code in (400, 413)
    assert Message.objects.count() == before


def test_the_sellers_api_list_takes_the_same_queries_at_two_sizes(api, product, store):
    api.force_authenticate(store.staff)

    def grow(n):
        for _ in range(n):
            conversation = conversation_about(product)
            services.message_send(conversation_id=conversation.pk, user=store.staff, body="A")

    grow(2)
    api.get("/api/v1/seller/conversations/")
    with CaptureQueriesContext(connection) as small:
        api.get("/api/v1/seller/conversations/")
    grow(10)
    with CaptureQueriesContext(connection) as large:
        assert api.get("/api/v1/seller/conversations/").json()["count"] == 12
    assert len(large) == len(small)


def test_a_draft_products_store_is_not_reachable(api, rates, store, shopper):
    api.force_authenticate(shopper)
    draft = ProductFactory(merchant=store, publish=False)
    response = api.post("/api/v1/conversations/", {"product": draft.pk, "body": "Hi"}, format="json")
    assert response.status_code == 403 and not Conversation.objects.exists()
