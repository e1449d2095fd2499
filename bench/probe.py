"""Runs inside a site's own environment (ours or Oscar's), with its settings: finds the URLs the
ladder needs, and counts the SQL queries of one request to each (Django's test client through the
whole middleware, after a first request has warmed the caches).

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
    for username in ("merchant", "shopper"):
        user = User.objects.filter(username=username).first()
        if user:
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            cookies[username] = f"sessionid={session.session_key}"
    return {
        "products": visible.count(),
        "category": top.slug if top else None,
        "product": product,
        "cookies": cookies,
    }


def discover_oscar() -> dict:
    from oscar.core.loading import get_model

    product = get_model("catalogue", "Product").objects.order_by("id").first()
    return {
        "products": get_model("catalogue", "Product").objects.count(),
        "product_url": product.get_absolute_url() if product else None,
    }


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
        if catalog_changed:
            catalog_changed()
        started = time.perf_counter()
        client.get(path)
        cold_ms = (time.perf_counter() - started) * 1000
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
