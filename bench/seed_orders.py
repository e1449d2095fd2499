"""Tops the demo merchant's store (the `merchant` account's) up to N orders in a benchmark database, so
the seller order list is measured with a realistic history (bench/harness.py runs it; benchmark
databases only: it refuses to run with any settings but bench.settings).

    DJANGO_SETTINGS_MODULE=bench.settings DATABASE_URL=... python bench/seed_orders.py [--orders 10000]

Idempotent: it counts the store's orders and adds only what is missing. Rows are what checkout and
payment would have written, inserted in bulk through the ORM: orders of one shipping mode with 1-3
lines priced by `orders.pricing` at today's rates, a payment each (sandbox), card attempts, the
processor's own records, the escrow ledger for paid orders, refunds for refunded ones, and the event
timeline of every status the order went through. Statuses: paid (awaiting shipment, some overdue) 30%,
shipped 20%, delivered 12%, completed 28%, cancelled before payment 7%, refunded 3%. The buyers are
40 accounts of their own (`bench_seed_NN`), never the checkout benchmark's buyers, so no buyer's
annual quota there is touched. Stock is left alone: these are past orders.

Every shipped, delivered or completed order of the store also gets what shipping would have written
(`seed_shipments`): a `logistics.Shipment` with a provider that serves its mode and origin, priced on
the provider's rate card in force when it shipped (volume tier by the store's shipments with that
provider that month), a waybill number in the carrier's format, and its tracking events: the whole
trip for a delivered parcel, a beginning of it for one still on its way. Databases seeded before
shipments existed get theirs on the next run (it counts the orders without one).
"""

import argparse
import contextlib
import json
import random
import secrets
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

STATUS_MIX = [
    ("paid", 30),
    ("shipped", 20),
    ("delivered", 12),
    ("completed", 28),
    ("cancelled", 7),
    ("refunded", 3),
]
# The statuses an order passed through to reach each final one (after "placed").
PATHS = {
    "paid": ["paid"],
    "shipped": ["paid", "shipped"],
    "delivered": ["paid", "shipped", "delivered"],
    "completed": ["paid", "shipped", "delivered", "completed"],
    "cancelled": ["cancelled"],
    "refunded": ["paid", "refunded"],
}
SEED_BUYERS = 40
BATCH = 2000


def id_number(rng: random.Random) -> str:
    """A valid resident ID number (region 110105, a birth date in 1960-1999, the check character)."""
    from orders import rules

    first17 = (
        f"110105{rng.randint(1960, 1999)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
        f"{rng.randint(0, 999):03d}"
    )
    return first17 + rules.id_number_check_code(first17)


@contextlib.contextmanager
def explicit_created_at(*models, field_name="created_at"):
    """Let bulk_create keep the `created_at` we set (a history spread over months), not "now"."""
    fields = [model._meta.get_field(field_name) for model in models]
    for field in fields:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True


