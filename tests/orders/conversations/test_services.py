"""Conversation services: who may write to whom, refusals that write nothing, read marks, the store's
waiting clock and its first-response time counted in business hours."""

import datetime
from contextlib import contextmanager
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from marketplace.errors import DomainError
from marketplace.notifications.models import Notification
from marketplace.uploads import InvalidImage
from orders.conversations import errors, selectors, services
from orders.conversations.hours import business_seconds
from orders.conversations.models import Conversation, Message
from tests.factories import MerchantMemberFactory, ProductFactory, image_upload, paid_order

CHINA = ZoneInfo("Asia/Shanghai")
pytestmark = pytest.mark.django_db


def china(*args):
    return datetime.datetime(*args, tzinfo=CHINA)


@contextmanager
def at(moment):
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def counts():
    return Conversation.objects.count(), Message.objects.count(), Notification.objects.count()


# --- Who may write about what ----------------------------------------------------------------------


def test_asking_about_a_published_product_and_again_continues_the_thread(product, shopper, store):
    first = services.conversation_start(shopper=shopper, product_id=product.pk, body="Is it genuine?")
    again = services.conversation_start(shopper=shopper, product_id=product.pk, body="And the expiry date?")
    assert first.pk == again.pk
    assert (first.merchant, first.product, first.order) == (store, product, None)
    assert list(again.messages.values_list("side", "body")) == [
        ("shopper", "Is it genuine?"),
        ("shopper", "And the expiry date?"),
    ]


def test_a_shopper_writes_about_their_own_order(order, shopper, store):
    conversation = services.conversation_start(shopper=shopper, order_number=order.number, body="When?")
    assert (conversation.merchant, conversation.order, conversation.product) == (store, order, None)
    # The store in general, once they have an order together.
    general = services.conversation_start(shopper=shopper, merchant_id=store.pk, body="Hello")
    assert general.pk != conversation.pk and general.order is None and general.product is None


def test_a_product_with_a_thread_cannot_be_deleted_so_threads_keep_their_subject(product, shopper, store):
    """Deleting the subject (SET_NULL) would turn the product's thread into a second "general" thread
    beside the pair's existing one; PROTECT refuses it and leaves both threads as they were."""
    from django.db.models import ProtectedError

    about_product = services.conversation_start(shopper=shopper, product_id=product.pk, body="Genuine?")
    with pytest.raises(ProtectedError):
        product.delete()
    about_product.refresh_from_db()
    assert about_product.product_id == product.pk


@pytest.mark.parametrize(
    "subject",
    ["someone_elses_order", "draft_product", "unknown_product", "store_without_order", "nothing", "huge_id"],
)
def test_a_message_to_a_store_you_have_no_order_or_product_with_is_refused_and_nothing_written(
    subject, rates, store, shopper, other_shopper
):
    kwargs = {
        "someone_elses_order": lambda: {
            "order_number": paid_order(merchant=store, user=other_shopper).number
        },
        "draft_product": lambda: {"product_id": ProductFactory(merchant=store, publish=False).pk},
        "unknown_product": lambda: {"product_id": 987654},
        "store_without_order": lambda: {"merchant_id": store.pk},
        "nothing": lambda: {},
        "huge_id": lambda: {"product_id": 2**70},
    }[subject]()
    before = counts()
    with pytest.raises(errors.NothingToTalkAbout) as refused:
        services.conversation_start(shopper=shopper, body="Hi", **kwargs)
    assert "only about one of its products" in str(refused.value)
    assert counts() == before


def test_a_stores_own_staff_cannot_open_a_thread_with_their_store(product, store):
    before = counts()
    with pytest.raises(errors.OwnStore):
        services.conversation_start(shopper=store.staff, product_id=product.pk, body="Test")
    assert counts() == before


def test_only_the_shopper_and_the_stores_staff_write(product, shopper, other_shopper, store, other_store):
    conversation = services.conversation_start(shopper=shopper, product_id=product.pk, body="Hi")
    colleague = MerchantMemberFactory(merchant=store).user
    before = counts()
    for outsider in (other_shopper, other_store.staff):
        with pytest.raises(errors.NotAParty):
            services.message_send(conversation_id=conversation.pk, user=outsider, body="Me too")
        with pytest.raises(errors.NotAParty):
            services.conversation_mark_read(conversation_id=conversation.pk, user=outsider)
    assert counts() == before
    answer = services.message_send(conversation_id=conversation.pk, user=colleague, body="Yes, it is.")
    assert answer.side == Message.Side.MERCHANT and answer.sender == colleague


