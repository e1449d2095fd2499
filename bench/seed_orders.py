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
def explicit_created_at(*models):
    """Let bulk_create keep the `created_at` we set (a history spread over months), not "now"."""
    fields = [model._meta.get_field("created_at") for model in models]
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
    from django.db import connection, transaction
    from django.utils import timezone

    from marketplace import selectors as catalog
    from marketplace.models import ProductVariant, User
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

    database = connection.settings_dict["NAME"]
    if settings.SETTINGS_MODULE != "bench.settings":
        raise SystemExit(
            f"refusing to seed orders into {database!r}: run with DJANGO_SETTINGS_MODULE=bench.settings"
        )
    owner = User.objects.get(username="merchant")
    merchant = owner.merchant
    existing = Order.objects.filter(merchant=merchant).count()
    missing = target - existing
    if missing <= 0:
        return {"merchant": merchant.name, "orders": existing, "added": 0}

    started = time.monotonic()
    rng = random.Random(seed_value + existing)
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
                moment = (
                    paid_at
                    if step == "paid"
                    else moment + timedelta(hours=rng.randint(2, 60) if step != "cancelled" else 1)
                )
                times[step] = moment
            if paid_at:
                order.ship_by = paid_at + timedelta(hours=rules.SHIP_WITHIN_HOURS[mode])
            order.shipped_at = times.get("shipped")
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

    with connection.cursor() as cursor:
        for model in (Order, OrderLine, OrderEvent, Payment):
            cursor.execute(f"ANALYZE {model._meta.db_table}")
    return {
        "merchant": merchant.name,
        "orders": Order.objects.filter(merchant=merchant).count(),
        "added": missing,
        "seconds": round(time.monotonic() - started, 1),
    }


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