def seed_buyers(rng):
    from marketplace.models import User
    from orders.models import Address, BuyerIdentity

    buyers = []
    for number in range(1, SEED_BUYERS + 1):
        user, created = User.objects.get_or_create(
            username=f"bench_seed_{number:02d}", defaults={"email": f"bench_seed_{number:02d}@example.com"}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        address = Address.objects.filter(user=user).first() or Address.objects.create(
            user=user,
            recipient=f"买家{number:02d}",
            phone=f"139{rng.randint(0, 10**8 - 1):08d}",
            province="上海市",
            city="上海市",
            district="浦东新区",
            street=f"世纪大道{number}号",
        )
        identity = BuyerIdentity.objects.filter(user=user).first() or BuyerIdentity.objects.create(
            user=user, real_name=f"买家{number:02d}", id_number=id_number(rng)
        )
        buyers.append((user, address, identity))
    return buyers


def seed(target: int, seed_value: int = 5) -> dict:
    from django.conf import settings
    from django.db import connection

    from logistics.models import Shipment, ShipmentEvent
    from marketplace.models import User
    from orders.models import Order, OrderEvent, OrderLine
    from payments.models import Payment

    database = connection.settings_dict["NAME"]
    if settings.SETTINGS_MODULE != "bench.settings":
        raise SystemExit(
            f"refusing to seed orders into {database!r}: run with DJANGO_SETTINGS_MODULE=bench.settings"
        )
    owner = User.objects.get(username="merchant")
    merchant = owner.merchant
    existing = Order.objects.filter(merchant=merchant).count()
    missing = target - existing
    started = time.monotonic()
    if missing > 0:
        _seed_orders(owner, merchant, missing, random.Random(seed_value + existing))
    shipments = seed_shipments(owner, random.Random(seed_value + existing + 1))
    with connection.cursor() as cursor:
        for model in (Order, OrderLine, OrderEvent, Payment, Shipment, ShipmentEvent):
            cursor.execute(f"ANALYZE {model._meta.db_table}")
    return {
        "merchant": merchant.name,
        "orders": Order.objects.filter(merchant=merchant).count(),
        "added": max(missing, 0),
        **shipments,
        "seconds": round(time.monotonic() - started, 1),
    }


def _seed_orders(owner, merchant, missing: int, rng) -> None:
    from django.db import transaction
    from django.utils import timezone

    from marketplace import selectors as catalog
    from marketplace.models import ProductVariant
    from orders import rules
    from orders.models import Order, OrderEvent, OrderLine
    from orders.pricing import price_lines
    from payments.models import (
        LedgerAccount,
        LedgerEntry,
        LedgerTransaction,
        Payment,
        PaymentAttempt,
        Refund,
        SandboxOperation,
    )

    rates = catalog.exchange_rates(use_cache=False)
    variants = list(
        ProductVariant.objects.filter(
            is_active=True, product__merchant=merchant, product__in=catalog.products_visible()
        ).select_related("product__merchant", "product__tax_category")[:2000]
    )
    if not variants:
        raise SystemExit(f"{merchant.name} sells nothing visible: seed the catalogue first")
    by_mode: dict[str, list] = {}
    for variant in variants:
        by_mode.setdefault(variant.product.shipping_mode, []).append(variant)
    modes = sorted(by_mode)
    statuses = [s for s, _w in STATUS_MIX]
    weights = [w for _s, w in STATUS_MIX]
    now = timezone.now()

    with transaction.atomic():
        buyers = seed_buyers(rng)
        orders, payments, plans = [], [], []
        numbers = set()
        for _index in range(missing):
            user, address, identity = rng.choice(buyers)
            status = rng.choices(statuses, weights)[0]
            mode = rng.choice(modes)
            chosen = rng.sample(by_mode[mode], k=min(len(by_mode[mode]), rng.choice([1, 1, 1, 2, 2, 3])))
            priced = price_lines([(v, rng.choice([1, 1, 1, 2, 3]), None) for v in chosen], rates)
            if priced.goods > rules.ORDER_GOODS_LIMIT:  # one unit of the first line instead
                priced = price_lines([(chosen[0], 1, None)], rates)
            [group] = priced.groups
            if status == "paid":  # awaiting shipment: paid in the last 4 days (a few already overdue)
                created = now - timedelta(minutes=rng.randint(10, 4 * 24 * 60))
            elif status in ("delivered", "completed"):  # old enough for the trip to have ended
                created = now - timedelta(minutes=rng.randint(20 * 24 * 60, 180 * 24 * 60))
            else:
                created = now - timedelta(minutes=rng.randint(5 * 24 * 60, 180 * 24 * 60))
            number = f"{timezone.localtime(created):%y%m%d}{rng.randrange(10**10):010d}"
            while number in numbers:
                number = f"{timezone.localtime(created):%y%m%d}{rng.randrange(10**10):010d}"
            numbers.add(number)
            paid_at = created + timedelta(minutes=rng.randint(1, 20)) if status != "cancelled" else None
            payment = Payment(
                reference=f"P{timezone.localtime(created):%y%m%d}{secrets.token_hex(5).upper()}",
                user=user,
                amount=group.total,
                status=Payment.Status.CANCELLED if status == "cancelled" else Payment.Status.SUCCEEDED,
                gateway="sandbox",
                gateway_reference="sbpi_" + secrets.token_hex(8),
                checkout_key=uuid.uuid4().hex,
                created_at=created,
                paid_at=paid_at,
            )
            order = Order.from_priced_group(
                group,
                user=user,
                address=address,
                identity=identity,
                rates=rates,
                number=number,
                status=status,
                created_at=created,
                paid_at=paid_at,
            )
            # Timestamps along the order's path.
            times = {"placed": created}
            moment = created
            for step in PATHS[status]:
                if step == "paid":
                    moment = paid_at
                elif step == "delivered":  # a parcel's trip: 2 to 14 days
                    moment += timedelta(hours=rng.randint(2 * 24, 14 * 24))
                else:
                    moment += timedelta(hours=rng.randint(2, 60) if step != "cancelled" else 1)
                times[step] = moment
            if paid_at:
                order.ship_by = paid_at + timedelta(hours=rules.SHIP_WITHIN_HOURS[mode])
            order.shipped_at = times.get("shipped")
            order.delivered_at = times.get("delivered")
            order.closed_at = times.get("completed") or times.get("cancelled") or times.get("refunded")
            orders.append(order)
            payments.append(payment)
            plans.append((group, times))

        with explicit_created_at(
            Order, OrderEvent, Payment, PaymentAttempt, LedgerTransaction, Refund, SandboxOperation
        ):
            Payment.objects.bulk_create(payments, batch_size=BATCH)
            for order, payment in zip(orders, payments, strict=True):
                order.payment = payment
            Order.objects.bulk_create(orders, batch_size=BATCH)

            lines, events, attempts, operations = [], [], [], []
            holds, refunds = [], []
            for order, payment, (group, times) in zip(orders, payments, plans, strict=True):
                lines.extend(OrderLine.from_priced(order, line) for line in group.lines)
                previous = Order.Status.PENDING_PAYMENT
                events.append(
                    OrderEvent(
                        order=order,
                        kind=OrderEvent.Kind.PLACED,
                        to_status=previous,
                        actor=order.user,
                        note=f"{order.currency} 1 = CNY {order.exchange_rate}",
                        created_at=times["placed"],
                    )
                )
                for step in PATHS[order.status]:
                    events.append(
                        OrderEvent(
                            order=order,
                            kind=step,
                            from_status=previous,
                            to_status=step,
                            actor=owner if step == "shipped" else order.user,
                            created_at=times[step],
                        )
                    )
                    previous = step
                operations.append(
                    SandboxOperation(
                        idempotency_key=f"{payment.reference}:create",
                        kind="create",
                        intent=payment.gateway_reference,
                        amount=payment.amount.amount,
                        outcome="created",
                        response={"currency": "CNY", "reference": payment.reference},
                        created_at=times["placed"],
                    )
                )
                if payment.paid_at:
                    key = uuid.uuid4().hex
                    charge = "sbch_" + secrets.token_hex(8)
                    attempts.append(
                        PaymentAttempt(
                            payment=payment,
                            idempotency_key=key,
                            status=PaymentAttempt.Status.SUCCEEDED,
                            card_last4="4242",
                            gateway_reference=charge,
                            created_at=payment.paid_at,
                        )
                    )
                    operations.append(
                        SandboxOperation(
                            idempotency_key=key,
                            kind="charge",
                            intent=payment.gateway_reference,
                            amount=payment.amount.amount,
                            outcome="succeeded",
                            response={
                                "status": "succeeded",
                                "reference": charge,
                                "error_code": "",
                                "error_message": "",
                            },
                            created_at=payment.paid_at,
                        )
                    )
                    holds.append((order, payment))
                if order.status == "refunded":
                    refunds.append(
                        (
                            order,
                            payment,
                            Refund(
                                payment=payment,
                                order=order,
                                amount=order.total,
                                idempotency_key=uuid.uuid4().hex,
                                status=Refund.Status.SUCCEEDED,
                                gateway_reference="sbre_" + secrets.token_hex(8),
                                created_at=times["refunded"],
                            ),
                        )
                    )
            OrderLine.objects.bulk_create(lines, batch_size=BATCH)
            OrderEvent.objects.bulk_create(events, batch_size=BATCH)
            PaymentAttempt.objects.bulk_create(attempts, batch_size=BATCH)
            SandboxOperation.objects.bulk_create(operations, batch_size=BATCH)
            Refund.objects.bulk_create([r for _o, _p, r in refunds], batch_size=BATCH)

            # The escrow ledger, as payments.services.escrow_hold and escrow_refund write it.
            txns = [
                LedgerTransaction(
                    kind=LedgerTransaction.Kind.ESCROW_HOLD,
                    payment=payment,
                    description=f"payment {payment.reference}",
                    created_at=payment.paid_at,
                )
                for _order, payment in holds
            ] + [
                LedgerTransaction(
                    kind=LedgerTransaction.Kind.REFUND,
                    payment=payment,
                    refund=refund,
                    description=f"refund order {order.number}",
                    created_at=refund.created_at,
                )
                for order, payment, refund in refunds
            ]
            LedgerTransaction.objects.bulk_create(txns, batch_size=BATCH)
        entries = []
        for txn, (order, payment) in zip(txns, holds, strict=False):
            entries += [
                LedgerEntry(transaction=txn, account=LedgerAccount.GATEWAY_CLEARING, amount=payment.amount),
                LedgerEntry(
                    transaction=txn, account=LedgerAccount.ESCROW, order=order, amount=-order.escrow_amount
                ),
                LedgerEntry(
                    transaction=txn, account=LedgerAccount.TAX_PAYABLE, order=order, amount=-order.tax_total
                ),
            ]
        for txn, (order, _payment, refund) in zip(txns[len(holds) :], refunds, strict=True):
            entries += [
                LedgerEntry(
                    transaction=txn, account=LedgerAccount.ESCROW, order=order, amount=order.escrow_amount
                ),
                LedgerEntry(
                    transaction=txn, account=LedgerAccount.TAX_PAYABLE, order=order, amount=order.tax_total
                ),
                LedgerEntry(transaction=txn, account=LedgerAccount.GATEWAY_CLEARING, amount=-refund.amount),
            ]
        LedgerEntry.objects.bulk_create([e for e in entries if e.amount.amount], batch_size=BATCH)


# A parcel's tracking milestones by customs mode, each at a share of its trip (from the shipment to
# the delivery), as the carriers and the platform's customs check record them. Direct mail (9610)
# crosses the border in the parcel; bonded goods (1210) are already in a bonded warehouse in China
# and clear customs before they leave it (the order the carrier simulator follows).
TIMELINES = {
    "9610": [
        ("accepted", 0.03),
        ("departed_origin", 0.12),
        ("arrived_china", 0.40),
        ("customs_declared", 0.45),
        ("customs_cleared", 0.60),
        ("out_for_delivery", 0.85),
        ("delivered", 1.0),
    ],
    "1210": [
        ("accepted", 0.04),
        ("customs_declared", 0.10),
        ("customs_cleared", 0.25),
        ("departed_bonded", 0.40),
        ("out_for_delivery", 0.85),
        ("delivered", 1.0),
    ],
}
# The shipment's status once an event of this kind is its latest (docs/rules.md, "Tracking").
STATUS_AFTER = {
    "accepted": "accepted",
    "departed_origin": "in_transit",
    "arrived_china": "arrived",
    "customs_declared": "in_customs",
    "customs_cleared": "cleared",
    "departed_bonded": "in_transit",
    "out_for_delivery": "out_for_delivery",
    "delivered": "delivered",
}
ORIGIN_CITIES = {
    "JP": "Tokyo", "KR": "Seoul", "US": "Los Angeles", "GB": "London", "DE": "Frankfurt",
    "FR": "Paris", "AU": "Sydney", "HK": "Hong Kong", "TW": "Taipei", "SG": "Singapore",
}  # fmt: skip
ENTRY_PORTS = ["Shanghai Pudong", "Guangzhou Baiyun", "Beijing Capital", "Shenzhen Bao'an"]
BONDED_ZONES = ["Hangzhou Xiasha", "Ningbo Meishan", "Zhengzhou Airport", "Guangzhou Nansha"]


def timeline(customs_mode: str, origin: str, shipped_at, delivered_at, *, now, rng) -> list[tuple]:
    """The tracking events of one parcel as (kind, occurred_at, location, source): the whole trip
    ending at `delivered_at`; or, for a parcel still on its way (`delivered_at` None), a random
    beginning of a trip of 3 to 12 days that has not reached the delivery nor passed `now`
    (at least the carrier's acceptance)."""
    steps = TIMELINES[customs_mode]
    if delivered_at is None:
        trip = timedelta(hours=rng.randint(3 * 24, 12 * 24))
        steps = steps[: rng.randint(1, len(steps) - 1)]
    else:
        trip = delivered_at - shipped_at
    city = ORIGIN_CITIES.get(origin, origin)
    port, bonded = rng.choice(ENTRY_PORTS), rng.choice(BONDED_ZONES)
    where = {
        "accepted": f"{bonded} bonded warehouse" if customs_mode == "1210" else city,
        "departed_origin": f"{city} international mail centre",
        "arrived_china": f"{port} International Airport",
        "customs_declared": f"{bonded if customs_mode == '1210' else port} customs",
        "customs_cleared": f"{bonded if customs_mode == '1210' else port} customs",
        "departed_bonded": f"{bonded} bonded warehouse",
        "out_for_delivery": "Shanghai Pudong delivery station",
        "delivered": "Recipient",
    }
    events = []
    for kind, share in steps:
        at = delivered_at if kind == "delivered" else shipped_at + trip * share
        if delivered_at is None and at >= now:
            if events:
                break
            at = min(at, now)
        source = "platform" if kind == "customs_cleared" else "carrier"  # the platform's customs check
        events.append((kind, at, where[kind], source))
    return events


def seed_shipments(owner, rng) -> dict:
    """A shipment with its tracking events for every shipped, delivered or completed order of the
    owner's store that has none, in bulk: {shipments, shipments_added, events_added, unshippable}."""
    from collections import Counter

    from django.db import transaction
    from django.db.models import Count, Exists, OuterRef, Prefetch
    from django.db.models.functions import TruncMonth
    from django.utils import timezone

    from logistics import quotes, waybills
    from logistics.models import CustomsMode, LogisticsProvider, RateCard, Shipment, ShipmentEvent, ZoneRate
    from orders.models import Order, OrderEvent, OrderLine

    merchant = owner.merchant
    now = timezone.now()
    outbound = Shipment.objects.filter(merchant=merchant, kind=Shipment.Kind.OUTBOUND)
    orders = list(
        Order.objects.filter(merchant=merchant, status__in=["shipped", "delivered", "completed"])
        .filter(~Exists(Shipment.objects.filter(order=OuterRef("pk"), kind=Shipment.Kind.OUTBOUND)))
        .order_by("shipped_at", "id")
    )
    if not orders:
        return {"shipments": outbound.count(), "shipments_added": 0, "events_added": 0}

    ids = [o.pk for o in orders]
    weights = Counter()
    for order_id, quantity, grams in OrderLine.objects.filter(order_id__in=ids).values_list(
        "order_id", "quantity", "variant__weight_grams"
    ):
        weights[order_id] += quantity * (grams or 0)
    delivered = dict(
        OrderEvent.objects.filter(order_id__in=ids, kind="delivered").values_list("order_id", "created_at")
    )
    providers = list(LogisticsProvider.objects.filter(is_enabled=True).order_by("code"))
    # Every card with its zone rates and tiers: the one in force is chosen per parcel, by its date.
    cards: dict[int, list] = {}
    for card in (
        RateCard.objects.filter(provider__in=providers)
        .order_by("provider_id", "-valid_from")
        .prefetch_related(
            Prefetch("zone_rates", queryset=ZoneRate.objects.select_related("zone")), "volume_tiers"
        )
    ):
        cards.setdefault(card.provider_id, []).append(card)
    month_counts = Counter(
        {
            (row["provider_id"], row["month"].date()): row["n"]
            for row in outbound.annotate(month=TruncMonth("created_at"))
            .values("provider_id", "month")
            .annotate(n=Count("id"))
        }
    )
    taken = set(Shipment.objects.values_list("waybill_number", flat=True))

    def offers(shipping_mode, origin, weight, when):
        for provider in providers:
            if not provider.serves_mode(shipping_mode) or weight > provider.max_weight_grams:
                continue
            card = next((c for c in cards.get(provider.pk, []) if c.valid_from <= when), None)
            if card is None:  # a parcel older than any card: the first card prices it
                card = (cards.get(provider.pk) or [None])[-1]
            zone_rate = card and next(
                (zr for zr in card.zone_rates.all() if origin in (zr.zone.countries or [])), None
            )
            if zone_rate:
                yield provider, card, zone_rate

    shipments, plans, delivered_orders, unshippable = [], [], [], 0
    for order in orders:
        shipped_at = order.shipped_at or order.paid_at or order.created_at
        origin = quotes.origin_country(merchant=merchant, shipping_mode=order.shipping_mode)
        weight = max(1, weights[order.pk])
        offered = list(offers(order.shipping_mode, origin, weight, shipped_at))
        if not offered:
            unshippable += 1
            continue
        provider, card, zone_rate = rng.choice(offered)
        month = timezone.localtime(shipped_at).date().replace(day=1)
        list_price, _steps = quotes.parcel_list_price(card, zone_rate, weight)
        percent = quotes.volume_discount(card, month_counts[(provider.pk, month)])
        month_counts[(provider.pk, month)] += 1
        number = ""
        while not number or number in taken:
            number = waybills.waybill_new(
                provider.waybill_format,
                origin_country=origin,
                service_indicator=provider.service_indicator,
                rng=rng,
            )
        taken.add(number)
        customs_mode = CustomsMode.for_shipping_mode(order.shipping_mode).value
        delivered_at = None
        if order.status in ("delivered", "completed"):
            delivered_at = order.delivered_at or delivered.get(order.pk)
            if delivered_at is None:
                delivered_at = min(now, shipped_at + timedelta(days=zone_rate.transit_days_max))
            if order.delivered_at is None:
                order.delivered_at = delivered_at
                delivered_orders.append(order)
        events = timeline(customs_mode, origin, shipped_at, delivered_at, now=now, rng=rng)
        shipped_on = timezone.localdate(shipped_at)
        shipments.append(
            Shipment(
                order=order,
                merchant=merchant,
                provider=provider,
                rate_card=card,
                zone=zone_rate.zone,
                shipping_mode=order.shipping_mode,
                customs_mode=customs_mode,
                origin_country=origin,
                waybill_number=number,
                weight_grams=weight,
                list_price=list_price,
                discount_percent=percent,
                price=quotes.discounted(list_price, percent),
                transit_days_min=zone_rate.transit_days_min,
                transit_days_max=zone_rate.transit_days_max,
                expected_from=shipped_on + timedelta(days=zone_rate.transit_days_min),
                expected_by=shipped_on + timedelta(days=zone_rate.transit_days_max),
                consignee_name=order.buyer_name,
                consignee_id_number=order.buyer_id_number,
                status=STATUS_AFTER[events[-1][0]],
                created_at=shipped_at,
                created_by=owner,
                delivered_at=delivered_at,
                last_event_at=events[-1][1],
            )
        )
        plans.append(events)

    with transaction.atomic():
        with explicit_created_at(Shipment):
            Shipment.objects.bulk_create(shipments, batch_size=BATCH)
        rows = [
            ShipmentEvent(
                shipment=shipment,
                provider=shipment.provider,
                kind=kind,
                occurred_at=at,
                location=location,
                carrier_event_id=f"SEED-{shipment.waybill_number}-{kind}" if source == "carrier" else "",
                source=source,
                recorded_at=at,
            )
            for shipment, events in zip(shipments, plans, strict=True)
            for kind, at, location, source in events
        ]
        with explicit_created_at(ShipmentEvent, field_name="recorded_at"):
            ShipmentEvent.objects.bulk_create(rows, batch_size=BATCH)
        Order.objects.bulk_update(delivered_orders, ["delivered_at"], batch_size=BATCH)
    result = {"shipments": outbound.count(), "shipments_added": len(shipments), "events_added": len(rows)}
    if unshippable:  # no enabled provider serves the store's origin and mode
        result["unshippable"] = unshippable
    return result


def main(argv=None) -> int:
    import django

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=10_000)
    args = parser.parse_args(argv)
    django.setup()
    print(json.dumps(seed(args.orders)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
