"""Runs inside a site's own environment (ours or Oscar's), with its settings: finds the URLs the
ladder needs and makes its sessions (the demo merchant's, the demo shopper's, and a visitor's whose
cart holds 3 lines), and counts the SQL queries of one request to each (Django's test client through
the whole middleware, after a first request has warmed the caches).

    python bench/probe.py discover-ours | discover-oscar
    python bench/probe.py queries PATH [PATH ...]          (prints JSON)
"""

import json
import sys


def discover_ours() -> dict:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db.models import Count

    from marketplace import selectors
    from marketplace.models import Category, User

    reset_visitors()
    visible = selectors.products_visible()
    top = (
        Category.objects.filter(parent__isnull=True)
        .annotate(n=Count("children__products"))
        .order_by("-n", "slug")
        .first()
    )
    # A best seller: the product page shoppers reach most.
    product = visible.order_by("-sales_count", "id").values_list("pk", flat=True).first()
    cookies = {}

    def sign_in(user) -> str:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return f"sessionid={session.session_key}"

    for username in ("merchant", "shopper"):
        user = User.objects.filter(username=username).first()
        if user:
            cookies[username] = sign_in(user)
    cart_cookie, cart_variants = cart_session(visible)
    if cart_cookie:
        cookies["cart"] = cart_cookie
    orders = logistics_orders()
    if orders.get("tracked_buyer"):
        cookies["tracked_buyer"] = sign_in(User.objects.get(pk=orders.pop("tracked_buyer")))
    return {
        "products": visible.count(),
        "category": top.slug if top else None,
        "product": product,
        "cookies": cookies,
        "cart_variants": cart_variants,
        **orders,
    }


def logistics_orders() -> dict:
    """The orders of the logistics rows (bench/seed_orders.py seeds them): the demo merchant's latest
    paid order, for its quote page; and a delivered order of the store whose parcel has the longest
    timeline (direct mail: 7 events), with its buyer (a `bench_seed_NN` account) to sign in."""
    from django.db.models import Count, OuterRef, Subquery

    from logistics.models import Shipment, ShipmentEvent
    from marketplace.models import User
    from orders.models import Order

    owner = User.objects.filter(username="merchant").first()
    if owner is None or owner.merchant is None:
        return {}
    store = Order.objects.filter(merchant=owner.merchant)
    quote = store.filter(status="paid").order_by("-paid_at", "id").values_list("number", flat=True).first()
    events = (
        ShipmentEvent.objects.filter(shipment__order=OuterRef("pk"), shipment__kind=Shipment.Kind.OUTBOUND)
        .values("shipment__order")
        .annotate(n=Count("id"))
        .values("n")
    )
    tracked = (
        store.filter(status="delivered", shipping_mode="direct_mail")
        .annotate(timeline_events=Subquery(events))
        .filter(timeline_events__gte=7)
        .order_by("-delivered_at", "id")
        .values("number", "user_id", "timeline_events")
        .first()
    )
    return {
        "quote_order": quote,
        "tracked_order": tracked and tracked["number"],
        "tracked_events": tracked and tracked["timeline_events"],
        "tracked_buyer": tracked and tracked["user_id"],
    }


CART_LINES = 3


def reset_visitors() -> None:
    """Every run starts with a new SECRET_KEY, so the sessions of earlier runs can no longer be read:
    delete them, and the anonymous carts they pointed to (the cart row's and locust's visitors').
    Benchmark databases only."""
    from django.conf import settings
    from django.contrib.sessions.models import Session

    from orders.models import Cart

    if settings.SETTINGS_MODULE != "bench.settings":
        raise SystemExit("reset_visitors: benchmark only (DJANGO_SETTINGS_MODULE=bench.settings)")
    Session.objects.all().delete()
    Cart.objects.filter(user__isnull=True).delete()


