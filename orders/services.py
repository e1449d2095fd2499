"""Writes and business rules of orders: the cart, addresses and identities, checkout (limits, tax,
stock), the order state machine, cancellation and the expiry of unpaid orders.

Payments and the escrow ledger live in `payments.services`; checkout creates the payment there and
payment confirmation comes back here through `orders_mark_paid`.
"""

import secrets
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Least
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace import identifiers, limits
from marketplace import selectors as catalog
from marketplace.converters import MAX_ID
from marketplace.models import ProductVariant
from marketplace.money import format_cny, to_cny
from payments import services as payment_services
from payments.models import Payment

from . import notifications, rules, selectors
from .errors import (
    AnnualLimitExceeded,
    CartEmpty,
    CheckoutTotalNotPositive,
    DuplicateIdentity,
    IllegalTransition,
    InsufficientStock,
    InvalidQuantity,
    ItemOverOrderLimit,
    MissingRealName,
    NotFound,
    OrderLimitExceeded,
    OrderNotCancellable,
    PriceNotPayable,
    ProductUnavailable,
)
from .models import Address, BuyerIdentity, Cart, CartItem, Order, OrderEvent, OrderLine

# ---------------------------------------------------------------------------------------------- cart


def cart_get_or_create(*, user=None, cart_id: int | None = None) -> Cart:
    """The account's cart for a user; otherwise the anonymous cart `cart_id` (or a new one)."""
    if user is not None and user.is_authenticated:
        cart, _created = Cart.objects.get_or_create(user=user)
        return cart
    if cart_id:
        cart = Cart.objects.filter(pk=cart_id, user__isnull=True).first()
        if cart:
            return cart
    return Cart.objects.create()


def _check_quantity(quantity) -> int:
    try:
        quantity = int(quantity)
    except (TypeError, ValueError) as exc:
        raise InvalidQuantity(rules.MAX_QUANTITY_PER_LINE) from exc
    if not 1 <= quantity <= rules.MAX_QUANTITY_PER_LINE:
        raise InvalidQuantity(rules.MAX_QUANTITY_PER_LINE)
    return quantity


def _variant_id(value, message) -> int:
    """A variant id from a request, or `NotFound`: a number beyond the id column's range (2**63) or not a
    number at all names no variant, and must not reach the database as a query it cannot run."""
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise NotFound(message) from exc
    if not 1 <= number <= MAX_ID:
        raise NotFound(message)
    return number


def _buyable_variant(variant_id) -> ProductVariant:
    variant = (
        ProductVariant.objects.filter(pk=variant_id, is_active=True, product__in=catalog.products_visible())
        .select_related("product")
        .first()
    )
    if variant is None:
        raise NotFound(_("This product is not available."))
    return variant


@transaction.atomic
def cart_add(*, cart: Cart, variant_id, quantity=1) -> CartItem:
    """Add a visible, active variant; adding one already in the cart adds to its quantity."""
    quantity = _check_quantity(quantity)
    variant = _buyable_variant(variant_id)
    _check_unit_within_order_limit(variant)
    item = CartItem.objects.select_for_update().filter(cart=cart, variant=variant).first()
    new_quantity = quantity + (item.quantity if item else 0)
    _check_quantity(new_quantity)
    if new_quantity > variant.stock:
        raise InsufficientStock(variant.product.name, variant.stock)
    if item:
        item.quantity = new_quantity
        item.save(update_fields=["quantity"])
    else:
        item = CartItem.objects.create(cart=cart, variant=variant, quantity=new_quantity)
    Cart.objects.filter(pk=cart.pk).update(updated_at=timezone.now())
    return item


def _check_unit_within_order_limit(variant: ProductVariant) -> None:
    """Refuse what could never be checked out: one unit alone over the per-order limit."""
    unit = to_cny(variant.price, catalog.exchange_rates(use_cache=False))
    if rules.unit_over_order_limit(unit):
        raise ItemOverOrderLimit(variant.product.name, format_cny(unit), format_cny(rules.ORDER_GOODS_LIMIT))


