"""Mixed traffic for the benchmark: browse 80%, cart 15%, checkout 5% (bench/harness.py runs it
headless for 2 minutes).

- browse: home, a category, a search or a product page, as an anonymous visitor.
- cart: the visitor (its own session) adds one unit of a product to its cart from the product page's
  form and views /cart/; past 4 lines it removes the oldest line, so carts stay a realistic size.
- checkout: each locust user is also a logged-in buyer of its own (bench/buyers.py made them, fresh
  each run, with an address and an identity, so no annual quota stops them) and places a real order
  through the pages: add to cart, GET and POST /checkout/, GET and POST the sandbox payment page with
  the test card 4242 4242 4242 4242.

Every answer is checked (the expected redirect or a 200); anything else is a failure, so errors are
real errors. When the pages do not exist (404) a flow is reported missing instead. Without
BENCH_LOCUST_BUYERS (the harness writes it) the checkout flow is reported missing too.

    locust -f bench/locustfile.py --headless -u 8 -r 8 -t 2m --host http://127.0.0.1:8101
"""

import itertools
import json
import os
import random
import sys
from pathlib import Path

from locust import HttpUser, constant, events, task

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.pages import cookie_header, form_field, set_cookie_headers, update_cookies  # noqa: E402

SEARCH_TERMS = ["serum", "cream", "vitamin", "面霜", "chocolate", "shampoo", "Kao", "精华"]
CART = "/cart/"
CHECKOUT = "/checkout/"
CARD = {"holder": "BENCH BUYER", "number": "4242 4242 4242 4242", "expiry": "12/35", "cvc": "123"}
MAX_CART_LINES = 4
FLOWS = {"browse": "ran", "cart": "not probed", "checkout": "not probed"}
_catalogue: dict = {}
_buyers = itertools.count()


def _load_buyers() -> dict:
    path = os.environ.get("BENCH_LOCUST_BUYERS")
    return json.loads(Path(path).read_text()) if path else {}


def _discover(client) -> None:
    """Once per run: category slugs and product ids from the API, and whether cart and checkout exist."""
    if _catalogue:
        return
    categories = client.get("/api/v1/categories/", name="setup").json()
    _catalogue["categories"] = [c["slug"] for c in categories] or [""]
    products = client.get("/api/v1/products/?page_size=60&sort=sales", name="setup").json()["results"]
    _catalogue["products"] = [p["id"] for p in products] or [1]
    _catalogue.update(_load_buyers())
    for flow, path in (("cart", CART), ("checkout", CHECKOUT)):
        with client.get(path, name="setup", catch_response=True, allow_redirects=False) as response:
            exists = response.status_code != 404
            FLOWS[flow] = "ran" if exists else f"missing ({path} answers 404: arrives with issue 4)"
            _catalogue[flow] = exists
            response.success()
    if _catalogue["checkout"] and not _catalogue.get("buyers"):
        FLOWS["checkout"] = "missing (no buyers: BENCH_LOCUST_BUYERS is set by bench/harness.py)"
        _catalogue["checkout"] = False


