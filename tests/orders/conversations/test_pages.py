"""The conversation pages: asking from a product or an order, the shopper's and the store's lists and
threads, the polling endpoint, marking read and private images; query counts stay constant."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from marketplace.notifications.models import Notification
from orders.conversations import services
from orders.conversations.models import Conversation, Message
from tests.factories import StaffFactory, UserFactory, conversation_about, image_upload

pytestmark = pytest.mark.django_db


def test_ask_the_store_from_the_product_page(client, product, shopper, store):
    client.force_login(shopper)
    page = client.get(product.get_absolute_url()).content.decode()
    assert f'href="/messages/new/?product={product.pk}"' in page
    form = client.get(f"/messages/new/?product={product.pk}")
    assert form.status_code == 200 and product.name_en in form.content.decode()
    response = client.post("/messages/new/", {"product": product.pk, "body": "Is it genuine?"})
    conversation = Conversation.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/messages/{conversation.pk}/#composer"
    thread = client.get(f"/messages/{conversation.pk}/").content.decode()
    assert "Is it genuine?" in thread and 'src="/static/js/conversations.js"' in thread
    # Asking again from the product page goes to the thread.
    assert client.get(f"/messages/new/?product={product.pk}")["Location"] == f"/messages/{conversation.pk}/"


def test_contact_the_store_from_the_order_page(client, order, shopper):
    client.force_login(shopper)
    assert (
        f'href="/messages/new/?order={order.number}"' in client.get(order.get_absolute_url()).content.decode()
    )
    response = client.post("/messages/new/", {"order": order.number, "body": "Where is my parcel?"})
    assert response.status_code == 302
    assert Conversation.objects.get().order == order


def test_a_message_about_someone_elses_order_is_refused_and_nothing_written(client, order, other_shopper):
    client.force_login(other_shopper)
    response = client.post("/messages/new/", {"order": order.number, "body": "Hello"})
    assert response.status_code == 403
    assert "only about one of its products" in response.content.decode()
    assert not Conversation.objects.exists() and not Message.objects.exists()
    assert client.get(f"/messages/new/?order={order.number}").status_code == 403


def test_a_bad_message_shows_on_the_form(client, product, shopper):
    client.force_login(shopper)
    response = client.post(
        "/messages/new/", {"product": product.pk, "body": "", "image": image_upload()}, follow=False
    )
    assert response.status_code == 302  # an image alone is a message
    conversation = Conversation.objects.get()
    bad = client.post(f"/messages/{conversation.pk}/", {"body": "x" * 2001})
    assert bad.status_code == 400 and "at most 2000 characters" in bad.content.decode()
    text = client.post(f"/messages/{conversation.pk}/", {"image": image_upload("a.png") and _text_as_png()})
    assert text.status_code == 400 and "only JPEG, PNG and WebP" in text.content.decode()
    assert Message.objects.count() == 1


def _text_as_png():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("photo.png", b"hello, I am text", content_type="image/png")


def test_the_store_answers_from_the_dashboard(client, product, shopper, store):
    conversation = conversation_about(product, shopper=shopper, body="Does it fit?")
    services.message_send(conversation_id=conversation.pk, user=shopper, body="Size M?")
    client.force_login(store.staff)
    listing = client.get("/seller/messages/").content.decode()
    assert "data-unread>2<" in listing and "shopper-a" in listing and "data-waiting><strong" in listing
    assert client.get("/seller/messages/?show=waiting").content.decode().count("data-conversation=") == 1
    thread = client.get(f"/seller/messages/{conversation.pk}/")
    assert thread.status_code == 200 and "Size M?" in thread.content.decode()
    assert "data-unread>" not in client.get("/seller/messages/").content.decode()  # read by opening
    response = client.post(f"/seller/messages/{conversation.pk}/", {"body": "Yes, M fits."})
    assert response.status_code == 302
    assert "Answered" in client.get("/seller/messages/").content.decode()
    assert client.get("/seller/messages/?show=waiting").content.decode().count("data-conversation=") == 0
    client.force_login(shopper)
    mine = client.get("/messages/").content.decode()
    assert "data-unread>1<" in mine and "Yes, M fits." in mine


def test_polling_returns_the_messages_after_an_id_and_marking_read(client, product, shopper, store):
    conversation = conversation_about(product, shopper=shopper, body="Hi")
    first = conversation.messages.get()
    answer = services.message_send(conversation_id=conversation.pk, user=store.staff, body="<b>Hello</b>")
    client.force_login(shopper)
    data = client.get(f"/messages/{conversation.pk}/updates/?after={first.pk}").json()
    assert [m["id"] for m in data["messages"]] == [answer.pk]
    assert (
        data["messages"][0] | {"created_at": None, "time": None}
        == {
            "id": answer.pk,
            "side": "merchant",
            "mine": False,
            "sender": "Store",
            "body": "<b>Hello</b>",
            "image_url": None,
            "created_at": None,
            "time": None,
        }
        and data["last_id"] == answer.pk
    )
    assert client.get(f"/messages/{conversation.pk}/updates/?after={answer.pk}").json()["messages"] == []
    assert client.get(f"/messages/{conversation.pk}/updates/?after=abc").status_code == 400
    assert (
        client.get(f"/messages/{conversation.pk}/updates/?after=99999999999999999999999").status_code == 200
    )
    assert Notification.objects.get(user=shopper).read_at is None
    assert client.post(f"/messages/{conversation.pk}/read/").json() == {"read": True}
    assert Notification.objects.get(user=shopper).read_at is not None
    client.force_login(store.staff)  # the store polls the same endpoint
    assert client.get(f"/messages/{conversation.pk}/updates/").json()["messages"][1]["mine"] is True


def test_images_are_shown_only_to_the_two_parties_and_staff(
    client, product, shopper, other_shopper, store, other_store
):
    conversation = services.conversation_start(shopper=shopper, product_id=product.pk, image=image_upload())
    message = conversation.messages.get()
    url = f"/messages/images/{message.pk}/"
    for user, expected in (
        (None, 403),
        (other_shopper, 404),
        (other_store.staff, 404),
        (shopper, 200),
        (store.staff, 200),
        (StaffFactory(), 200),
    ):
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(url)
        assert response.status_code == expected, (user, response.status_code)
        if expected == 200:
            assert response["Content-Type"] == "image/png"
            assert response["Cache-Control"] == "private, no-store"
            assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    client.force_login(shopper)
    assert url in client.get(f"/messages/{conversation.pk}/").content.decode()
    assert "/media/" not in client.get(f"/messages/{conversation.pk}/").content.decode()


def test_platform_staff_read_a_thread_but_do_not_write(client, product, shopper):
    conversation = conversation_about(product, shopper=shopper, body="Hi")
    client.force_login(StaffFactory())
    page = client.get(f"/messages/{conversation.pk}/")
    assert (
        page.status_code == 200
        and "Hi" in page.content.decode()
        and 'id="composer"' not in page.content.decode()
    )
    assert client.post(f"/messages/{conversation.pk}/", {"body": "Staff"}).status_code == 403
    assert Message.objects.count() == 1


def _grow(product, store, n):
    for _ in range(n):
        conversation = conversation_about(product, body="Question")
        services.message_send(conversation_id=conversation.pk, user=store.staff, body="Answer")
        services.message_send(
            conversation_id=conversation.pk, user=conversation.shopper, body="Thanks", image=image_upload()
        )


@pytest.mark.parametrize("url", ["/seller/messages/", "/seller/messages/?show=waiting"])
def test_the_sellers_list_takes_the_same_queries_at_two_sizes(client, product, store, url):
    client.force_login(store.staff)
    _grow(product, store, 2)
    client.get(url)  # the first request of a session writes it
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _grow(product, store, 12)
    client.get(url)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.content.decode().count("data-conversation=") == 14
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


def test_the_shoppers_list_and_a_thread_take_the_same_queries_at_two_sizes(client, rates, store):
    from tests.factories import ProductFactory

    shopper = UserFactory()
    client.force_login(shopper)

    def grow(n):
        for _ in range(n):
            conversation = conversation_about(ProductFactory(merchant=store), shopper=shopper, body="Q")
            services.message_send(conversation_id=conversation.pk, user=store.staff, body="A")
        return conversation

    conversation = grow(2)
    client.get("/messages/")  # the first request of a session writes it
    with CaptureQueriesContext(connection) as small:
        client.get("/messages/")
    with CaptureQueriesContext(connection) as small_thread:
        client.get(f"/messages/{conversation.pk}/")
    grow(10)
    for _ in range(10):
        services.message_send(conversation_id=conversation.pk, user=store.staff, body="More")
    client.get("/messages/")  # new products changed the cached category tree the header reads
    with CaptureQueriesContext(connection) as large:
        client.get("/messages/")
    with CaptureQueriesContext(connection) as large_thread:
        client.get(f"/messages/{conversation.pk}/")
    assert len(large) == len(small)
    assert len(large_thread) == len(small_thread)


def test_the_json_endpoint_is_not_cached(client, product, shopper):
    conversation = conversation_about(product, shopper=shopper)
    client.force_login(shopper)
    response = client.get(f"/messages/{conversation.pk}/updates/")
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert json.loads(response.content)["awaiting_reply"] is True


def test_hostile_input_on_the_pages(client, product, shopper, store):
    """A NUL, a huge body, ids out of range: a clear 4xx, never a 500, nothing written."""
    conversation = conversation_about(product, shopper=shopper)
    client.force_login(shopper)
    before = Message.objects.count()
    for data in ({"body": "nul\x00here"}, {"body": "长" * 100_000}):
        response = client.post(f"/messages/{conversation.pk}/", data)
        assert response.status_code == 400, (response.status_code, response.content[:300])
    assert client.post("/messages/new/", {"product": "9" * 30, "body": "Hi"}).status_code == 403
    assert client.post("/messages/new/", {"product": "1\x00", "body": "Hi"}).status_code == 400
    assert client.get("/messages/99999999999999999999999/").status_code == 404
    assert client.get("/messages/images/99999999999999999999999/").status_code == 404
    client.force_login(store.staff)
    response = client.post(f"/seller/messages/{conversation.pk}/", {"body": "nul\x00here"})
    assert response.status_code == 400
    assert Message.objects.count() == before
