"""What an order tells people, through the notification centre (docs/rules.md, "Notifications").

Called inside the services' transactions (`order_transition`, `order_note`, shipping, the deadlines
job, the escrow release), so a rollback writes none; each notification has a dedupe key naming its
event, so a service that runs twice notifies once. Texts are lazy: `notify` writes both languages,
and the email goes in the recipient's. Amounts are callables, written per language."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.money import format_money
from marketplace.notifications.models import Notification
from marketplace.notifications.services import notify, notify_store

Kind = Notification.Kind


def _money(amount, currency=None):
    return lambda: format_money(amount, currency)


def _buyer(order, key: str, **kwargs):
    return notify(
        user=order.user, url=order.get_absolute_url(), dedupe_key=f"order-{order.pk}-{key}", **kwargs
    )


def _store(order, key: str, **kwargs):
    return notify_store(
        merchant=order.merchant,
        url=reverse("seller_orders:detail", args=[order.number]),
        dedupe_key=f"order-{order.pk}-{key}",
        **kwargs,
    )


def order_status_changed(order, event) -> None:
    """`order_transition` moved the order: tell whoever needs to act or know. The release tells its
    own (it knows the amounts): `order_released`."""
    from .models import Order

    status, number = event.to_status, order.number
    if status == Order.Status.PAID:
        deadline = timezone.localtime(order.ship_by) if order.ship_by else None
        _store(
            order,
            "paid",
            kind=Kind.ORDER,
            title=_("New paid order %(number)s"),
            body=_("%(amount)s paid and held in escrow. Ship it by %(deadline)s."),
            params={
                "number": number,
                "amount": _money(order.total),
                "deadline": f"{deadline:%Y-%m-%d %H:%M}" if deadline else "",
            },
        )
    elif status == Order.Status.SHIPPED:
        # The parcel (logistics) is written before the order moves: its carrier and waybill go in.
        shipment = order.shipments.filter(kind="outbound").select_related("provider").first()
        order_shipped(order, shipment)
    elif status == Order.Status.DELIVERED:
        _buyer(
            order,
            "delivered",
            kind=Kind.SHIPMENT,
            title=_("Order %(number)s was delivered"),
            body=_(
                "Check the goods and confirm receipt on the order page; the payment goes to the store "
                "when you confirm, or automatically after the confirmation period."
            ),
            params={"number": number},
        )
    elif status == Order.Status.CANCELLED:
        by_buyer = event.actor_id is not None and event.actor_id == order.user_id
        _buyer(
            order,
            "cancelled",
            kind=Kind.ORDER,
            title=_("Order %(number)s was cancelled"),
            body=_("You cancelled the order; nothing was charged.")
            if by_buyer
            else _("The order was not paid in time and was cancelled; nothing was charged."),
            params={"number": number},
            email=not by_buyer,
        )
    elif status == Order.Status.REFUNDED:
        _buyer(
            order,
            "refunded",
            kind=Kind.ORDER,
            title=_("Order %(number)s was refunded"),
            body=_("%(amount)s goes back to the card you paid with; banks take a few days to show it."),
            params={"number": number, "amount": _money(order.total)},
            email=True,
        )
        _store(
            order,
            "refunded",
            kind=Kind.ORDER,
            title=_("Order %(number)s was cancelled and refunded"),
            body=_("The buyer's payment was returned. Do not ship this order.")
            if event.from_status == Order.Status.PAID
            else _("The buyer's payment was returned."),
            params={"number": number},
        )


def order_noted(order, event) -> None:
    """`order_note` recorded something without a status change: the buyer hears of a store the
    platform closed (customs tells its own: `order_customs_held`)."""
    from .models import OrderEvent

    if event.kind == OrderEvent.Kind.STORE_CLOSED:
        _buyer(
            order,
            "store-closed",
            kind=Kind.ORDER,
            title=_("The store of order %(number)s was closed"),
            body=_(
                "The platform closed the store before it shipped. You may cancel the order for a full refund."
            ),
            params={"number": order.number},
            email=True,
        )


def order_customs_held(order, event, *, reasons) -> None:
    """Customs held the parcel: the buyer hears it, by email (they may have to act). `reasons`: a
    callable giving the reasons in the active language."""
    _buyer(
        order,
        f"event-{event.pk}",
        kind=Kind.SHIPMENT,
        title=_("Customs is holding the parcel of order %(number)s"),
        body=_(
            "Customs found a problem with the declaration: %(reasons)s The platform is resolving it; "
            "the order page shows what happens next."
        ),
        params={"number": order.number, "reasons": reasons},
        email=True,
    )


def order_shipped(order, shipment) -> None:
    """The store shipped: the buyer hears it, by email too (the only shipped email)."""
    if shipment is None:  # shipped without a recorded parcel (older data, tests)
        body, params = "", {"number": order.number}
    else:
        body = _(
            "Your order %(number)s is on its way with %(provider)s, waybill %(waybill)s. "
            "Expected delivery: %(start)s to %(end)s. Track it on your order page."
        )
        params = {
            "number": order.number,
            "provider": shipment.provider.name,
            "waybill": shipment.waybill_number,
            "start": shipment.expected_from.isoformat() if shipment.expected_from else "",
            "end": shipment.expected_by.isoformat() if shipment.expected_by else "",
        }
    _buyer(
        order,
        "shipped",
        kind=Kind.SHIPMENT,
        title=_("Order %(number)s has shipped"),
        body=body,
        params=params,
        email=True,
    )


def order_shipped_late(order, *, compensation, deadline, unshipped: bool) -> None:
    """The deadlines job found the order shipped late (or not yet): the buyer hears of the
    compensation owed, by email."""
    if unshipped:
        body = _("The store did not ship by %(deadline)s. You may cancel for a full refund. %(owed)s")
    else:
        body = _("The store shipped after its deadline, %(deadline)s. %(owed)s")
    _buyer(
        order,
        "shipped-late",
        kind=Kind.ORDER,
        title=_("Order %(number)s: late shipment compensation"),
        body=body,
        params={
            "number": order.number,
            "deadline": f"{timezone.localtime(deadline):%Y-%m-%d %H:%M}",
            "owed": lambda: str(
                _("A compensation of %(amount)s is owed to you.") % {"amount": format_money(compensation)}
            ),
        },
        email=True,
    )


def order_compensated(order, *, amount, key: str) -> None:
    """A compensation was paid to the buyer's card."""
    _buyer(
        order,
        f"compensation-{key}",
        kind=Kind.ORDER,
        title=_("Compensation paid for order %(number)s"),
        body=_("%(amount)s was paid back to the card you paid with."),
        params={"number": order.number, "amount": _money(amount)},
        email=True,
    )


def order_released(order, *, amount, commission) -> None:
    """The order's money left escrow for the store's balance (the buyer confirmed, or the period
    passed): the store's staff hear it."""
    _store(
        order,
        "released",
        kind=Kind.PAYOUT,
        title=_("Payment released for order %(number)s"),
        body=_("%(amount)s was added to your balance (after the platform commission of %(commission)s)."),
        params={"number": order.number, "amount": _money(amount), "commission": _money(commission)},
    )
