"""Whole-page cache for anonymous shoppers, on PostgreSQL, that can never show a stale price or stock.

A catalogue page for a visitor without a session is the same for everyone who asks for the same URL
in the same language, so it is rendered once and kept in the cache. What makes it safe is the key:

- **The catalogue's change counter.** Database triggers (migration 0004) add one to a counter row in
  the same transaction as every write to the tables a storefront page shows: products, their options
  (except a stock-only change), images, categories, brands, tax categories, exchange rates and
  stores. Triggers see every write, including bulk updates, raw SQL and the staff console, so no code
  path can forget to invalidate. The counter is read with one query per request; a change commits
  with its counter, so once a reader sees the new data it also sees the new counter.
- **Stock, read fresh.** Checkouts change stock all the time, and only the product page and the
  product API's detail show it: their key also holds that product's option ids and stock, read in
  the same query. A sale invalidates that one product's page, not the catalogue.
- **The request**: absolute URL (query string included), language, the API's answer format (JSON or
  the browsable page), and the code's build (a hash of the templates, translations and Python files).

A missed page is rendered in one REPEATABLE READ snapshot with the key it is stored under, so what a
page shows is exactly what its key names. Never cached: any request with a session or messages cookie
(a signed-in user, a cart, a flash message), an Authorization header, a query parameter the catalogue
does not read, anything but GET, answers other than 200, and answers that set a cookie or change the
session. The CSRF token is a placeholder in the stored page, put in per request, so no two visitors
share a token. SQLite (the embedded demo) has no triggers: there the decorator is a no-op. The expiry
(`PAGE_CACHE_SECONDS`, 0 turns the cache off) only frees memory.
"""

import contextlib
import hashlib
import secrets
import threading
import time
from collections import OrderedDict
from contextvars import ContextVar
from functools import cache as once
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation
from django.utils.cache import patch_vary_headers

# Stands in for the CSRF token while a page is rendered for the cache: random per process (letters
# and digits, HTML-safe) and stored with the page, so no text on a page can forge it.
CSRF_PLACEHOLDER = "csrf" + secrets.token_hex(16)
_RENDERING = "_page_cache_rendering"
# The query parameters storefront pages and the catalogue API read (marketplace/filters.py, the
# paginations, DRF's format). A URL with any other (a tracking tag, a cache buster) is rendered but
# not stored, so random query strings cannot fill the cache.
KNOWN_PARAMETERS = frozenset(
    {"q", "category", "brand", "country", "merchant", "price_min", "price_max", "shipping_mode", "sort"}
    | {"page", "per_page", "page_size", "format"}
)
POSTGRES_BIGINT_MAX = 2**63 - 1

CATALOG_VERSION_SQL = "SELECT COALESCE(SUM(changes), 0) FROM marketplace_pageversion"
PRODUCT_STOCK_SQL = (
    "SELECT COALESCE(STRING_AGG(id::text || ':' || stock::text, ',' ORDER BY id), '')"
    " FROM marketplace_productvariant WHERE product_id = %s"
)


# The counter as read once in this request (None outside a request: Celery, commands, always read).
_request_counter: ContextVar[dict | None] = ContextVar("catalog_counter", default=None)


def request_started(**kwargs) -> None:
    _request_counter.set({})


def request_finished(**kwargs) -> None:
    _request_counter.set(None)


def counter_in_use() -> bool:
    """The change counter exists where its triggers do: on PostgreSQL."""
    return connection.vendor == "postgresql"


def catalog_counter() -> int:
    """The catalogue's change counter: the version of everything cached from the catalogue (pages,
    counts, facets, page ids, the category tree). Read once per request."""
    memo = _request_counter.get()
    if memo is not None and "catalog" in memo:
        return memo["catalog"]
    value = versions()[0]
    _remember(value)
    return value


def _remember(value: int) -> None:
    memo = _request_counter.get()
    if memo is not None:
        memo["catalog"] = value


def counter_forget() -> None:
    """After this request's own write: read the counter again."""
    memo = _request_counter.get()
    if memo is not None:
        memo.pop("catalog", None)


def csrf_placeholder(request):
    """Context processor: while a page is rendered for the cache, `{% csrf_token %}` writes the
    placeholder (it runs after Django's own csrf processor, so it wins)."""
    return {"csrf_token": CSRF_PLACEHOLDER} if getattr(request, _RENDERING, False) else {}


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0 and connection.vendor == "postgresql"


def cacheable(request) -> bool:
    """A shopper with nothing of their own on the page (no session, no flash message, no login),
    asking with known query parameters."""
    return (
        request.method == "GET"
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and KNOWN_PARAMETERS.issuperset(request.GET.keys())
        and enabled()
    )


def _accept(request) -> str | None:
    """The API's answer format as DRF will choose it: the browsable page or JSON; None for any other
    Accept header (rendered, not stored)."""
    accept = request.META.get("HTTP_ACCEPT", "")
    if "text/html" in accept:
        return "html"
    if accept in ("", "*/*") or accept.startswith("application/json"):
        return "json"
    return None


def _product_id(value) -> int | None:
    """A product id the stock query can take, or None (the view answers anything else, a 404)."""
    text = str(value)
    if text.isascii() and text.isdigit() and int(text) <= POSTGRES_BIGINT_MAX:
        return int(text)
    return None


