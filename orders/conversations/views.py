"""Conversation pages: the shopper's (/messages/) and the store's (/seller/messages/), the JSON the
polling script reads (`static/js/conversations.js`), marking read, and message images, which are
served only to the two parties and platform staff (never from a public media URL)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from marketplace.errors import DomainError
from merchants.permissions import approved_merchant_required

from . import selectors, services
from .forms import MessageForm
from .models import Conversation, Message

SHOPPER, MERCHANT = Message.Side.SHOPPER, Message.Side.MERCHANT


def _send(request, conversation, form):
    """Send the form's message; True when sent (the error is on the form otherwise)."""
    if not form.is_valid():
        return False
    try:
        services.message_send(
            conversation_id=conversation.pk,
            user=request.user,
            body=form.cleaned_data["body"],
            image=form.cleaned_data["image"],
        )
    except DomainError as error:
        form.add_error(None, str(error))
        return False
    return True


def _thread_context(request, conversation, side):
    messages = selectors.messages_of(conversation)
    return {
        "conversation": conversation,
        "thread_messages": messages,
        "last_id": messages[-1].pk if messages else 0,
        "side": side,
        "can_write": side is not None,
        "updates_url": reverse("conversations:updates", args=[conversation.pk]),
        "read_url": reverse("conversations:read", args=[conversation.pk]),
    }


# --- The shopper's pages ----------------------------------------------------------------------------


@login_required
def shopper_list(request):
    conversations = selectors.conversations_for_shopper(request.user)
    page = Paginator(conversations, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "orders/conversations/shopper_list.html", {"page": page, "conversations": page.object_list}
    )


@login_required
def shopper_start(request):
    """ "Ask the store": from a product (?product=) or an order (?order=). A thread already open on
    that subject continues; otherwise the first message opens it."""
    source = request.POST if request.method == "POST" else request.GET
    product_id, order_number = source.get("product") or None, source.get("order") or None
    found = selectors.conversation_subject(
        shopper=request.user, product_id=product_id, order_number=order_number
    )
    if found is None:
        raise services.errors.NothingToTalkAbout()
    merchant, product, order = found
    existing = selectors.conversation_existing(
        shopper=request.user, merchant=merchant, product=product, order=order
    )
    if existing is not None and existing.last_message_at is not None:
        return redirect("conversations:detail", existing.pk)
    form = MessageForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                conversation = services.conversation_start(
                    shopper=request.user,
                    product_id=product.pk if product else None,
                    order_number=order.number if order else None,
                    body=form.cleaned_data["body"],
                    image=form.cleaned_data["image"],
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                return redirect(reverse("conversations:detail", args=[conversation.pk]) + "#composer")
        status = 400
    return render(
        request,
        "orders/conversations/start.html",
        {"form": form, "merchant": merchant, "product": product, "order": order},
        status=status,
    )


@login_required
def shopper_detail(request, pk):
    conversation = selectors.conversation_for(user=request.user, pk=pk, side=SHOPPER)
    side = SHOPPER
    if conversation is None and request.user.is_staff:  # platform staff read, never write
        conversation, side = selectors.conversation_for(user=request.user, pk=pk), None
    if conversation is None:
        raise Http404(_("We could not find that conversation."))
    form = MessageForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if side is None:
            raise PermissionDenied
        if _send(request, conversation, form):
            return redirect(reverse("conversations:detail", args=[conversation.pk]) + "#composer")
        status = 400
    elif side is not None:
        conversation = services.conversation_mark_read(conversation_id=conversation.pk, user=request.user)
        conversation = selectors.conversation_for(user=request.user, pk=pk, side=SHOPPER)
    context = _thread_context(request, conversation, side) | {"form": form}
    return render(request, "orders/conversations/shopper_detail.html", context, status=status)


# --- The store's pages ------------------------------------------------------------------------------


@approved_merchant_required
def seller_list(request):
    waiting = request.GET.get("show") == "waiting"
    conversations = selectors.conversations_for_merchant(request.merchant, waiting_only=waiting)
    page = Paginator(conversations, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "orders/conversations/seller_list.html",
        {
            "page": page,
            "conversations": page.object_list,
            "waiting": waiting,
            "query_string": "show=waiting" if waiting else "",
            "now": timezone.now(),
        },
    )


@approved_merchant_required
def seller_detail(request, pk):
    conversation = selectors.conversation_for(user=request.user, pk=pk, side=MERCHANT)
    if conversation is None:
        raise Http404(_("We could not find that conversation."))
    form = MessageForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if _send(request, conversation, form):
            return redirect(reverse("seller_conversations:detail", args=[conversation.pk]) + "#composer")
        status = 400
    else:
        services.conversation_mark_read(conversation_id=conversation.pk, user=request.user)
        conversation = selectors.conversation_for(user=request.user, pk=pk, side=MERCHANT)
    context = _thread_context(request, conversation, MERCHANT) | {"form": form}
    return render(request, "orders/conversations/seller_detail.html", context, status=status)


# --- Both sides: polling, marking read, images -----------------------------------------------------


def _message_json(message, viewer_side):
    return {
        "id": message.pk,
        "side": message.side,
        "mine": message.side == viewer_side,
        "sender": message.get_side_display(),
        "body": message.body,
        "image_url": reverse("conversations:image", args=[message.pk]) if message.image else None,
        "created_at": message.created_at.isoformat(),
        "time": date_format(timezone.localtime(message.created_at), "Y-m-d H:i"),
    }


@never_cache
@require_GET
def updates(request, pk):
    """The messages after `?after=<id>` as JSON, for the open page's polling script."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    conversation = selectors.conversation_for(user=request.user, pk=pk)
    if conversation is None:
        raise Http404
    try:
        after = max(0, min(int(request.GET.get("after", 0)), 2**63 - 1))
    except (TypeError, ValueError):
        return JsonResponse(
            {"code": "invalid_after", "detail": _("`after` must be a message id.")}, status=400
        )
    side = services.side_of(conversation=conversation, user=request.user)
    messages = selectors.messages_of(conversation, after=after)
    return JsonResponse(
        {
            "messages": [_message_json(message, side) for message in messages],
            "last_id": messages[-1].pk if messages else after,
            "awaiting_reply": conversation.awaiting_reply_since is not None,
        }
    )


@require_POST
def mark_read(request, pk):
    if not request.user.is_authenticated:
        raise PermissionDenied
    conversation = selectors.conversation_for(user=request.user, pk=pk)
    if conversation is None or services.side_of(conversation=conversation, user=request.user) is None:
        raise Http404
    conversation = services.conversation_mark_read(conversation_id=conversation.pk, user=request.user)
    return JsonResponse({"read": True})


def message_image_response(message):
    try:
        handle = message.image.open("rb")
    except (FileNotFoundError, ValueError) as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=message.image_content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def message_visible(user, pk) -> Message | None:
    """The message `pk` with an image, if `user` is one of its conversation's parties or staff."""
    try:
        message = Message.objects.select_related("conversation").exclude(image="").filter(pk=int(pk)).first()
    except (TypeError, ValueError, OverflowError):
        return None
    if message is None:
        return None
    conversation: Conversation = message.conversation
    if user.is_staff or services.side_of(conversation=conversation, user=user) is not None:
        return message
    return None


@require_GET
def image(request, pk):
    """A message's image: to its shopper, the store's staff and platform staff. Anonymous visitors get
    403 and everyone else 404, so message numbers reveal nothing."""
    if not request.user.is_authenticated:
        raise PermissionDenied
    message = message_visible(request.user, pk)
    if message is None:
        raise Http404
    return message_image_response(message)