@transaction.atomic
def cart_set_quantity(*, cart: Cart, variant_id, quantity) -> CartItem | None:
    """Set a line's quantity; 0 removes it."""
    try:
        quantity = int(quantity)
    except (TypeError, ValueError) as exc:
        raise InvalidQuantity(rules.MAX_QUANTITY_PER_LINE) from exc
    variant_id = _variant_id(variant_id, _("This item is not in your cart."))
    item = CartItem.objects.select_for_update().filter(cart=cart, variant_id=variant_id).first()
    if item is None:
        raise NotFound(_("This item is not in your cart."))
    if quantity == 0:
        item.delete()
        return None
    quantity = _check_quantity(quantity)
    variant = item.variant
    if quantity > variant.stock:
        raise InsufficientStock(variant.product.name, variant.stock)
    item.quantity = quantity
    item.save(update_fields=["quantity"])
    return item


@transaction.atomic
def cart_remove(*, cart: Cart, variant_id) -> None:
    variant_id = _variant_id(variant_id, _("This item is not in your cart."))
    CartItem.objects.filter(cart=cart, variant_id=variant_id).delete()


@transaction.atomic
def cart_merge(*, cart_id: int | None, user) -> Cart | None:
    """At login: move the session's anonymous cart into the account's cart. Quantities of the same
    variant add up (capped at the per-line maximum); the anonymous cart is deleted."""
    if not cart_id:
        return None
    source = Cart.objects.filter(pk=cart_id, user__isnull=True).first()
    if source is None:
        return None
    target, _created = Cart.objects.get_or_create(user=user)
    existing = {item.variant_id: item for item in CartItem.objects.select_for_update().filter(cart=target)}
    for item in CartItem.objects.filter(cart=source):
        if item.variant_id in existing:
            mine = existing[item.variant_id]
            mine.quantity = min(mine.quantity + item.quantity, rules.MAX_QUANTITY_PER_LINE)
            mine.save(update_fields=["quantity"])
        else:
            CartItem.objects.create(cart=target, variant_id=item.variant_id, quantity=item.quantity)
    source.delete()
    return target


# ------------------------------------------------------------------------------ addresses, identities


@transaction.atomic
def address_create(*, user, recipient, phone, province, city, district, street) -> Address:
    return Address.objects.create(
        user=user,
        recipient=recipient.strip(),
        phone=identifiers.mainland_mobile(phone),
        province=province.strip(),
        city=city.strip(),
        district=district.strip(),
        street=street.strip(),
    )


@transaction.atomic
def address_delete(*, user, address_id) -> None:
    if not Address.objects.filter(user=user, pk=address_id).delete()[0]:
        raise NotFound()


@transaction.atomic
def identity_create(*, user, real_name: str, id_number: str) -> BuyerIdentity:
    """Save a buyer identity after checking the ID number (checksum and birth date). The number is
    kept in its canonical ASCII form, so a look-alike of a saved number (full-width digits, a digit
    of another script, a lower-case x, spaces or invisible characters) is "already saved" rather
    than a second identity with a fresh annual quota."""
    number = rules.resident_id_validate(id_number)
    real_name = real_name.strip()
    if not real_name:
        raise MissingRealName()
    if BuyerIdentity.objects.filter(user=user, id_number=number).exists():
        raise DuplicateIdentity()
    return BuyerIdentity.objects.create(user=user, real_name=real_name, id_number=number)


@transaction.atomic
def identity_delete(*, user, identity_id) -> None:
    if not BuyerIdentity.objects.filter(user=user, pk=identity_id).delete()[0]:
        raise NotFound()


# ---------------------------------------------------------------------------------- state machine


