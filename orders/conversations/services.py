"""Conversations between a shopper and a store (docs/rules.md, "Conversations").

- `conversation_start`: a shopper opens (or continues) the thread with a store about one of its
  published products, one of their own orders with it, or the store in general once they have an
  order together; anything else is refused and nothing is written.
- `message_send`: the shopper, or any of the store's staff for the store, writes text and/or one image
  (checked by content). Keeps each side's read mark, the store's waiting clock
  (`awaiting_reply_since`) and, on the store's first answer, `response_seconds` counted in the store's
  business hours (`hours.business_seconds`). The other side is notified once per unread burst.
- `conversation_mark_read`: the reader's side has seen everything so far (and its notifications).
"""

import secrets

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.notifications.models import Notification
from marketplace.notifications.services import notify
from marketplace.uploads import image_check

from . import errors, selectors
from .hours import business_seconds
from .models import Conversation, Message

BODY_LIMIT = 2000


def _dedupe_prefix(conversation_id: int) -> str:
    return f"conversation:{conversation_id}:"


def side_of(*, conversation: Conversation, user) -> str | None:
    """The side `user` writes for in `conversation`: the shopper, the store's staff, or None."""
    if user is None or not user.is_authenticated:
        return None
    if user.pk == conversation.shopper_id:
        return Message.Side.SHOPPER
    membership = getattr(user, "merchant_membership", None)
    if membership is not None and membership.merchant_id == conversation.merchant_id:
        return Message.Side.MERCHANT
    return None


def conversation_start(
    *,
    shopper,
    product_id: int | None = None,
    order_number: str | None = None,
    merchant_id: int | None = None,
    body: str = "",
    image=None,
) -> Conversation:
    """The thread between `shopper` and a store about a product (`product_id`, published), an order
    (`order_number`, the shopper's own), or the store in general (`merchant_id`, only with an order
    together). Reuses the open thread on the same subject. Asking means writing: `body` and/or
    `image` is the message, sent in the same transaction, so a refused message leaves no empty
    thread behind."""
    if not _clean_body(body) and not image:
        raise errors.EmptyMessage()
    with transaction.atomic():
        found = selectors.conversation_subject(
            shopper=shopper, product_id=product_id, order_number=order_number, merchant_id=merchant_id
        )
        if found is None:
            raise errors.NothingToTalkAbout()
        merchant, product, order = found
        membership = getattr(shopper, "merchant_membership", None)
        if membership is not None and membership.merchant_id == merchant.pk:
            raise errors.OwnStore()
        conversation = selectors.conversation_existing(
            shopper=shopper, merchant=merchant, product=product, order=order
        )
        if conversation is None:
            subject = {"merchant": merchant, "shopper": shopper, "order": order, "product": product}
            try:
                with transaction.atomic():
                    conversation = Conversation.objects.create(**subject)
            except IntegrityError:  # the same shopper asked twice at once: one thread
                conversation = Conversation.objects.get(**subject)
        message_send(conversation_id=conversation.pk, user=shopper, body=body, image=image)
        conversation.refresh_from_db()
    return conversation


def _clean_body(body) -> str:
    body = (body or "").strip()
    if "\x00" in body:
        raise errors.UnstorableText()
    if len(body) > BODY_LIMIT:
        raise errors.MessageTooLong(BODY_LIMIT, len(body))
    return body