class Browser:
    """One HTTP identity (cookies kept by hand: bench/pages.py says why) over locust's client, so its
    requests count in locust's statistics."""

    def __init__(self, client, cookies: dict[str, str] | None = None):
        self.client = client
        self.cookies = dict(cookies or {})
        self.csrf = ""

    def request(self, method: str, path: str, name: str, expect, data=None):
        """`expect(response)` returns None when the answer is right, or why it is not (a failure)."""
        if data is not None:
            data = {"csrfmiddlewaretoken": self.csrf, **data}
        with self.client.request(
            method,
            path,
            name=name,
            data=data,
            headers={"Cookie": cookie_header(self.cookies), "Accept-Language": "en"},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            update_cookies(self.cookies, set_cookie_headers(response))
            if response.status_code == 200:
                self.csrf = form_field(response.text, "csrfmiddlewaretoken") or self.csrf
            problem = expect(response)
            if problem:
                response.failure(problem)
                return None
            response.success()
            return response


def ok_200(response):
    return None if response.status_code == 200 else f"answered {response.status_code}"


def redirect_to(fragment: str):
    def check(response):
        location = response.headers.get("Location", "")
        if response.status_code == 302 and fragment in location:
            return None
        return f"answered {response.status_code} {location}".strip()

    return check


class Shopper(HttpUser):
    wait_time = constant(0)  # capacity, not a model of human think time

    def on_start(self):
        _discover(self.client)
        self.visitor = Browser(self.client)
        self.cart_lines: list[int] = []
        self.buyer = None
        buyers = _catalogue.get("buyers") or []
        if buyers:
            cookie = buyers[next(_buyers) % len(buyers)]["cookie"]
            name, _, value = cookie.partition("=")
            self.buyer = Browser(self.client, {name: value})

    @task(80)
    def browse(self):
        page = random.random()
        if page < 0.2:
            self.client.get("/", name="home")
        elif page < 0.5:
            slug = random.choice(_catalogue["categories"])
            self.client.get(f"/category/{slug}/", name="category")
        elif page < 0.7:
            self.client.get("/search/", params={"q": random.choice(SEARCH_TERMS)}, name="search")
        else:
            self.client.get(f"/product/{random.choice(_catalogue['products'])}/", name="product")

    @task(15)
    def cart(self):
        """A visitor adds a product from its page and looks at the cart."""
        if not _catalogue.get("cart"):
            return
        product = random.choice(_catalogue["products"])
        page = self.visitor.request("GET", f"/product/{product}/", "cart: product page", ok_200)
        variant = page is not None and form_field(page.text, "variant")
        if not variant:
            return  # a sold-out product has no form to add from (not an error)
        added = self.visitor.request(
            "POST", "/cart/add/", "cart: add", redirect_to(CART), {"variant": variant, "quantity": 1}
        )
        if added is not None and variant not in self.cart_lines:
            self.cart_lines.append(variant)
        self.visitor.request("GET", CART, "cart", ok_200)
        if len(self.cart_lines) > MAX_CART_LINES:
            self.visitor.request(
                "POST", "/cart/update/", "cart: remove", redirect_to(CART), {"remove": self.cart_lines.pop(0)}
            )

    @task(5)
    def checkout(self):
        """The user's own buyer places a real order through the pages and pays it."""
        if not _catalogue.get("checkout") or self.buyer is None:
            return
        buyer = self.buyer
        pool = _catalogue["pool"]
        index = random.randrange(len(pool))
        if not buyer.csrf:
            product = _catalogue["pool_products"][index]
            if buyer.request("GET", f"/product/{product}/", "checkout: product page", ok_200) is None:
                return
        added = buyer.request(
            "POST", "/cart/add/", "checkout: add", redirect_to(CART), {"variant": pool[index], "quantity": 1}
        )
        page = added and buyer.request("GET", CHECKOUT, "checkout page", ok_200)
        if not page:
            return
        form = {k: form_field(page.text, k) for k in ("idempotency_key", "address", "identity")}
        placed = buyer.request("POST", CHECKOUT, "checkout: place order", redirect_to("/pay/"), form)
        if placed is None:
            return
        pay_url = placed.headers["Location"]
        pay_page = buyer.request("GET", pay_url, "payment page", ok_200)
        key = pay_page is not None and form_field(pay_page.text, "idempotency_key")
        if key:
            buyer.request(
                "POST", pay_url, "checkout: pay", redirect_to("/orders/"), {**CARD, "idempotency_key": key}
            )


@events.test_stop.add_listener
def _write_flows(environment, **kwargs):
    path = os.environ.get("BENCH_LOCUST_REPORT")
    if path:
        with open(path, "w") as out:
            json.dump(FLOWS, out)