def cart_session(visible) -> tuple[str, list[int]]:
    """A visitor's session whose cart holds CART_LINES lines (best sellers of at least two stores, so
    the cart page prices two order groups), as `orders.views._current_cart` finds it: the cart id in
    the anonymous session. A new cart each run (`reset_visitors` deleted the previous one)."""
    from django.contrib.sessions.backends.db import SessionStore

    from marketplace.models import ProductVariant
    from orders import services
    from orders.context_processors import CART_SESSION_KEY

    chosen, merchants = [], set()
    candidates = (
        ProductVariant.objects.filter(is_active=True, stock__gte=10, product__in=visible)
        .select_related("product")
        .order_by("-product__sales_count", "product_id", "pk")[:200]
    )
    seen_products = set()
    for variant in candidates:
        if variant.product_id in seen_products:
            continue
        # The third line comes from another store than the first two when one exists.
        if len(chosen) == CART_LINES - 1 and len(merchants) == 1 and variant.product.merchant_id in merchants:
            continue
        chosen.append(variant)
        seen_products.add(variant.product_id)
        merchants.add(variant.product.merchant_id)
        if len(chosen) == CART_LINES:
            break
    if not chosen:
        return "", []
    cart = services.cart_get_or_create()
    for number, variant in enumerate(chosen, start=1):
        services.cart_add(cart=cart, variant_id=variant.pk, quantity=number)
    session = SessionStore()
    session[CART_SESSION_KEY] = cart.pk
    session.create()
    return f"sessionid={session.session_key}", [v.pk for v in chosen]


def discover_oscar() -> dict:
    from oscar.core.loading import get_model

    product = get_model("catalogue", "Product").objects.order_by("id").first()
    return {
        "products": get_model("catalogue", "Product").objects.count(),
        "product_url": product.get_absolute_url() if product else None,
        "basket_cookie": oscar_basket_cookie(),
    }


def oscar_basket_cookie() -> str:
    """A visitor's basket with CART_LINES lines (quantities 1, 2, 3, like our cart row's), as Oscar's
    BasketMiddleware finds it: the basket id, signed, in the open-basket cookie. The previous runs'
    anonymous baskets are deleted first (Oscar's benchmark database only)."""
    from django.conf import settings
    from django.core.signing import Signer
    from oscar.apps.partner.strategy import Default
    from oscar.core.loading import get_model

    if settings.SETTINGS_MODULE != "oscar_site.settings":
        raise SystemExit("oscar_basket_cookie: the benchmark's Oscar shop only")
    basket_model = get_model("basket", "Basket")
    basket_model.objects.filter(owner__isnull=True).delete()
    products = list(
        get_model("catalogue", "Product")
        .objects.filter(stockrecords__num_in_stock__gte=10)
        .distinct()
        .order_by("id")[:CART_LINES]
    )
    if not products:
        return ""
    basket = basket_model.objects.create(status=basket_model.OPEN)
    basket.strategy = Default()
    for quantity, product in enumerate(products, start=1):
        basket.add_product(product, quantity)
    return f"{settings.OSCAR_BASKET_COOKIE_OPEN}={Signer().sign(basket.id)}"


COLD_REQUESTS = 3  # the median of three: one request alone is at the mercy of the machine


def queries(paths: list[str]) -> dict:
    """Per path: status, SQL queries of a warm request, and the time of a cold one (ours: a new
    catalogue version first, so cached counts, facets and page ids are all recomputed)."""
    import time

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    try:
        from marketplace.selectors import catalog_changed
    except ImportError:  # Oscar's site
        catalog_changed = None
    result = {}
    for entry in paths:
        path, _, cookie = entry.partition("|")
        client = Client(HTTP_COOKIE=cookie) if cookie else Client()
        client.get(path)  # connection, templates and per-process caches ready
        colds = []
        for _ in range(COLD_REQUESTS):
            if catalog_changed:
                catalog_changed()
                if connection.vendor == "postgresql":
                    # What any catalogue write does (its trigger): a new change counter, so the page
                    # cache and everything cached inside pages start over.
                    with connection.cursor() as cursor:
                        cursor.execute(
                            "INSERT INTO marketplace_pageversion (slot, changes) VALUES (0, 1)"
                            " ON CONFLICT (slot) DO UPDATE SET changes = marketplace_pageversion.changes + 1"
                        )
            started = time.perf_counter()
            client.get(path)
            colds.append((time.perf_counter() - started) * 1000)
        cold_ms = sorted(colds)[len(colds) // 2]
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        result[entry] = {
            "status": response.status_code,
            "queries": len(captured.captured_queries),
            "cold_ms": round(cold_ms, 1),
        }
    return result


def main(argv: list[str]) -> int:
    import django

    django.setup()
    command = argv[1]
    if command == "discover-ours":
        out = discover_ours()
    elif command == "discover-oscar":
        out = discover_oscar()
    else:
        out = queries(argv[2:])
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