def message_send(*, conversation_id: int, user, body: str = "", image=None) -> Message:
    """`user` writes in the conversation: as the shopper, or as the store when they are its staff."""
    body = _clean_body(body)
    if not body and not image:
        raise errors.EmptyMessage()
    content_type = ""
    if image:
        content_type, extension = image_check(image)  # InvalidImage before anything is written
        image.name = f"{secrets.token_hex(12)}{extension}"
    with transaction.atomic():
        conversation = (
            Conversation.objects.select_for_update(of=("self",))
            .select_related("merchant")
            .filter(pk=conversation_id)
            .first()
        )
        side = side_of(conversation=conversation, user=user) if conversation else None
        if side is None:
            raise errors.NotAParty()
        now = timezone.now()
        message = Message(
            conversation=conversation,
            sender=user,
            side=side,
            body=body,
            image_content_type=content_type,
        )
        fields = ["last_message_at"]
        conversation.last_message_at = now
        if side == Message.Side.SHOPPER:
            conversation.shopper_read_at = now
            fields.append("shopper_read_at")
            if conversation.awaiting_reply_since is None:
                conversation.awaiting_reply_since = now
                fields.append("awaiting_reply_since")
        else:
            conversation.merchant_read_at = now
            fields.append("merchant_read_at")
            if conversation.awaiting_reply_since is not None:
                merchant = conversation.merchant
                message.response_seconds = business_seconds(
                    conversation.awaiting_reply_since,
                    now,
                    merchant.service_hours_start,
                    merchant.service_hours_end,
                )
                conversation.awaiting_reply_since = None
                fields.append("awaiting_reply_since")
        if image:
            message.image.save(image.name, image, save=False)
        message.save()
        # The row's timestamps and the message's agree (auto_now_add took its own clock reading).
        conversation.last_message_at = message.created_at
        if side == Message.Side.SHOPPER:
            conversation.shopper_read_at = message.created_at
            if "awaiting_reply_since" in fields:
                conversation.awaiting_reply_since = message.created_at
        else:
            conversation.merchant_read_at = message.created_at
        conversation.save(update_fields=fields)
        _notify_other_side(conversation, message)
    return message


def _notify_other_side(conversation: Conversation, message: Message) -> None:
    """One unread notification per conversation and reader: while the reader has not opened the
    thread since the last one, a burst of messages adds nothing (the notification says "new
    messages", the thread shows how many)."""
    from marketplace.models import User

    if message.side == Message.Side.SHOPPER:
        recipients = list(User.objects.filter(merchant_membership__merchant_id=conversation.merchant_id))
        url = reverse("seller_conversations:detail", args=[conversation.pk])
        name = conversation.shopper.get_username()
        title = _("New message from %(name)s")
    else:
        recipients = [conversation.shopper]
        url = reverse("conversations:detail", args=[conversation.pk])
        name = conversation.merchant.name
        title = _("%(name)s answered your message")
    prefix = _dedupe_prefix(conversation.pk)
    waiting = set(
        Notification.objects.filter(
            user__in=recipients, read_at__isnull=True, dedupe_key__startswith=prefix
        ).values_list("user_id", flat=True)
    )
    preview = message.body[:120] if message.body else "[image]"
    for user in recipients:
        if user.pk in waiting:
            continue
        notify(
            user=user,
            kind=Notification.Kind.MESSAGE,
            title=title,
            body=_("“%(preview)s”"),
            params={"name": name, "preview": preview},
            url=url,
            dedupe_key=f"{prefix}{message.pk}",
        )


def conversation_mark_read(*, conversation_id: int, user) -> Conversation:
    """`user`'s side has read the conversation up to now; its message notifications are read too.
    Nothing is written when that side has already read everything (opening a read thread is free)."""
    conversation = Conversation.objects.filter(pk=conversation_id).first()
    side = side_of(conversation=conversation, user=user) if conversation else None
    if side is None:
        raise errors.NotAParty()
    field = "shopper_read_at" if side == Message.Side.SHOPPER else "merchant_read_at"
    read_at = getattr(conversation, field)
    if read_at is not None and (
        conversation.last_message_at is None or read_at >= conversation.last_message_at
    ):
        return conversation
    with transaction.atomic():
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        now = timezone.now()
        setattr(conversation, field, now)
        conversation.save(update_fields=[field])
        Notification.objects.filter(
            user=user, read_at__isnull=True, dedupe_key__startswith=_dedupe_prefix(conversation.pk)
        ).update(read_at=now)
    return conversation
