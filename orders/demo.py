"""Demo data: paid orders waiting in the demo merchant's store, so its seller dashboard has parcels to
ship (quotes, a batch, labels) and the deadline job has something to watch. Called by `seed_demo`."""

import uuid
from datetime import timedelta

from django.utils import timezone

from marketplace import selectors

# Hours since payment of each demo order: fresh, half-way, close to the deadline, one overdue.
PAID_HOURS_AGO = (1, 3, 8, 20, 30, 50, 70, 100, 118, 130)


def seed_orders_to_ship(*, shopper, merchant, rng, log) -> int:
    """Paid checkouts of the demo shopper at the demo merchant's store (one order each), paid at the
    times of `PAID_HOURS_AGO`; a second delivery address in Beijing for variety."""
    from orders import services as order_services
    from orders.models import Address, BuyerIdentity, Order
    from payments import services as payment_services
    from payments.gateways import Card

    identity = BuyerIdentity.objects.filter(user=shopper).first()
    addresses = list(Address.objects.filter(user=shopper))
    if identity is None or not addresses:
        return 0
    addresses.append(
        order_services.address_create(
            user=shopper,
            recipient="李明",
            phone="13911112222",
            province="北京市",
            city="北京市",
            district="朝阳区",
            street="建国路 88 号 3 单元 501",
        )
    )
    products = list(
        selectors.products_visible()
        .filter(merchant=merchant, price_cny__lt=400, variants__stock__gte=5, variants__is_active=True)
        .distinct()
        .order_by("pk")[:20]
    )
    if not products:
        return 0
    now = timezone.now()
    made = 0
    for hours in PAID_HOURS_AGO:
        cart = order_services.cart_get_or_create(user=shopper)
        by_mode = rng.choice(products).shipping_mode
        chosen = [p for p in products if p.shipping_mode == by_mode]
        for product in rng.sample(chosen, k=min(len(chosen), rng.choice((1, 1, 2, 3)))):
            variant = product.variants.filter(is_active=True, stock__gte=5).first()
            order_services.cart_add(cart=cart, variant_id=variant.pk, quantity=rng.choice((1, 1, 2)))
        payment = order_services.checkout_place(
            user=shopper,
            address_id=rng.choice(addresses).pk,
            identity_id=identity.pk,
            idempotency_key=uuid.uuid4().hex,
        )
        payment_services.payment_confirm(
            payment=payment,
            user=shopper,
            card=Card("4242424242424242", 12, 2030, "123"),
            idempotency_key=uuid.uuid4().hex,
        )
        for order in Order.objects.filter(payment=payment):
            paid_at = now - timedelta(hours=hours)
            Order.objects.filter(pk=order.pk).update(
                created_at=paid_at - timedelta(minutes=3),
                paid_at=paid_at,
                ship_by=paid_at + (order.ship_by - order.paid_at),
            )
            made += 1
    log(f"Demo merchant: {made} paid orders waiting to be shipped (one past its deadline).")
    return made