@pytest.mark.parametrize(
    ("body", "image", "error"),
    [
        ("", None, errors.EmptyMessage),
        ("   \n ", None, errors.EmptyMessage),
        ("bad\x00text", None, errors.UnstorableText),
        ("x" * 2001, None, errors.MessageTooLong),
        ("look", SimpleUploadedFile("x.png", b"not an image at all", content_type="image/png"), InvalidImage),
        (
            "",
            SimpleUploadedFile("x.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", content_type="image/gif"),
            InvalidImage,
        ),
    ],
)
def test_a_bad_first_message_leaves_no_thread_behind(product, shopper, body, image, error):
    before = counts()
    with pytest.raises(error) as refused:
        services.conversation_start(shopper=shopper, product_id=product.pk, body=body, image=image)
    assert isinstance(refused.value, DomainError) and str(refused.value)
    assert counts() == before


def test_an_image_is_checked_by_content_and_kept_privately(product, shopper, settings):
    conversation = services.conversation_start(
        shopper=shopper, product_id=product.pk, image=image_upload("../../etc/passwd.png")
    )
    message = conversation.messages.get()
    assert message.body == "" and message.image_content_type == "image/png"
    assert message.image.path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert "passwd" not in message.image.name and message.image.name.endswith(".png")
    with pytest.raises(ValueError):
        message.image.url  # noqa: B018  (private storage has no public URL)


# --- Read marks, the waiting clock, notifications --------------------------------------------------


def test_read_marks_and_unread_counts(product, shopper, store):
    conversation = services.conversation_start(shopper=shopper, product_id=product.pk, body="One")
    services.message_send(conversation_id=conversation.pk, user=shopper, body="Two")
    listed = selectors.conversations_for_merchant(store).get()
    assert listed.unread_count == 2
    assert selectors.unread_total(user=store.staff, side="merchant") == 2
    services.conversation_mark_read(conversation_id=conversation.pk, user=store.staff)
    assert selectors.conversations_for_merchant(store).get().unread_count == 0
    services.message_send(conversation_id=conversation.pk, user=store.staff, body="Answer")
    assert selectors.conversations_for_shopper(shopper).get().unread_count == 1
    assert selectors.conversations_for_merchant(store).get().unread_count == 0  # its own answer
    services.conversation_mark_read(conversation_id=conversation.pk, user=shopper)
    assert selectors.conversations_for_shopper(shopper).get().unread_count == 0


def test_a_burst_of_messages_notifies_once_until_read(product, shopper, store):
    colleague = MerchantMemberFactory(merchant=store).user
    conversation = services.conversation_start(shopper=shopper, product_id=product.pk, body="One")
    for text in ("Two", "Three", "Four"):
        services.message_send(conversation_id=conversation.pk, user=shopper, body=text)
    for member in (store.staff, colleague):
        notes = Notification.objects.filter(user=member, kind="message")
        assert notes.count() == 1, "one unread notification per conversation"
        assert notes.get().url == f"/seller/messages/{conversation.pk}/"
        assert "shopper-a" in notes.get().title_en
    assert not Notification.objects.filter(user=shopper).exists()  # nobody is told of their own words
    services.conversation_mark_read(conversation_id=conversation.pk, user=store.staff)
    assert Notification.objects.get(user=store.staff).read_at is not None
    services.message_send(conversation_id=conversation.pk, user=shopper, body="Five")
    assert Notification.objects.filter(user=store.staff).count() == 2  # read, so the next one tells
    assert Notification.objects.filter(user=colleague).count() == 1  # still unread: nothing new
    services.message_send(conversation_id=conversation.pk, user=store.staff, body="Here")
    note = Notification.objects.get(user=shopper)
    assert note.url == f"/messages/{conversation.pk}/" and note.body_en == "“Here”"


def test_the_waiting_clock_and_the_first_response_in_business_hours(product, shopper, store):
    # The store answers 09:00-21:00 China time (the default).
    with at(china(2026, 3, 2, 10, 0)):
        conversation = services.conversation_start(shopper=shopper, product_id=product.pk, body="Hi?")
    with at(china(2026, 3, 2, 10, 30)):
        services.message_send(conversation_id=conversation.pk, user=shopper, body="Anyone?")
    conversation.refresh_from_db()
    assert conversation.awaiting_reply_since == china(2026, 3, 2, 10, 0)  # the oldest unanswered
    with at(china(2026, 3, 2, 11, 15)):
        answer = services.message_send(conversation_id=conversation.pk, user=store.staff, body="Yes!")
    with at(china(2026, 3, 2, 11, 16)):
        follow_up = services.message_send(conversation_id=conversation.pk, user=store.staff, body="More")
    conversation.refresh_from_db()
    assert answer.response_seconds == 75 * 60
    assert follow_up.response_seconds is None  # only the first answer to a waiting shopper counts
    assert conversation.awaiting_reply_since is None