def order_transition(order: Order, to_status: str, *, kind: str, actor=None, note: str = "") -> OrderEvent:
    """The one way an order's status changes. The caller holds the order's row lock (inside its
    transaction). Refuses a move not in `Order.TRANSITIONS`; writes the event."""
    from_status = order.status
    if to_status not in Order.TRANSITIONS[Order.Status(from_status)]:
        raise IllegalTransition(order.number, Order.Status(from_status).label, Order.Status(to_status).label)
    now = timezone.now()
    order.status = to_status
    fields = ["status"]
    if to_status == Order.Status.PAID:
        order.paid_at = now
        order.ship_by = now + timedelta(hours=rules.SHIP_WITHIN_HOURS[order.shipping_mode])
        fields += ["paid_at", "ship_by"]
    elif to_status == Order.Status.SHIPPED:
        order.shipped_at = now
        fields.append("shipped_at")
    elif to_status == Order.Status.DELIVERED:
        order.delivered_at = now
        fields.append("delivered_at")
    elif to_status in (Order.Status.CANCELLED, Order.Status.REFUNDED, Order.Status.COMPLETED):
        order.closed_at = now
        fields.append("closed_at")
    order.save(update_fields=fields)
    event = OrderEvent.objects.create(
        order=order, kind=kind, from_status=from_status, to_status=to_status, actor=actor, note=note[:300]
    )
    notifications.order_status_changed(order, event)  # in this transaction: a rollback writes none
    return event


def order_note(order: Order, *, kind: str, note: str = "", actor=None) -> OrderEvent:
    """An event that does not change the status (a declined card, a failed refund)."""
    event = OrderEvent.objects.create(
        order=order, kind=kind, from_status=order.status, to_status=order.status, actor=actor, note=note[:300]
    )
    notifications.order_noted(order, event)
    return event


def orders_note_store_closed(*, merchant, actor=None) -> int:
    """A store was blacklisted: record on each of its paid, unshipped orders the buyer's right to
    cancel for a full refund (cancelling itself is `order_cancel`). Runs in the caller's transaction."""
    orders = list(Order.objects.select_for_update().filter(merchant=merchant, status=Order.Status.PAID))
    for order in orders:
        order_note(order, kind=OrderEvent.Kind.STORE_CLOSED, actor=actor)
    return len(orders)


# ------------------------------------------------------------------------------------------ stock


def stock_reserve(quantities: dict[int, int]) -> None:
    """Take stock for a checkout. Rows are locked in primary-key order (no deadlocks between two
    checkouts), then each decrement is conditional, so stock can never go below zero."""
    variants = {
        v.pk: v
        for v in ProductVariant.objects.select_for_update()
        .filter(pk__in=list(quantities))
        .select_related("product")
        .order_by("pk")
    }
    for variant_id in sorted(quantities):
        wanted = quantities[variant_id]
        taken = ProductVariant.objects.filter(pk=variant_id, stock__gte=wanted).update(
            stock=F("stock") - wanted
        )
        if not taken:
            variant = variants[variant_id]
            raise InsufficientStock(variant.product.name, variant.stock)


def stock_release(order: Order) -> None:
    """Return a cancelled order's units. Stock never exceeds `limits.STOCK_MAX` (a check constraint):
    a merchant who set the ceiling meanwhile keeps the ceiling."""
    for line in sorted(order.lines.all(), key=lambda line: line.variant_id):
        ProductVariant.objects.filter(pk=line.variant_id).update(
            stock=Least(F("stock") + line.quantity, Value(limits.STOCK_MAX))
        )


# ---------------------------------------------------------------------------------------- checkout


def _order_number() -> str:
    return f"{timezone.localtime():%y%m%d}{secrets.randbelow(10**10):010d}"


def checkout_place(*, user, address_id, identity_id, idempotency_key: str) -> Payment:
    """Turn the user's cart into one order per merchant and shipping mode under one payment.

    Checks the cross-border limits on goods value (per order and the buyer's annual quota), locks
    today's exchange rate on each order, reserves the stock and empties the cart. The same
    `idempotency_key` submitted twice returns the first checkout's payment.
    """
    existing = Payment.objects.filter(checkout_key=idempotency_key, user=user).first()
    if existing:
        return existing
    try:
        return _checkout_place(user=user, address_id=address_id, identity_id=identity_id, key=idempotency_key)
    except IntegrityError:
        existing = Payment.objects.filter(checkout_key=idempotency_key, user=user).first()
        if existing:
            return existing
        raise


