"""Writing reviews and store ratings (docs/rules.md, "Reviews").

- `review_create`: the buyer of a completed order reviews one of its lines (1 to 5 stars, text, up to
  six photos checked by content, optionally shown without their name), within REVIEW_WINDOW_DAYS of
  completion; one review per line.
- `review_edit`: once, within REVIEW_EDIT_DAYS of writing it.
- `review_reply`: the store's staff answer a review, once.
- `store_rate`: the buyer scores the store for one completed order (description, service,
  logistics), once.

Every check runs before anything is written; a refusal is a `DomainError` with a clear message. The
product's `rating_average` and `rating_count` change in the review's transaction, recomputed from the
product's reviews while its row is locked, so concurrent reviews keep them exact.
"""

import uuid
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.models import Product
from marketplace.notifications.models import Notification
from marketplace.notifications.services import notify, notify_many
from marketplace.uploads import image_check

from ..models import Order, OrderLine
from .errors import (
    AlreadyRated,
    AlreadyReplied,
    AlreadyReviewed,
    InvalidReview,
    OrderNotCompleted,
    ReviewNotEditable,
    ReviewNotFound,
    ReviewWindowClosed,
    TooManyPhotos,
)
from .models import ProductReview, ReviewPhoto, StoreRating

MAX_PHOTOS = 6
TEXT_MAX = 2000
RATING_PLACES = Decimal("0.01")  # the average is rounded once, here, half up, to two places


# --- Checks (no writes) ------------------------------------------------------------------------------


def _stars(value, label) -> int:
    """A whole number of stars from 1 to 5 (an int, or its digits as text from a form)."""
    if isinstance(value, bool):
        value = None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or not 1 <= value <= 5:
        raise InvalidReview(_("%(field)s must be a whole number of stars from 1 to 5.") % {"field": label})
    return value


def _text(value, *, required=False, label=None) -> str:
    if value is not None and not isinstance(value, str):
        raise InvalidReview(_("the text must be text."))
    text = (value or "").strip()
    if len(text) > TEXT_MAX:
        raise InvalidReview(
            _("the text has %(length)s characters; at most %(max)s are kept.")
            % {"length": len(text), "max": TEXT_MAX}
        )
    if required and not text:
        raise InvalidReview(_("%(field)s cannot be empty.") % {"field": label or _("the text")})
    return text


def _photos_checked(photos) -> list[tuple[object, str]]:
    """Each upload with the file extension its content gives; refuses a seventh photo or a file that
    is not an image before anything is written."""
    photos = [photo for photo in (photos or []) if photo]
    if len(photos) > MAX_PHOTOS:
        raise TooManyPhotos(MAX_PHOTOS, len(photos))
    return [(photo, image_check(photo)[1]) for photo in photos]


def _window_check(order: Order) -> None:
    if order.status != Order.Status.COMPLETED:
        raise OrderNotCompleted(Order.Status(order.status).label)
    completed = order.closed_at or order.created_at
    days = settings.REVIEW_WINDOW_DAYS
    if timezone.now() > completed + timedelta(days=days):
        raise ReviewWindowClosed(days, timezone.localtime(completed).date().isoformat())


def _locked_order(*, user, order_id) -> Order:
    order = Order.objects.select_for_update().filter(pk=order_id).first()
    if order is None or user is None or order.user_id != user.pk:
        raise ReviewNotFound()
    return order


# --- Writes ------------------------------------------------------------------------------------------


def _photos_save(review: ProductReview, checked, *, start: int = 0) -> int:
    for position, (upload, extension) in enumerate(checked, start=start):
        photo = ReviewPhoto(review=review, position=position)
        photo.image.save(f"{uuid.uuid4().hex}{extension}", upload, save=False)
        photo.save()
    return len(checked)


def product_rating_refresh(product_id: int) -> Product:
    """Recompute the product's average and count from its reviews, under the product's row lock (the
    caller's transaction): two reviews committed at once each see the other's row or wait for it."""
    product = Product.objects.select_for_update().get(pk=product_id)
    figures = ProductReview.objects.filter(product_id=product_id).aggregate(
        average=Avg("rating"), count=Count("id")
    )
    average = figures["average"]
    product.rating_count = figures["count"]
    product.rating_average = (
        Decimal(str(average)).quantize(RATING_PLACES, rounding=ROUND_HALF_UP) if average is not None else None
    )
    # A save (not a queryset update): the catalogue's caches start a new version (signals on SQLite,
    # the change counter's trigger on PostgreSQL), so listings sorted by rating and the product page
    # show the new figures.
    product.save(update_fields=["rating_average", "rating_count"])
    return product


def _merchant_staff(merchant):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(merchant_membership__merchant=merchant, is_active=True)