def test_a_question_sent_outside_business_hours_waits_from_the_opening(product, shopper, store):
    with at(china(2026, 3, 2, 22, 40)):  # after closing
        conversation = services.conversation_start(shopper=shopper, product_id=product.pk, body="Late")
    with at(china(2026, 3, 3, 9, 10)):  # ten minutes after opening the next morning
        answer = services.message_send(conversation_id=conversation.pk, user=store.staff, body="Morning")
    assert answer.response_seconds == 600
    with at(china(2026, 3, 3, 23, 0)):
        services.message_send(conversation_id=conversation.pk, user=shopper, body="Night")
    with at(china(2026, 3, 3, 23, 30)):  # answered at night: no business time passed
        night = services.message_send(conversation_id=conversation.pk, user=store.staff, body="Night shift")
    assert night.response_seconds == 0


@pytest.mark.parametrize(
    ("since", "until", "start", "end", "expected"),
    [
        (china(2026, 1, 5, 10, 0), china(2026, 1, 5, 10, 5), (9, 0), (21, 0), 300),
        (china(2026, 1, 5, 20, 0), china(2026, 1, 6, 10, 0), (9, 0), (21, 0), 2 * 3600),
        (china(2026, 1, 5, 8, 0), china(2026, 1, 7, 8, 0), (9, 0), (21, 0), 24 * 3600),
        (china(2026, 1, 5, 22, 0), china(2026, 1, 5, 23, 0), (9, 0), (21, 0), 0),
        (china(2026, 1, 5, 23, 0), china(2026, 1, 6, 1, 0), (20, 0), (2, 0), 2 * 3600),  # past midnight
        (china(2026, 1, 6, 1, 0), china(2026, 1, 6, 3, 0), (20, 0), (2, 0), 3600),
        (china(2026, 1, 5, 3, 0), china(2026, 1, 5, 4, 0), (0, 0), (0, 0), 3600),  # around the clock
        (china(2026, 1, 5, 10, 0), china(2026, 1, 5, 9, 0), (9, 0), (21, 0), 0),
        # A UTC moment is read in China time: 01:00 UTC is 09:00 in Shanghai.
        (
            datetime.datetime(2026, 1, 5, 0, 30, tzinfo=datetime.UTC),
            datetime.datetime(2026, 1, 5, 1, 30, tzinfo=datetime.UTC),
            (9, 0),
            (21, 0),
            1800,
        ),
    ],
)
def test_business_seconds(since, until, start, end, expected):
    assert business_seconds(since, until, datetime.time(*start), datetime.time(*end)) == expected


def test_median_first_response_per_store_in_one_query(
    product, shopper, other_shopper, store, other_store, rates, django_assert_num_queries
):
    quiet = MerchantMemberFactory().merchant
    waits = []
    for minutes, who in ((10, shopper), (30, other_shopper)):
        with at(china(2026, 3, 2, 10, 0)):
            conversation = services.conversation_start(shopper=who, product_id=product.pk, body="?")
        with at(china(2026, 3, 2, 10, minutes)):
            services.message_send(conversation_id=conversation.pk, user=store.staff, body="!")
        waits.append(minutes * 60)
    other_product = ProductFactory(merchant=other_store)
    with at(china(2026, 3, 2, 10, 0)):
        old = services.conversation_start(shopper=shopper, product_id=other_product.pk, body="?")
    with at(china(2026, 3, 2, 12, 0)):
        services.message_send(conversation_id=old.pk, user=other_store.staff, body="!")
    with django_assert_num_queries(1):
        medians = selectors.merchant_median_response_seconds(
            [store.pk, other_store.pk, quiet.pk], since=china(2026, 3, 1)
        )
    assert medians == {store.pk: 1200, other_store.pk: 7200, quiet.pk: None}
    # Only answers since `since` count.
    assert selectors.merchant_median_response_seconds([other_store.pk], since=china(2026, 3, 3)) == {
        other_store.pk: None
    }


def test_messages_after_an_id(product, shopper, store):
    conversation = services.conversation_start(shopper=shopper, product_id=product.pk, body="One")
    first = conversation.messages.get()
    second = services.message_send(conversation_id=conversation.pk, user=store.staff, body="Two")
    assert [m.pk for m in selectors.messages_of(conversation, after=first.pk)] == [second.pk]
    assert selectors.messages_of(conversation, after=second.pk) == []
    assert [m.pk for m in selectors.messages_of(conversation)] == [first.pk, second.pk]