@transaction.atomic
def _checkout_place(*, user, address_id, identity_id, key) -> Payment:
    address = Address.objects.filter(user=user, pk=address_id).first()
    if address is None:
        raise NotFound(_("Please choose a delivery address."))
    # The identity row lock serialises one buyer's checkouts, so two cannot both use the last quota.
    identity = BuyerIdentity.objects.select_for_update().filter(user=user, pk=identity_id).first()
    if identity is None:
        raise NotFound(_("Please choose the buyer's identity."))
    cart = Cart.objects.filter(user=user).first()
    items = selectors.cart_items(cart)
    if not items:
        raise CartEmpty()
    visible = set(
        catalog.products_visible()
        .filter(pk__in={item.variant.product_id for item in items})
        .values_list("pk", flat=True)
    )
    rates = catalog.exchange_rates(use_cache=False)
    # Shipping by each store's template to the chosen address (docs/rules.md, "Shipping templates").
    priced = selectors.items_priced(items, rates, available_product_ids=visible, province=address.province)
    for line in priced.lines:
        if not line.available:
            raise ProductUnavailable(line.product.name)
        if line.unit_price_cny <= 0 or line.goods <= 0:
            raise PriceNotPayable(line.product.name)
        if line.over_order_limit:
            raise ItemOverOrderLimit(
                line.product.name, format_cny(line.unit_price_cny), format_cny(rules.ORDER_GOODS_LIMIT)
            )
    # Money moved by a payment is positive (the database refuses anything else too; this says why).
    if priced.total <= 0 or any(group.total <= 0 for group in priced.groups):
        raise CheckoutTotalNotPositive(format_cny(priced.total))
    for group in priced.groups:
        if group.over_limit:
            raise OrderLimitExceeded(
                group.merchant.name, format_cny(group.goods), format_cny(rules.ORDER_GOODS_LIMIT)
            )
    remaining = rules.ANNUAL_LIMIT - selectors.quota_used(identity.id_number)
    if priced.goods > remaining:
        raise AnnualLimitExceeded(
            format_cny(priced.goods), format_cny(max(remaining, 0)), format_cny(rules.ANNUAL_LIMIT)
        )

    stock_reserve({line.variant.pk: line.quantity for line in priced.lines})
    payment = payment_services.payment_create(
        user=user,
        amount=priced.total,
        checkout_key=key,
        payer_name=identity.real_name,
        payer_id_number=identity.id_number,
    )
    for group in priced.groups:
        order = Order.from_priced_group(
            group,
            user=user,
            address=address,
            identity=identity,
            rates=rates,
            number=_order_number(),
            payment=payment,
        )
        order.save()
        OrderLine.objects.bulk_create(OrderLine.from_priced(order, line) for line in group.lines)
        OrderEvent.objects.create(
            order=order,
            kind=OrderEvent.Kind.PLACED,
            to_status=order.status,
            actor=user,
            note=f"{order.currency} 1 = CNY {order.exchange_rate}",
        )
    CartItem.objects.filter(cart=cart).delete()
    return payment


# ------------------------------------------------------------------------------- paying, cancelling


def orders_mark_paid(*, payment: Payment, actor=None) -> list[Order]:
    """Called by `payments.services.payment_confirm` inside its transaction, payment row locked.
    Each order's customs declaration is prepared in the same transaction."""
    from logistics.services import customs

    orders = list(Order.objects.select_for_update().filter(payment=payment).order_by("pk"))
    for order in orders:
        order_transition(order, Order.Status.PAID, kind=OrderEvent.Kind.PAID, actor=actor)
        customs.customs_declaration_prepare(order=order)
    return orders


def _cancel_unpaid(payment: Payment, *, kind, actor=None, note="") -> list[Order]:
    """Cancel every unpaid order of one payment (they are paid together, so they go together),
    release their stock and cancel the payment. The caller holds the payment's row lock."""
    orders = list(
        Order.objects.select_for_update()
        .filter(payment=payment, status=Order.Status.PENDING_PAYMENT)
        .order_by("pk")
    )
    for order in orders:
        order_transition(order, Order.Status.CANCELLED, kind=kind, actor=actor, note=note)
        stock_release(order)
    payment_services.payment_cancel(payment=payment)
    return orders


