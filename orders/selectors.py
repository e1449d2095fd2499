"""Reads of orders: the priced cart, the annual quota, a shopper's orders, a merchant's orders."""

from datetime import datetime
from decimal import Decimal

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from logistics import template_selectors
from logistics.provinces import province_canonical
from marketplace import identifiers
from marketplace import selectors as catalog
from marketplace.models import ProductImage
from marketplace.money import round_cny

from . import rules
from .models import Address, BuyerIdentity, Cart, CartItem, Order, OrderEvent, OrderLine
from .pricing import PricedCart, price_lines


def cart_items(cart: Cart | None = None, *, user=None, cart_id: int | None = None) -> list[CartItem]:
    """The items of `cart`, or of the signed-in `user`'s cart, or of the session's cart `cart_id`,
    with everything the cart page shows (cover image included), in one query. Each item also carries
    `shopper_province`: the province of the cart owner's most recent address (None: no address or an
    anonymous cart), the cart page's delivery province for shipping fees."""
    if cart is not None:
        items = CartItem.objects.filter(cart=cart)
    elif user is not None and user.is_authenticated:
        items = CartItem.objects.filter(cart__user=user)
    elif cart_id:
        items = CartItem.objects.filter(cart_id=cart_id, cart__user__isnull=True)
    else:
        return []
    cover = ProductImage.objects.filter(product=OuterRef("variant__product"), position=0).order_by("id")
    latest_address = Address.objects.filter(user=OuterRef("cart__user")).order_by("-created_at", "-id")
    rows = list(
        items.select_related(
            "variant__product__merchant", "variant__product__tax_category", "variant__product__brand"
        ).annotate(
            cover_image=Subquery(cover.values("image")[:1]),
            shopper_province=Subquery(latest_address.values("province")[:1]),
        )
    )
    for item in rows:
        product = item.variant.product
        # What `product_cards` prefetches, from the annotation: one query for the whole cart.
        product.cover_images = (
            [ProductImage(product=product, image=item.cover_image)] if item.cover_image else []
        )
    return rows


_LATEST = object()


def cart_priced(
    cart: Cart | None = None, *, user=None, cart_id: int | None = None, province=_LATEST
) -> PricedCart:
    """The cart priced for display. Whether each product is still on sale is judged from the rows
    already read (`catalog.product_is_visible`); checkout judges again in the database. Shipping goes
    to `province` (checkout: the chosen address's), by default the owner's most recent address's."""
    items = cart_items(cart, user=user, cart_id=cart_id)
    visible = {item.variant.product_id for item in items if catalog.product_is_visible(item.variant.product)}
    if province is _LATEST:
        province = items[0].shopper_province if items else None
    return items_priced(items, catalog.exchange_rates(), available_product_ids=visible, province=province)


def items_priced(items, rates, *, available_product_ids, province: str | None) -> PricedCart:
    """Cart items priced, shipping by each store's template to `province`: the templates of every group
    in one query (and their regions in one more when the province is known)."""
    keys = {(item.variant.product.merchant_id, item.variant.product.shipping_mode) for item in items}
    templates = template_selectors.templates_for(keys, with_regions=province_canonical(province) is not None)
    return price_lines(
        [(item.variant, item.quantity, item) for item in items],
        rates,
        available_product_ids=available_product_ids,
        templates=templates,
        province=province,
    )


def cart_count(*, user=None, cart_id: int | None = None) -> int:
    """Units in the account's cart (for a logged-in user) or in the session's cart: one query."""
    if user is not None and user.is_authenticated:
        items = CartItem.objects.filter(cart__user=user)
    elif cart_id:
        items = CartItem.objects.filter(cart_id=cart_id, cart__user__isnull=True)
    else:
        return 0
    return items.aggregate(n=Sum("quantity"))["n"] or 0


def _year_bounds(year: int):
    tz = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)


