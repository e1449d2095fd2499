"""Reads of conversations: the store's and the shopper's lists with unread counts, one thread's
messages (all, or after an id for polling), and the stores' median first-response time
(docs/rules.md, "Conversations"). Every list is a constant number of queries however many threads
and messages there are."""

import datetime
import statistics
from collections import defaultdict

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery

from .models import Conversation, Message

PAGE_SIZE = 30


def _unread_filter(reader_side: str) -> Q:
    """Messages of the other side written after the reader last read the thread."""
    read_at = "merchant_read_at" if reader_side == Message.Side.MERCHANT else "shopper_read_at"
    others = Q(messages__side__in=[side for side in Message.Side.values if side != reader_side])
    return others & (Q(**{f"{read_at}__isnull": True}) | Q(messages__created_at__gt=F(read_at)))


def _listed(conversations: QuerySet, reader_side: str) -> QuerySet:
    last = Message.objects.filter(conversation=OuterRef("pk")).order_by("-created_at", "-id")
    return (
        conversations.filter(last_message_at__isnull=False)
        .select_related("shopper", "merchant", "product", "order")
        .annotate(
            unread_count=Count("messages", filter=_unread_filter(reader_side)),
            last_body=Subquery(last.values("body")[:1]),
            last_side=Subquery(last.values("side")[:1]),
            last_has_image=Subquery(last.exclude(image="").values("id")[:1]),
        )
    )


def conversations_for_merchant(merchant, *, waiting_only: bool = False) -> QuerySet[Conversation]:
    """The store's threads: those waiting for an answer first (longest wait first), then the rest by
    their latest message. Each carries `unread_count` (shopper messages the store has not read),
    `last_body`, `last_side` and `awaiting_reply_since` (the waiting time's start)."""
    conversations = _listed(Conversation.objects.filter(merchant=merchant), Message.Side.MERCHANT)
    if waiting_only:
        conversations = conversations.filter(awaiting_reply_since__isnull=False)
    return conversations.order_by(F("awaiting_reply_since").asc(nulls_last=True), "-last_message_at", "-id")


def conversations_for_shopper(user) -> QuerySet[Conversation]:
    """The shopper's threads, latest message first, with `unread_count` (the stores' answers not
    read yet)."""
    return _listed(Conversation.objects.filter(shopper=user), Message.Side.SHOPPER).order_by(
        "-last_message_at", "-id"
    )


def unread_total(*, user, side: str) -> int:
    """How many messages `user` has not read, as the shopper or for their store."""
    if side == Message.Side.MERCHANT:
        membership = getattr(user, "merchant_membership", None)
        if membership is None:
            return 0
        conversations = Conversation.objects.filter(merchant_id=membership.merchant_id)
    else:
        conversations = Conversation.objects.filter(shopper=user)
    return conversations.aggregate(n=Count("messages", filter=_unread_filter(side)))["n"] or 0


def conversation_for(*, user, pk, side: str | None = None) -> Conversation | None:
    """The conversation `pk` if `user` may read it: its shopper, its store's staff, or platform staff
    (read only). `side` restricts to one party (the shopper's pages, the seller's pages)."""
    if user is None or not user.is_authenticated:
        return None
    conversations = Conversation.objects.select_related("shopper", "merchant", "product", "order")
    membership = getattr(user, "merchant_membership", None)
    if side == Message.Side.SHOPPER:
        rule = Q(shopper=user)
    elif side == Message.Side.MERCHANT:
        if membership is None:
            return None
        rule = Q(merchant_id=membership.merchant_id)
    else:
        rule = Q(shopper=user)
        if membership is not None:
            rule |= Q(merchant_id=membership.merchant_id)
        if user.is_staff:
            rule = Q()
    try:
        return conversations.filter(rule).filter(pk=int(pk)).first()
    except (TypeError, ValueError, OverflowError):
        return None


def messages_of(conversation: Conversation, *, after: int | None = None, limit: int = 200) -> list[Message]:
    """The thread's messages oldest first (its last `limit`), or those after the message id `after`
    (what a polling page has not shown yet)."""
    messages = Message.objects.filter(conversation=conversation).select_related("sender")
    if after is not None:
        return list(messages.filter(id__gt=after).order_by("created_at", "id")[:limit])
    latest = list(messages.order_by("-created_at", "-id")[:limit])
    return latest[::-1]


def median(values) -> int | None:
    """The median of whole seconds, rounded to the nearest second (halves to even), or None."""
    values = list(values)
    return round(statistics.median(values)) if values else None


def merchant_median_response_seconds(merchant_ids, since: datetime.datetime) -> dict[int, int | None]:
    """{merchant id: the median of its first-response times since `since`, in business-hours
    seconds, or None when it answered nobody in that time}. One query for any number of stores: the
    first answers to a waiting shopper are the messages with `response_seconds`."""
    merchant_ids = list(merchant_ids)
    found = defaultdict(list)
    rows = Message.objects.filter(
        conversation__merchant_id__in=merchant_ids,
        created_at__gte=since,
        response_seconds__isnull=False,
    ).values_list("conversation__merchant_id", "response_seconds")
    for merchant_id, seconds in rows:
        found[merchant_id].append(seconds)
    return {merchant_id: median(found.get(merchant_id, ())) for merchant_id in merchant_ids}


def conversation_subject(*, shopper, product_id=None, order_number=None, merchant_id=None):
    """(store, product, order) a shopper may write about, or None: a published product of the
    store, one of the shopper's own orders with it, or the store itself once they have an order
    together (docs/rules.md, "Conversations")."""
    from marketplace.selectors import products_visible
    from orders.models import Order

    if shopper is None or not shopper.is_authenticated:
        return None
    if order_number:
        order = (
            Order.objects.filter(user=shopper, number=str(order_number)[:24])
            .select_related("merchant")
            .first()
        )
        return (order.merchant, None, order) if order else None
    if product_id:
        try:
            product_id = int(product_id)
        except (TypeError, ValueError):
            return None
        if not 0 < product_id < 2**63:
            return None
        product = products_visible().filter(pk=product_id).select_related("merchant").first()
        return (product.merchant, product, None) if product else None
    if merchant_id:
        try:
            merchant_id = int(merchant_id)
        except (TypeError, ValueError):
            return None
        order = Order.objects.filter(user=shopper, merchant_id=merchant_id).select_related("merchant").first()
        return (order.merchant, None, None) if order else None
    return None


def conversation_existing(*, shopper, merchant, product=None, order=None) -> Conversation | None:
    """The thread on that subject, if the shopper already opened it."""
    subject = {"merchant": merchant, "shopper": shopper, "order": order}
    if order is None:
        subject["product"] = product
    return Conversation.objects.filter(**subject).first()