def order_cancel(*, user, number: str, idempotency_key: str):
    """The shopper cancels an order. Unpaid: it and the other unpaid orders of its checkout are
    cancelled and their stock released. Paid and not shipped: the order's total is refunded through
    the gateway and the escrow ledger (`payments.services.order_refund`). Idempotent by key."""
    order = Order.objects.filter(user=user, number=number).select_related("payment").first()
    if order is None:
        raise NotFound(_("No such order."))
    if order.status == Order.Status.PENDING_PAYMENT:
        with transaction.atomic():
            payment = payment_services.payment_lock(payment=order.payment)
            order.refresh_from_db()
            if order.status == Order.Status.PENDING_PAYMENT:
                payment_services.payment_check_not_processing(payment=payment)
                _cancel_unpaid(payment, kind=OrderEvent.Kind.CANCELLED, actor=user)
                return None
    if order.status == Order.Status.PAID or payment_services.refund_exists(idempotency_key=idempotency_key):
        return payment_services.order_refund(order=order, idempotency_key=idempotency_key, actor=user)
    raise OrderNotCancellable(Order.Status(order.status).label)


def order_refunded(
    *, order: Order, actor=None, note="", parcel_returned: bool = False, restock: bool = True
) -> None:
    """Called by `payments.services.order_refund` once the gateway has refunded, order locked. A
    parcel customs returned is refunded too (shipped to refunded); its units travel back to the
    store and are not put back on sale here. `restock` False: the goods are with the buyer (a staff
    refund of a shipped or delivered order)."""
    kind = OrderEvent.Kind.CUSTOMS_RETURNED if parcel_returned else OrderEvent.Kind.REFUNDED
    order_transition(order, Order.Status.REFUNDED, kind=kind, actor=actor, note=note)
    if not parcel_returned and restock:
        stock_release(order)


def orders_cancel_expired(*, now=None) -> int:
    """Cancel orders left unpaid longer than the payment timeout and release their stock. A payment
    with a card attempt still processing is left alone until it settles. Returns orders cancelled."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=rules.payment_timeout_minutes())
    payment_ids = (
        Order.objects.filter(status=Order.Status.PENDING_PAYMENT, created_at__lt=cutoff)
        .values_list("payment_id", flat=True)
        .distinct()
    )
    cancelled = 0
    for payment_id in sorted(set(payment_ids)):
        with transaction.atomic():
            payment = payment_services.payment_lock(payment_id=payment_id)
            if payment_services.payment_is_processing(payment=payment):
                continue
            cancelled += len(
                _cancel_unpaid(
                    payment,
                    kind=OrderEvent.Kind.EXPIRED,
                    note=_("Not paid within %(minutes)s minutes.")
                    % {"minutes": rules.payment_timeout_minutes()},
                )
            )
    return cancelled


@transaction.atomic
def order_ship(*, order: Order, actor=None, note: str = "") -> Order:
    """The merchant hands the parcel over (the logistics issue adds the waybill)."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    payment_services.order_check_no_refund_processing(order=order)
    order_transition(order, Order.Status.SHIPPED, kind=OrderEvent.Kind.SHIPPED, actor=actor, note=note)
    return order


def order_deliver(*, order: Order, delivered_at=None, actor=None, note: str = "") -> Order:
    """The carrier delivered the parcel (called by `logistics.services.tracking` inside its
    transaction). Starts the automatic-confirmation clock (`delivered_at`, the escrow issue's
    release counts from it). A second delivery scan changes nothing."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.status != Order.Status.SHIPPED:
        return order
    order_transition(order, Order.Status.DELIVERED, kind=OrderEvent.Kind.DELIVERED, actor=actor, note=note)
    if delivered_at is not None:
        order.delivered_at = delivered_at
        order.save(update_fields=["delivered_at"])
    return order
