"""Schemathesis against the live OpenAPI schema, in process (WSGI), for every operation, as four roles
with real logins: anonymous, a shopper, a merchant and platform staff.

Checks: no server error, every response matches its schema, and every status is documented. Fixed
seed, deterministic generation (the same cases every run, on SQLite and PostgreSQL). One test function
per role, one item per operation, so pytest-xdist spreads them. `FUZZ_EXAMPLES` sets the fuzzing
phase's examples per operation (the coverage phase adds its boundary and negative cases)."""

import logging
import os
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from marketplace.models import Brand, User
from marketplace.wsgi import application
from merchants import services as merchant_services
from merchants.models import BrandAuthorization, Merchant
from tests.factories import (
    BrandFactory,
    MerchantMemberFactory,
    ProductFactory,
    StaffFactory,
    UserFactory,
    ViolationKindFactory,
    checkout,
    shopper_with_cart,
)

# The fuzz runs on PostgreSQL, where hostile input fails differently (a NUL, an out-of-range integer);
# on SQLite only when asked (FUZZ_ON_SQLITE=1), to keep the two-database CI run short.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql" and not os.environ.get("FUZZ_ON_SQLITE"),
        reason="the API fuzzing runs on PostgreSQL (set FUZZ_ON_SQLITE=1 to run it on SQLite)",
    ),
]

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
PASSWORD = "pass12345word"  # the factories' password
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]



FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,  # the same cases on every run
    suppress_health_check=list(HealthCheck),
    # No shrinking: a failing operation is reported with the case that failed, at once, instead of
    # minutes spent minimising a request body (the report names the operation and the check).
    phases=[Phase.explicit, Phase.generate],
)


def load_schema():
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", application)


@contextmanager
def _test_connection_kept():
    """Schemathesis calls the WSGI application directly, so each request ends with Django's
    close_old_connections, which closes a connection inside a transaction: on PostgreSQL that is the
    test's own (SQLite's in-memory database ignores it). Django's test client unhooks it the same way,
    and hooks it back after each of its requests (the logins), hence here, around the fuzzing only."""
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in signals:
            signal.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _quiet_client_errors():
    """Thousands of expected 4xx would each log a warning; server errors still log."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.ERROR)
    yield
    logger.setLevel(level)


@pytest.fixture
def world(db, rates):
    """Something of everything, so ids and lookups hit real rows: stores with products, a shopper with
    an order, an application waiting for review, a pending brand."""
    merchant_member = MerchantMemberFactory(merchant__settlement_currency="USD")
    product = ProductFactory(merchant=merchant_member.merchant, prices=("19.90", "29.90"))
    ProductFactory(merchant=merchant_member.merchant, publish=False)
    shopper, address, identity = shopper_with_cart((product.variants.first(), 1))
    checkout(shopper, address, identity)
    BrandFactory(status=Brand.Status.PENDING)
    ViolationKindFactory(code="late-shipment")
    applicant = UserFactory()
    application = merchant_services.merchant_application_start(user=applicant)
    applicant.refresh_from_db()
    merchant_services.merchant_application_update(
        application=application, actor=applicant, legal_name="Fuzz Trading Ltd.", country="JP"
    )
    BrandAuthorization.objects.create(
        merchant=application.merchant,
        brand=BrandFactory(),
        kind=BrandAuthorization.Kind.AUTHORIZED,
        authorized_by="Owner",
        valid_from=timezone.localdate(),
        valid_until=timezone.localdate() + timedelta(days=90),
    )
    MerchantMemberFactory(merchant__status=Merchant.Status.SUSPENDED)
    from orders.conversations.services import conversation_start  # a thread for the ids to hit

    conversation_start(shopper=shopper, product_id=product.pk, body="Is it genuine?")
    return {
        "shopper": shopper,
        "merchant": merchant_member.user,
        "staff": StaffFactory(),
        "applicant": applicant,
    }


def login(user: User) -> tuple[dict, dict]:
    """Sign in through the login page as a browser would; the session and CSRF cookies plus the CSRF
    header the API asks for on writes."""
    browser = Client(enforce_csrf_checks=True)
    browser.get("/accounts/login/")
    token = browser.cookies["csrftoken"].value
    answer = browser.post(
        "/accounts/login/", {"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert answer.status_code == 302, "the login page did not sign in"
    cookies = {name: morsel.value for name, morsel in browser.cookies.items()}
    return cookies, {"X-CSRFToken": cookies["csrftoken"]}


def fuzz(role: str, cookies=None, headers=None) -> None:
    """Every operation: valid and invalid cases (schemathesis' positive and negative generation)."""
    calls, failures = [0], []

    def call(case):
        # Each call in a savepoint: a failure is reported, and on PostgreSQL the next call still works.
        calls[0] += 1
        savepoint = transaction.savepoint()
        try:
            response = case.call(cookies=cookies, headers=headers)
            case.validate_response(response, checks=CHECKS)
        except BaseException:
            transaction.savepoint_rollback(savepoint)
            raise
        transaction.savepoint_commit(savepoint)

    started = time.monotonic()
    with _test_connection_kept():
        _fuzz_operations(load_schema(), call, failures)
    print(f"\nAPI fuzzing as {role}: {calls[0]} cases in {time.monotonic() - started:.0f} s")
    assert not failures, "\n\n".join(failures)


def _fuzz_operations(schema, call, failures) -> None:
    for result in schema.get_all_operations():
        operation = result.ok()
        cases = st.one_of(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        )
        try:
            FUZZ_SETTINGS(given(case=cases)(call))()
        except (Exception, BaseExceptionGroup) as exc:  # collected: every failing operation is reported
            failures.append(f"{operation.label}: {exc}")


@pytest.fixture
def shopper_login(world):
    return login(world["shopper"])


@pytest.fixture
def merchant_login(world):
    return login(world["merchant"])


@pytest.fixture
def staff_login(world):
    return login(world["staff"])


def test_fuzz_anonymous(world):
    fuzz("anonymous")


def test_fuzz_shopper(shopper_login):
    fuzz("shopper", *shopper_login)


def test_fuzz_merchant(merchant_login):
    fuzz("merchant", *merchant_login)


def test_fuzz_staff(staff_login):
    fuzz("staff", *staff_login)