def quota_used(id_number: str, *, year: int | None = None) -> Decimal:
    """Goods value counted against one ID number's annual quota: paid, unrefunded orders paid this
    calendar year (China time), plus unpaid orders placed this year (their quota is reserved), less
    the goods after-sales cases gave back to the quota (`Order.goods_returned`: never received, or a
    customs return within 30 days of clearance)."""
    year = year or timezone.localtime().year
    start, end = _year_bounds(year)
    id_number = identifiers.resident_id_number(id_number)  # counted by the canonical number only
    total = (
        Order.objects.filter(buyer_id_number=id_number)
        .filter(
            Q(status__in=Order.QUOTA_STATUSES, paid_at__gte=start, paid_at__lt=end)
            | Q(status=Order.Status.PENDING_PAYMENT, created_at__gte=start, created_at__lt=end)
        )
        .aggregate(total=Sum("goods_total"), returned=Sum("goods_returned"))
    )
    # SQLite sums decimals as floating point: each sum rounded back to the fen once
    return round_cny(total["total"] or Decimal("0.00")) - round_cny(total["returned"] or Decimal("0.00"))


def quota_remaining(id_number: str) -> Decimal:
    return max(rules.ANNUAL_LIMIT - quota_used(id_number), Decimal("0.00"))


def identities_with_quota(user) -> list[BuyerIdentity]:
    """The user's identities, each with `quota_remaining` (one query for all)."""
    identities = list(BuyerIdentity.objects.filter(user=user))
    if not identities:
        return identities
    start, end = _year_bounds(timezone.localtime().year)
    rows = (
        Order.objects.filter(buyer_id_number__in=[i.id_number for i in identities])
        .filter(
            Q(status__in=Order.QUOTA_STATUSES, paid_at__gte=start, paid_at__lt=end)
            | Q(status=Order.Status.PENDING_PAYMENT, created_at__gte=start, created_at__lt=end)
        )
        .values("buyer_id_number")
        .annotate(total=Sum("goods_total"), returned=Sum("goods_returned"))
        .values_list("buyer_id_number", "total", "returned")
    )
    used = {number: (total, returned) for number, total, returned in rows}
    for identity in identities:
        total, returned = used.get(identity.id_number, (None, None))
        counted = round_cny(total or Decimal("0")) - round_cny(returned or Decimal("0"))
        identity.quota_remaining = max(rules.ANNUAL_LIMIT - counted, Decimal("0.00"))
    return identities


def addresses_for(user) -> QuerySet[Address]:
    return Address.objects.filter(user=user)


def _item_count():
    """Units of each order as a correlated subquery: PostgreSQL computes it for the rows of the page
    only, where a join with GROUP BY would first group every matching order."""
    units = (
        OrderLine.objects.filter(order=OuterRef("pk")).order_by().values("order").annotate(n=Sum("quantity"))
    )
    return Coalesce(Subquery(units.values("n")), 0)


def orders_for_user(user) -> QuerySet[Order]:
    """The shopper's orders, newest first; each knows whether staff hold its payment
    (`release_on_hold`) without a query per row."""
    from payments.selectors import open_hold_exists

    return (
        Order.objects.filter(user=user)
        .select_related("merchant", "payment")
        .annotate(item_count=_item_count(), release_on_hold=open_hold_exists())
        .order_by("-created_at", "-id")
    )


def order_for_user(user, number: str) -> Order | None:
    from payments.selectors import open_hold_exists

    return (
        Order.objects.filter(user=user, number=number)
        .select_related("merchant", "payment")
        .annotate(release_on_hold=open_hold_exists())
        .prefetch_related(
            "lines", Prefetch("events", queryset=OrderEvent.objects.order_by("created_at", "id"))
        )
        .first()
    )


def orders_for_merchant(merchant, *, status: str | None = None) -> QuerySet[Order]:
    """A merchant's orders, and only theirs; paid ones first by shipping deadline."""
    orders = (
        Order.objects.filter(merchant=merchant)
        .annotate(item_count=_item_count())
        .order_by("ship_by", "-created_at")
    )
    if status:
        orders = orders.filter(status=status)
    return orders
