"""Demo conversations (manage.py seed_demo): the demo shopper's threads with a few stores, some
answered (one after the store's hours), some waiting, one with a photo. Written through the services,
then dated in the past so the seller's list shows real waiting times and the stores have
first-response times (docs/rules.md, "Conversations")."""

import datetime
import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from .hours import CHINA, business_seconds
from .models import Conversation, Message
from .services import conversation_start, message_send


def _photo() -> SimpleUploadedFile:
    """A small photo of a dented parcel corner (drawn, so the demo needs no file)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 240), (236, 224, 200))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 280, 200), fill=(196, 160, 110), outline=(120, 90, 60), width=4)
    draw.polygon([(230, 40), (280, 40), (280, 95)], fill=(236, 224, 200))
    draw.line((230, 40, 280, 95), fill=(90, 60, 40), width=4)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return SimpleUploadedFile("parcel.png", buffer.getvalue(), content_type="image/png")


def ago(minutes):
    return lambda now: now - timedelta(minutes=minutes)


def night_before_last(hour, minute, days=2):
    """A time of day (China time) `days` days before today's date."""

    def when(now):
        day = now.astimezone(CHINA).date() - timedelta(days=days)
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=CHINA)

    return when


# (store index, subject: "order" or the store's n-th product, [(side, when, text, photo?)]). Only the
# demo merchant's store (the first) has staff to answer; the other stores' threads wait.
SCRIPT = [
    (
        0,
        0,
        [
            ("shopper", ago(26 * 60), "请问这款是日本本土版吗？保质期到什么时候？", False),
            (
                "merchant",
                ago(26 * 60 - 14),
                "您好，是日本本土版，从大阪仓库直邮，保质期至 2028 年 3 月。",
                False,
            ),
            ("shopper", ago(26 * 60 - 20), "好的，谢谢！", False),
            ("merchant", ago(26 * 60 - 21), "不客气，祝您购物愉快。", False),
        ],
    ),
    (
        0,
        1,
        [
            # Asked after the store's hours (09:00-21:00), answered the next morning: 20 minutes count.
            ("shopper", night_before_last(23, 10), "Does this come with an English manual?", False),
            (
                "merchant",
                night_before_last(9, 20, days=1),
                "Yes, a Chinese and an English leaflet are in every box.",
                False,
            ),
        ],
    ),
    (
        0,
        "order",
        [
            (
                "shopper",
                ago(95),
                "Hi, the box of my order arrived with a dented corner, see the photo. "
                "Is the product inside OK to use?",
                True,
            ),
            ("shopper", ago(80), "I have not opened it yet.", False),
        ],
    ),
    (1, 0, [("shopper", ago(35), "这个有没有无香型的？", False)]),
    (2, 0, [("shopper", ago(3 * 60), "What is the expiry date of the current stock?", False)]),
]


def seed_conversations(*, shopper, merchants, now, log) -> int:
    """The demo shopper's threads with three stores; returns how many were written."""
    from marketplace.selectors import products_visible
    from orders.models import Order

    if Conversation.objects.filter(shopper=shopper).exists():  # seeded before: leave them as they are
        return 0
    # The demo merchant's store, then two other stores with products on sale.
    open_stores = set(products_visible().values_list("merchant_id", flat=True).distinct())
    stores = merchants[:1] + [m for m in merchants[1:] if m.pk in open_stores][:2]
    written = 0
    for index, subject, lines in SCRIPT:
        if index >= len(stores):
            continue
        merchant = stores[index]
        staff = merchant.members.select_related("user").order_by("pk").first()
        if subject == "order":
            order = Order.objects.filter(user=shopper, merchant=merchant).order_by("pk").first()
            about = {"order_number": order.number} if order else None
        else:
            products = list(products_visible().filter(merchant=merchant).order_by("pk")[: subject + 1])
            about = {"product_id": products[subject].pk} if len(products) > subject else None
        answers = any(line[0] == "merchant" for line in lines)
        if about is None or (answers and staff is None):
            continue
        with transaction.atomic():
            _side, _when, text, photo = lines[0]
            conversation = conversation_start(
                shopper=shopper, body=text, image=_photo() if photo else None, **about
            )
            for side, _when, text, photo in lines[1:]:
                message_send(
                    conversation_id=conversation.pk,
                    user=shopper if side == "shopper" else staff.user,
                    body=text,
                    image=_photo() if photo else None,
                )
            _date(conversation, [line[1](now) for line in lines])
        written += 1
    log(f"{written} conversations between the demo shopper and stores.")
    return written


def _date(conversation: Conversation, times) -> None:
    """Move the thread's messages to `times` and recompute what depends on them, as the services
    would have at those moments (the read marks, the waiting clock, first-response times)."""
    merchant = conversation.merchant
    waiting_since = None
    messages = list(conversation.messages.order_by("created_at", "id"))
    for message, moment in zip(messages, times, strict=True):
        message.created_at = moment
        message.response_seconds = None
        if message.side == Message.Side.SHOPPER:
            waiting_since = waiting_since or moment
            conversation.shopper_read_at = moment
        else:
            if waiting_since is not None:
                message.response_seconds = business_seconds(
                    waiting_since, moment, merchant.service_hours_start, merchant.service_hours_end
                )
            waiting_since = None
            conversation.merchant_read_at = moment
        message.save(update_fields=["created_at", "response_seconds"])
    conversation.created_at = times[0]
    conversation.last_message_at = times[-1]
    conversation.awaiting_reply_since = waiting_since
    conversation.save(
        update_fields=[
            "created_at",
            "last_message_at",
            "awaiting_reply_since",
            "shopper_read_at",
            "merchant_read_at",
        ]
    )
