"""Demo parcels (called by `manage.py seed_demo`): a handful of the demo shopper's orders, paid and
shipped at various ages, so that the carrier simulator (scheduled every minute by `manage.py
rundemo`) moves them along while someone looks: one scan is due a few minutes after seeding on each.

The shipments are written directly from a real quote (like `tests/factories.py::shipment_for`), with
waybill numbers in each carrier's format, then backdated: a parcel's script of scans depends only on
its waybill number, so its age decides which scan comes next and when.
"""

import uuid
from datetime import timedelta

from django.utils import timezone

from .models import CustomsMode, Shipment, ShipmentEvent

# (shipping mode, carriers in order of preference, the script's step due soon, minutes after seeding)
DEMO_PARCELS = [
    ("direct_mail", ["ems", "china-post"], "accepted", 2),
    ("direct_mail", ["dhl-express", "ems"], "arrived", 4),
    ("direct_mail", ["china-post", "ems"], "declared", 3),
    ("direct_mail", ["tnt", "sf-express", "ems"], "out", 6),
    ("direct_mail", ["ems", "china-post"], "address", 8),
    ("bonded", ["sf-express", "ems"], "declared", 5),
    ("bonded", ["ems", "china-post"], "departed", 7),
]
WEIGHTS = (450, 800, 1200, 1750, 2300)


def demo_reset() -> None:
    """Before the orders are deleted (shipments protect them)."""
    ShipmentEvent.objects.all().delete()
    Shipment.objects.all().delete()


def _paid_order(shopper, product, address, identity):
    from orders import services as order_services
    from payments import services as payment_services
    from payments.gateways import Card

    variant = product.variants.filter(is_active=True, stock__gte=2).first()
    cart = order_services.cart_get_or_create(user=shopper)
    order_services.cart_add(cart=cart, variant_id=variant.pk, quantity=1)
    payment = order_services.checkout_place(
        user=shopper, address_id=address.pk, identity_id=identity.pk, idempotency_key=uuid.uuid4().hex
    )
    payment_services.payment_confirm(
        payment=payment,
        user=shopper,
        card=Card("4242424242424242", 12, 2030, "123"),
        idempotency_key=uuid.uuid4().hex,
    )
    return payment.orders.get()


def _quote(order, carriers, weight):
    from . import quotes
    from .errors import ParcelTooHeavy, ProviderNotOffered

    for code in carriers:
        try:
            return quotes.shipment_quote(
                merchant=order.merchant,
                shipping_mode=order.shipping_mode,
                weight_grams=weight,
                provider_code=code,
            )
        except (ProviderNotOffered, ParcelTooHeavy):
            continue
    offered = quotes.shipment_quotes(
        merchant=order.merchant, shipping_mode=order.shipping_mode, weight_grams=weight
    )
    return offered[0] if offered else None


def _shipment(order, quote, rng, step_key: str, due_in: timedelta, now) -> Shipment | None:
    """An unsaved shipment of `order` whose `step_key` scan falls `due_in` after `now`."""
    from . import simulator, waybills

    origin = "CN" if order.shipping_mode == "bonded" else order.merchant.country
    shipment = Shipment(
        order=order,
        merchant=order.merchant,
        provider=quote.provider,
        rate_card=quote.rate_card,
        zone=quote.zone,
        shipping_mode=order.shipping_mode,
        customs_mode=CustomsMode.for_shipping_mode(order.shipping_mode),
        origin_country=origin,
        weight_grams=quote.weight_grams,
        list_price=quote.list_price,
        discount_percent=quote.discount_percent,
        price=quote.price,
        transit_days_min=quote.transit_days_min,
        transit_days_max=quote.transit_days_max,
        consignee_name=order.buyer_name,
        consignee_id_number=order.buyer_id_number,
        created_at=now,
    )
    for _attempt in range(200):  # the address-problem script is one parcel in eight
        shipment.waybill_number = waybills.waybill_new(
            quote.provider.waybill_format,
            origin_country=origin,
            service_indicator=quote.provider.service_indicator,
            rng=rng,
        )
        step = next((s for s in simulator.script(shipment) if s.key == step_key), None)
        if step is not None:
            break
    else:
        return None
    shipment.created_at = now + due_in - (step.at - now)
    shipped_on = timezone.localdate(shipment.created_at)
    shipment.expected_from = shipped_on + timedelta(days=shipment.transit_days_min)
    shipment.expected_by = shipped_on + timedelta(days=shipment.transit_days_max)
    return shipment


def seed_demo_shipments(*, now, rng, log) -> int:
    """The demo shopper's parcels on their way; returns how many. Needs the catalogue and the demo
    shopper's address and identity (seed_demo's `_shopper_orders`)."""
    from django.apps import apps

    from .seed import seed_providers

    seed_providers(apps)  # the carriers of the data migration (a flushed database lost them)
    from marketplace import selectors
    from marketplace.models import User
    from orders import services as order_services

    shopper = User.objects.filter(username="shopper").first()
    address = shopper and shopper.addresses.first()
    identity = shopper and shopper.identities.first()
    if not (address and identity):
        return 0
    used_merchants: dict[str, set] = {"direct_mail": set(), "bonded": set()}
    made = 0
    for index, (mode, carriers, step_key, minutes) in enumerate(DEMO_PARCELS):
        candidates = (
            selectors.products_visible()
            .filter(shipping_mode=mode, price_cny__lt=600, variants__stock__gte=2, variants__is_active=True)
            .exclude(merchant_id__in=used_merchants[mode])
            .order_by("merchant_id", "pk")
            .distinct()
        )
        product = candidates.first() or selectors.products_visible().filter(shipping_mode=mode).first()
        if product is None:
            continue
        used_merchants[mode].add(product.merchant_id)
        order = _paid_order(shopper, product, address, identity)
        quote = _quote(order, carriers, WEIGHTS[index % len(WEIGHTS)])
        if quote is None:
            continue
        shipment = _shipment(order, quote, rng, step_key, timedelta(minutes=minutes), now)
        if shipment is None:
            continue
        created_at = shipment.created_at
        shipment.save()
        Shipment.objects.filter(pk=shipment.pk).update(created_at=created_at)
        order_services.order_ship(
            order=order, note=f"{quote.provider.name}, waybill {shipment.waybill_number}"
        )
        made += 1
    log(f"{made} demo parcels on their way (the carrier simulator moves them every minute).")
    return made
