"""Checkout throughput through the real pages (bench/harness.py runs it after the ladder).

Each buyer is a thread with its own HTTP session (`requests`, the logged-in session cookie that
bench/buyers.py made) and loops: POST /cart/add/ (one unit of a random variant of the pool, with the
CSRF token of the page it came from), GET /checkout/, POST /checkout/ (the page's address, identity
and idempotency key), GET the sandbox payment page it redirects to, POST the test card
4242 4242 4242 4242 there. One pass is one checkout: one paid order. Redirects are not followed;
every answer is checked (302 to the next page, or 200), anything else is an error.

"Last units": then all buyers start together (a barrier) on one variant with little stock, each
buying one unit at a time until the site says it is sold out, and each submits its checkout form
twice with the same idempotency key (a double click: both must land on the same payment). The
database check afterwards (bench/buyers.py verify, bench/report.py oversold_check) counts oversold
units, negative stock and duplicate orders.
"""

import random
import threading
import time
from dataclasses import dataclass, field

import requests

from bench.pages import cookie_header, form_field, set_cookie_headers, update_cookies

CARD = {"holder": "BENCH BUYER", "number": "4242 4242 4242 4242", "expiry": "12/35", "cvc": "123"}
SOLD_OUT = "left in stock"  # InsufficientStock's message (pages are asked for in English)


@dataclass
class Outcome:
    ok: bool
    seconds: float
    step: str = ""  # where it stopped, when not ok
    detail: str = ""
    sold_out: bool = False
    duplicate: bool = False  # the second submit of one key went to another payment
    requests: int = 0


class Buyer:
    def __init__(self, base_url: str, cookie: str, timeout: float = 30):
        self.base = base_url
        self.timeout = timeout
        self.http = requests.Session()
        self.http.headers["Accept-Language"] = "en"
        name, _, value = cookie.partition("=")
        self.cookies = {name: value}  # bench/pages.py: why not the session's cookie jar
        self.csrf = ""
        self.requests = 0

    def _call(self, method: str, path: str, data=None):
        self.requests += 1
        if data is not None:
            data = {"csrfmiddlewaretoken": self.csrf, **data}
        response = self.http.request(
            method,
            self.base + path,
            data=data,
            headers={"Cookie": cookie_header(self.cookies)},
            allow_redirects=False,
            timeout=self.timeout,
        )
        update_cookies(self.cookies, set_cookie_headers(response))
        token = form_field(response.text, "csrfmiddlewaretoken") if response.status_code == 200 else None
        if token:
            self.csrf = token
        return response

    def open_product(self, product_id: int) -> None:
        """The product page the buyer adds from (gives the CSRF cookie and token); not timed."""
        response = self._call("GET", f"/product/{product_id}/")
        if response.status_code != 200 or not self.csrf:
            raise RuntimeError(f"product page {product_id} answered {response.status_code} without a form")

    def checkout(self, variant: int, *, double_submit: bool = False) -> Outcome:
        started = time.perf_counter()
        before = self.requests

        def done(ok, step="", detail="", **extra):
            return Outcome(
                ok, time.perf_counter() - started, step, detail, requests=self.requests - before, **extra
            )

        try:
            response = self._call("POST", "/cart/add/", {"variant": variant, "quantity": 1})
            if response.status_code != 302:
                return done(False, "cart add", f"answered {response.status_code}")
            page = self._call("GET", "/checkout/")
            if page.status_code == 302:  # the cart is empty: the add was refused (sold out)
                return done(False, "checkout page", "cart empty after add", sold_out=True)
            if page.status_code != 200:
                return done(False, "checkout page", f"answered {page.status_code}")
            form = {
                "idempotency_key": form_field(page.text, "idempotency_key"),
                "address": form_field(page.text, "address"),
                "identity": form_field(page.text, "identity"),
            }
            if not all(form.values()):
                return done(False, "checkout page", f"form incomplete: {form}")
            placed = self._call("POST", "/checkout/", form)
            if placed.status_code != 302 or "/pay/" not in placed.headers.get("Location", ""):
                sold_out = placed.status_code == 400 and SOLD_OUT in placed.text
                return done(False, "place order", f"answered {placed.status_code}", sold_out=sold_out)
            pay_url = placed.headers["Location"]
            duplicate = False
            if double_submit:
                again = self._call("POST", "/checkout/", form)
                duplicate = again.headers.get("Location") != pay_url
            pay_page = self._call("GET", pay_url)
            key = form_field(pay_page.text, "idempotency_key") if pay_page.status_code == 200 else None
            if not key:
                return done(False, "payment page", f"answered {pay_page.status_code}", duplicate=duplicate)
            paid = self._call("POST", pay_url, {**CARD, "idempotency_key": key})
            if paid.status_code != 302 or not paid.headers.get("Location", "").endswith("/orders/"):
                return done(False, "pay", f"answered {paid.status_code}", duplicate=duplicate)
            return done(True, duplicate=duplicate)
        except requests.RequestException as exc:
            return done(False, "connection", type(exc).__name__)


@dataclass
class Phase:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0


def run_buyers(buyers: list[Buyer], work, seconds: float | None) -> Phase:
    """`work(buyer, outcomes, deadline)` in one thread per buyer, all released together."""
    phase = Phase()
    lock = threading.Lock()
    barrier = threading.Barrier(len(buyers) + 1)

    def worker(buyer):
        mine: list[Outcome] = []
        barrier.wait()
        work(buyer, mine, time.perf_counter() + seconds if seconds else None)
        with lock:
            phase.outcomes.extend(mine)

    threads = [threading.Thread(target=worker, args=(b,), daemon=True) for b in buyers]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    phase.seconds = time.perf_counter() - started
    return phase


def throughput(buyers: list[Buyer], pool: list[int], seconds: float) -> Phase:
    def work(buyer, outcomes, deadline):
        rng = random.Random()
        while time.perf_counter() < deadline:
            outcomes.append(buyer.checkout(rng.choice(pool)))

    return run_buyers(buyers, work, seconds)


def last_units(buyers: list[Buyer], variant: int, give_up_seconds: float = 120) -> Phase:
    """Every buyer buys one unit at a time until sold out (or an error, or `give_up_seconds`)."""

    def work(buyer, outcomes, deadline):
        while time.perf_counter() < deadline:
            outcome = buyer.checkout(variant, double_submit=True)
            outcomes.append(outcome)
            if not outcome.ok:
                break

    return run_buyers(buyers, work, give_up_seconds)


def measure(base_url: str, prepared: dict, seconds: float, log=print) -> dict[str, Phase]:
    """Both phases. `prepared`: bench/buyers.py prepare's output."""
    buyers = [Buyer(base_url, b["cookie"]) for b in prepared["buyers"]]
    pool = prepared["pool"]
    race = prepared["race"]
    for buyer, product in zip(buyers, prepared["pool_products"] * len(buyers), strict=False):
        buyer.open_product(product)
    log(f"checkout: {len(buyers)} buyers for {seconds:.0f}s through the pages")
    phases = {"throughput": throughput(buyers, pool, seconds)}
    for buyer in buyers:
        buyer.open_product(race["product"])
    log(f"checkout: last units, {len(buyers)} buyers race for {race['stock']} units")
    phases["last_units"] = last_units(buyers, race["variant"])
    return phases
