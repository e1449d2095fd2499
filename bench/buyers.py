"""The database side of the checkout benchmark, run in the site's own environment (like probe.py):

    python bench/buyers.py prepare --buyers 8 --locust-buyers 8 --race-stock 20   (prints JSON)
    python bench/buyers.py verify --since ISO --race-variant ID --race-stock 20   (prints JSON)

`prepare` makes fresh buyers for this run (so no buyer's annual cross-border quota, see
orders/rules.py, can stop a run): each an account with a saved address, a buyer identity with a
valid resident ID number of its own, and a logged-in session (cookie), as bench/probe.py makes the
merchant's. It picks the goods: a pool of cheap variants (CNY 20-60 a unit) of stores other than the
demo merchant's (whose 10,000 orders the seller order list measures) and other than the ladder's
product and the cart row's lines, and sets their stock high; and one more variant, the "last
units", whose stock it sets to --race-stock for all buyers to race for. Earlier runs' buyers keep
their orders (orders PROTECT their users); their carts are emptied.

`verify` reads what the run left in the database (bench/report.py's `oversold_check` judges it).
Benchmark only: it refuses to run with any settings but bench.settings.
"""

import argparse
import json
import random
import sys
from datetime import datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

POOL_SIZE = 24
POOL_STOCK = 100_000
PRICE_RANGE = (Decimal("20"), Decimal("60"))  # CNY per unit: cheap goods, far from any quota


def _guard():
    from django.conf import settings

    if settings.SETTINGS_MODULE != "bench.settings":
        raise SystemExit("bench/buyers.py: benchmark only (DJANGO_SETTINGS_MODULE=bench.settings)")


def _session_cookie(user) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"sessionid={session.session_key}"


def _make_buyers(tag: str, count: int, rng) -> list[dict]:
    from bench.seed_orders import id_number
    from marketplace.models import User
    from orders import services

    buyers = []
    for number in range(1, count + 1):
        user = User.objects.create(username=f"bench_{tag}_{number:02d}", email=f"{tag}{number}@example.com")
        user.set_unusable_password()  # never logs in with a password: the session is made here
        user.save(update_fields=["password"])
        services.address_create(
            user=user,
            recipient=f"测试买家{number}",
            phone=f"138{rng.randrange(10**8):08d}",
            province="浙江省",
            city="杭州市",
            district="西湖区",
            street=f"文三路{number}号",
        )
        services.identity_create(user=user, real_name=f"测试{number}", id_number=id_number(rng))
        buyers.append({"username": user.username, "cookie": _session_cookie(user)})
    return buyers


def prepare(buyers: int, locust_buyers: int, race_stock: int, avoid: list[int]) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from marketplace import selectors as catalog
    from marketplace.models import ProductVariant, User
    from marketplace.money import to_cny
    from orders.models import CartItem

    _guard()
    rng = random.Random()
    tag = timezone.now().strftime("%m%d%H%M%S")
    demo_merchant = User.objects.get(username="merchant").merchant
    rates = catalog.exchange_rates(use_cache=False)
    with transaction.atomic():
        CartItem.objects.filter(cart__user__username__startswith="bench_b").delete()
        candidates = (
            ProductVariant.objects.filter(is_active=True, product__in=catalog.products_visible())
            .exclude(product__merchant=demo_merchant)
            .exclude(product_id__in=avoid)
            .exclude(pk__in=avoid)
            .select_related("product")
            .order_by("pk")
        )
        pool, race = [], None
        for variant in candidates.iterator():
            if not PRICE_RANGE[0] <= to_cny(variant.price, rates) <= PRICE_RANGE[1]:
                continue
            if any(v.product_id == variant.product_id for v in pool):
                continue
            if len(pool) < POOL_SIZE:
                pool.append(variant)
            else:
                race = variant
                break
        if not pool or race is None:
            raise SystemExit("no cheap variants to check out: seed a larger catalogue")
        ProductVariant.objects.filter(pk__in=[v.pk for v in pool]).update(stock=POOL_STOCK)
        ProductVariant.objects.filter(pk=race.pk).update(stock=race_stock)
        made = _make_buyers(f"b{tag}", buyers, rng)
        made_locust = _make_buyers(f"bl{tag}", locust_buyers, rng)
    return {
        "since": timezone.now().isoformat(),
        "buyers": made,
        "locust_buyers": made_locust,
        "pool": [v.pk for v in pool],
        "pool_products": [v.product_id for v in pool],
        "race": {"variant": race.pk, "product": race.product_id, "stock": race_stock},
    }


def verify(since: str, race_variant: int, race_stock: int, usernames: list[str]) -> dict:
    """Facts for the oversold check and the throughput cross-check, from the database."""
    from django.db.models import Count, Sum

    from marketplace.models import ProductVariant
    from orders.models import Order, OrderLine
    from payments.models import Payment

    _guard()
    start = datetime.fromisoformat(since)
    live = [s for s in Order.Status.values if s not in (Order.Status.CANCELLED, Order.Status.REFUNDED)]
    race_lines = OrderLine.objects.filter(
        variant_id=race_variant, order__created_at__gte=start, order__status__in=live
    )
    payments = Payment.objects.filter(user__username__in=usernames, created_at__gte=start)
    orders = Order.objects.filter(user__username__in=usernames, created_at__gte=start)
    return {
        "race_variant": race_variant,
        "initial_stock": race_stock,
        "final_stock": ProductVariant.objects.get(pk=race_variant).stock,
        "ordered_units": race_lines.aggregate(n=Sum("quantity"))["n"] or 0,
        "race_orders": race_lines.values("order_id").distinct().count(),
        # The same checkout key twice, or one checkout's payment with more orders than its cart had
        # groups (each benchmark checkout is one line, one store: one order).
        "duplicate_keys": payments.values("checkout_key").annotate(n=Count("id")).filter(n__gt=1).count(),
        "payments_with_extra_orders": payments.annotate(n=Count("orders")).filter(n__gt=1).count(),
        "orders": orders.count(),
        "paid_orders": orders.filter(status=Order.Status.PAID).count(),
        "unpaid_orders": orders.filter(status=Order.Status.PENDING_PAYMENT).count(),
    }


def main(argv=None) -> int:
    import django

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    prep = sub.add_parser("prepare")
    prep.add_argument("--buyers", type=int, default=8)
    prep.add_argument("--locust-buyers", type=int, default=8)
    prep.add_argument("--race-stock", type=int, default=20)
    prep.add_argument(
        "--avoid", type=int, nargs="*", default=[], help="product and variant ids to leave alone"
    )
    check = sub.add_parser("verify")
    check.add_argument("--since", required=True)
    check.add_argument("--race-variant", type=int, required=True)
    check.add_argument("--race-stock", type=int, required=True)
    check.add_argument("--users", nargs="*", default=[])
    args = parser.parse_args(argv)
    django.setup()
    if args.command == "prepare":
        out = prepare(args.buyers, args.locust_buyers, args.race_stock, args.avoid)
    else:
        out = verify(args.since, args.race_variant, args.race_stock, args.users)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