def versions(product_id=None) -> tuple:
    """The catalogue's change counter and, for a product, its options' stock: one query."""
    with connection.cursor() as cursor:
        if product_id is None:
            cursor.execute(CATALOG_VERSION_SQL)
        else:
            cursor.execute(f"SELECT ({CATALOG_VERSION_SQL}), ({PRODUCT_STOCK_SQL})", [product_id])
        return cursor.fetchone()


@once
def build_id() -> str:
    """A hash of the code, templates, translations and static manifest, so a deploy never serves pages
    rendered by other code, and two machines with the same release share entries (once per process)."""
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    for folder in ("marketplace", "merchants", "orders", "payments", "logistics", "templates"):
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in {".py", ".html", ".mo"}:
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    manifest = Path(settings.STATIC_ROOT or "") / "staticfiles.json"
    if settings.STATIC_ROOT and manifest.exists():
        digest.update(manifest.read_bytes())
    return digest.hexdigest()[:12]


def _key(request, version: tuple, accept: str) -> str:
    parts = [
        translation.get_language() or "",
        request.build_absolute_uri(),
        accept,
        *(str(v) for v in version),
    ]
    return f"page:{build_id()}:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


@contextlib.contextmanager
def _one_snapshot():
    """Read the key and render the page in one REPEATABLE READ snapshot, so the page shows exactly
    the data its key names: stock read later, after a sale and a cancellation, could otherwise be
    stored under a key that matches again. (Inside a transaction already, as in tests, there is none
    to open.)"""
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        yield


class _ProcessPages:
    """The most recently used pages, in this process, in front of the shared cache: a shared-cache
    round trip and unpickling cost more than the rest of a cached page. Safe to keep because a key
    names its version: a change makes new keys, never a different page under an old one."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        # Entries expire like the shared cache's, so this process's copy never outlives them.
        self.pages: OrderedDict[str, tuple] = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key: str):
        with self.lock:
            entry = self.pages.get(key)
            if entry is None:
                return None
            expires, page = entry
            if time.monotonic() > expires:
                self.size -= len(self.pages.pop(key)[1][1])
                return None
            self.pages.move_to_end(key)
            return page

    def put(self, key: str, page: tuple) -> None:
        size = len(page[1])
        if size > self.max_bytes // 8:
            return
        with self.lock:
            if key in self.pages:
                return
            self.pages[key] = (time.monotonic() + settings.PAGE_CACHE_SECONDS, page)
            self.size += size
            while self.size > self.max_bytes:
                _, (_, dropped) = self.pages.popitem(last=False)
                self.size -= len(dropped[1])

    def clear(self) -> None:
        with self.lock:
            self.pages.clear()
            self.size = 0


process_pages = _ProcessPages(max_bytes=32 * 1024 * 1024)


def _storable(request, response) -> bool:
    session = getattr(request, "session", None)
    queued = getattr(getattr(request, "_messages", None), "_queued_messages", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not (session is not None and session.modified)
        and not queued
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


def _with_token(request, body: bytes, placeholder: str) -> bytes:
    marker = placeholder.encode()
    if marker not in body:
        return body
    # One masked token for every form on the page; get_token also has the middleware set the cookie.
    return body.replace(marker, get_token(request).encode())


def anonymous_page_cache(view=None, *, product_kwarg: str | None = None, vary_on_accept: bool = False):
    """Decorate a storefront view (or an API view's `dispatch`). `product_kwarg` names the URL
    argument holding a product id whose stock the page shows (absent: a page without stock);
    `vary_on_accept`: the answer's format follows the Accept header (the API)."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            # A plain view gets (request, ...); a method decorated on a class gets (self, request, ...).
            request = args[0] if hasattr(args[0], "META") else args[1]
            accept = _accept(request) if vary_on_accept else ""
            product_id = None
            if product_kwarg and kwargs.get(product_kwarg) is not None:
                product_id = _product_id(kwargs[product_kwarg])
                if product_id is None:
                    return view(*args, **kwargs)  # not an id: the view's 404
            if accept is None or not cacheable(request):
                return view(*args, **kwargs)
            version = versions(product_id)
            _remember(version[0])
            hit = _lookup(_key(request, version, accept))
            if hit is not None:
                headers, body, placeholder = hit
                response = HttpResponse(_with_token(request, body, placeholder))
                for name, value in headers:
                    response[name] = value
                patch_vary_headers(response, ("Cookie",))  # as the rendered page says
                return response
            with _one_snapshot():
                version = versions(product_id)
                _remember(version[0])  # the counts and page ids inside the page use the same version
                key = _key(request, version, accept)
                setattr(request, _RENDERING, True)
                try:
                    response = view(*args, **kwargs)
                    if hasattr(response, "render") and callable(response.render):
                        response = response.render()
                finally:
                    setattr(request, _RENDERING, False)
            if _storable(request, response):
                page = (list(response.items()), response.content, CSRF_PLACEHOLDER)
                cache.set(key, page, settings.PAGE_CACHE_SECONDS)
                process_pages.put(key, page)
            if isinstance(response, HttpResponse) and not response.streaming:
                response.content = _with_token(request, response.content, CSRF_PLACEHOLDER)
            return response

        return wrapper

    return decorate(view) if view is not None else decorate


def _lookup(key: str):
    page = process_pages.get(key)
    if page is None:
        page = cache.get(key)
        if page is not None:
            process_pages.put(key, page)
    return page