def review_create(
    *, user, order_line_id, rating, text: str = "", anonymous: bool = False, photos=()
) -> ProductReview:
    """The buyer's review of one line of their completed order."""
    rating = _stars(rating, _("The rating"))
    text = _text(text)
    checked = _photos_checked(photos)
    line = (
        OrderLine.objects.filter(pk=order_line_id).only("id", "order_id").first() if order_line_id else None
    )
    if line is None:
        raise ReviewNotFound()
    with transaction.atomic():
        # The order's row serialises everything written about it (a second review of the same line
        # waits here, then finds the first).
        order = _locked_order(user=user, order_id=line.order_id)
        line = OrderLine.objects.select_related("variant").get(pk=line.pk)
        _window_check(order)
        if ProductReview.objects.filter(order_line=line).exists():
            raise AlreadyReviewed()
        product_id = line.variant.product_id if line.variant_id else None
        if product_id is None:
            raise InvalidReview(_("this item is no longer in the catalogue."))
        # The product's lock is taken before the review is written, so the aggregate sees it exactly.
        Product.objects.select_for_update().filter(pk=product_id).values_list("pk", flat=True).first()
        try:
            with transaction.atomic():
                review = ProductReview.objects.create(
                    order_line=line,
                    product_id=product_id,
                    merchant_id=order.merchant_id,
                    user=user,
                    rating=rating,
                    text=text,
                    anonymous=bool(anonymous),
                    photo_count=len(checked),
                )
        except IntegrityError as exc:
            raise AlreadyReviewed() from exc
        _photos_save(review, checked)
        product = product_rating_refresh(product_id)
        notify_many(
            users=_merchant_staff(order.merchant),
            kind=Notification.Kind.REVIEW,
            title=gettext_lazy("New %(stars)s-star review of %(product)s"),
            body=gettext_lazy("Order %(number)s. You can reply once from the seller dashboard."),
            params={"stars": rating, "product": product.name_en or product.name_zh, "number": order.number},
            url=reverse("seller_reviews:list"),
            dedupe_key=f"review:{review.pk}:new",
        )
    return review


def review_edit(
    *, user, review_id, rating, text: str = "", anonymous: bool = False, photos=None
) -> ProductReview:
    """The author changes their review: once, within REVIEW_EDIT_DAYS of writing it. `photos`: None
    keeps the photos; a list (empty included) replaces them."""
    rating = _stars(rating, _("The rating"))
    text = _text(text)
    checked = _photos_checked(photos) if photos is not None else None
    with transaction.atomic():
        review = ProductReview.objects.select_for_update().filter(pk=review_id).first() if review_id else None
        if review is None or user is None or review.user_id != user.pk:
            raise ReviewNotFound()
        if review.edited_at is not None:
            raise ReviewNotEditable(_("a review can be edited once, and this one already was."))
        days = settings.REVIEW_EDIT_DAYS
        if timezone.now() > review.created_at + timedelta(days=days):
            raise ReviewNotEditable(
                _("reviews can be edited within %(days)s days of writing them.") % {"days": days}
            )
        Product.objects.select_for_update().filter(pk=review.product_id).values_list("pk", flat=True).first()
        review.rating, review.text, review.anonymous = rating, text, bool(anonymous)
        review.edited_at = timezone.now()
        fields = ["rating", "text", "anonymous", "edited_at"]
        if checked is not None:
            review.photos.all().delete()
            review.photo_count = _photos_save(review, checked)
            fields.append("photo_count")
        review.save(update_fields=fields)
        product_rating_refresh(review.product_id)
    return review


def review_reply(*, user, review_id, text: str) -> ProductReview:
    """The store's one public answer to a review, by any of its staff."""
    text = _text(text, required=True, label=_("The reply"))
    merchant = getattr(user, "merchant", None) if user is not None and user.is_authenticated else None
    with transaction.atomic():
        review = (
            ProductReview.objects.select_for_update().select_related("product").filter(pk=review_id).first()
            if review_id and merchant is not None
            else None
        )
        if review is None or review.merchant_id != merchant.pk:
            raise ReviewNotFound()
        if review.replied_at is not None:
            raise AlreadyReplied()
        review.reply, review.replied_at, review.replied_by = text, timezone.now(), user
        review.save(update_fields=["reply", "replied_at", "replied_by"])
        product = review.product
        notify(
            user=review.user,
            kind=Notification.Kind.REVIEW,
            title=gettext_lazy("%(store)s replied to your review"),
            body=gettext_lazy("Your review of %(product)s has an answer from the store."),
            params={"store": merchant.name, "product": product.name_en or product.name_zh},
            url=reverse("product", args=[product.pk]) + "#reviews",
            dedupe_key=f"review:{review.pk}:reply",
        )
    return review


def store_rate(*, user, order_id, description, service, logistics) -> StoreRating:
    """The buyer's three scores of the store for one completed order, once."""
    scores = {
        "description": _stars(description, _("“As described”")),
        "service": _stars(service, _("“Service”")),
        "logistics": _stars(logistics, _("“Logistics”")),
    }
    if not order_id:
        raise ReviewNotFound()
    with transaction.atomic():
        order = _locked_order(user=user, order_id=order_id)
        _window_check(order)
        if StoreRating.objects.filter(order=order).exists():
            raise AlreadyRated()
        try:
            with transaction.atomic():
                rating = StoreRating.objects.create(
                    order=order, merchant_id=order.merchant_id, user=user, **scores
                )
        except IntegrityError as exc:
            raise AlreadyRated() from exc
    return rating
