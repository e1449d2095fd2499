"""What localstripe lacks, through an HTTP client injected into the `stripe` library: connected
accounts (Express), account links, transfers and reversals, the reconciliation's records, the
transfer group on a PaymentIntent, and how Stripe's errors map to results. Each test checks the exact
request the library sent (path, parameters in minor units, Idempotency-Key header) and answers with
Stripe's own JSON objects."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import stripe
from django.urls import reverse

from payments.gateways import GatewayError, get_gateway
from payments.models import PayoutAccount
from payments.stripe_gateway import StripeGateway, from_minor, to_minor
from tests.factories import MerchantMemberFactory
from tests.payments.stripe import fake_stripe as fake
from tests.payments.stripe.fake_stripe import FakeStripeHTTP

FAKE = "tests.payments.stripe.fake_stripe.FakeStripeHTTP"


@pytest.fixture
def stripe_fake(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_fake"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_fake"
    settings.STRIPE_API_BASE = ""  # the real addresses: the fake client answers, nothing leaves
    settings.STRIPE_SEND_TRANSFER_GROUP = True
    settings.STRIPE_HTTP_CLIENT = FAKE
    settings.PAYMENT_GATEWAY_CLASS = "payments.stripe_gateway.StripeGateway"
    FakeStripeHTTP.reset({})
    return FakeStripeHTTP


def _only(method, path):
    calls = [r for r in FakeStripeHTTP.requests if (r["method"], r["path"]) == (method, path)]
    assert len(calls) == 1, FakeStripeHTTP.requests
    return calls[0]


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [
        ("12.34", "EUR", 1234),
        ("1500", "JPY", 1500),
        ("25000", "KRW", 25000),
        ("0.01", "USD", 1),
        ("1.234", "KWD", 1234),
    ],
)
def test_minor_units_per_currency(amount, currency, minor):
    assert to_minor(Decimal(amount), currency) == minor
    assert from_minor(minor, currency) == Decimal(amount)


def test_the_secret_key_switches_the_gateway(settings, stripe_fake):
    assert isinstance(get_gateway(), StripeGateway)
    assert get_gateway().supports_transfers and get_gateway().confirms_in_browser


def test_a_payment_intent_carries_the_transfer_group_for_real_stripe(stripe_fake):
    stripe_fake.reset({("POST", "/v1/payment_intents"): {"id": "pi_1Group", "object": "payment_intent"}})

    intent_id = StripeGateway().create_payment(
        amount=Decimal("99.90"),
        currency="CNY",
        reference="P2601010000A",
        idempotency_key="P2601010000A:create",
        transfer_group="P2601010000A",
    )

    assert intent_id == "pi_1Group"
    sent = _only("POST", "/v1/payment_intents")
    assert sent["params"]["amount"] == "9990"
    assert sent["params"]["currency"] == "cny"
    assert sent["params"]["transfer_group"] == "P2601010000A"
    assert sent["params"]["metadata[reference]"] == "P2601010000A"
    assert sent["headers"]["Idempotency-Key"] == "P2601010000A:create"


def test_a_transfer_sends_minor_units_destination_group_source_and_key(stripe_fake):
    stripe_fake.reset({("POST", "/v1/transfers"): fake.transfer("tr_1Release", amount=4512, currency="eur")})

    result = StripeGateway().transfer(
        amount=Decimal("45.12"),
        currency="EUR",
        destination="acct_1Merchant",
        transfer_group="P2601010000A",
        source_transaction="ch_1Charge",
        idempotency_key="release-42",
    )

    assert result.succeeded and result.reference == "tr_1Release"
    sent = _only("POST", "/v1/transfers")
    assert sent["params"] == {
        "amount": "4512",
        "currency": "eur",
        "destination": "acct_1Merchant",
        "transfer_group": "P2601010000A",
        "source_transaction": "ch_1Charge",
    }
    assert sent["headers"]["Idempotency-Key"] == "release-42"


def test_a_transfer_in_yen_is_whole_units(stripe_fake):
    stripe_fake.reset({("POST", "/v1/transfers"): fake.transfer("tr_1Yen", amount=1500, currency="jpy")})
    StripeGateway().transfer(
        amount=Decimal("1500.00"),
        currency="JPY",
        destination="acct_1Jp",
        transfer_group="P1",
        source_transaction="",
        idempotency_key="release-jpy",
    )
    sent = _only("POST", "/v1/transfers")
    assert (sent["params"]["amount"], sent["params"]["currency"]) == ("1500", "jpy")
    assert "source_transaction" not in sent["params"]  # none given: none sent


def test_a_transfer_stripe_refuses_is_an_error_result(stripe_fake):
    stripe_fake.reset(
        {
            ("POST", "/v1/transfers"): fake.error(
                400, "invalid_request_error", "Insufficient funds in Stripe account.", "balance_insufficient"
            )
        }
    )
    result = StripeGateway().transfer(
        amount=Decimal("1.00"),
        currency="EUR",
        destination="acct_1",
        transfer_group="P1",
        source_transaction="ch_1",
        idempotency_key="k",
    )
    assert (result.status, result.error_code) == ("error", "balance_insufficient")


def test_a_reversal_reads_the_transfer_currency_and_sends_minor_units_with_the_key(stripe_fake):
    stripe_fake.reset(
        {
            ("GET", "/v1/transfers/tr_1Release"): fake.transfer("tr_1Release", amount=4512, currency="eur"),
            ("POST", "/v1/transfers/tr_1Release/reversals"): fake.reversal("trr_1Back", amount=1000),
        }
    )

    result = StripeGateway().transfer_reverse(
        transfer_id="tr_1Release", amount=Decimal("10.00"), idempotency_key="refund-7:reverse"
    )

    assert result.succeeded and result.reference == "trr_1Back"
    sent = _only("POST", "/v1/transfers/tr_1Release/reversals")
    assert sent["params"] == {"amount": "1000"}
    assert sent["headers"]["Idempotency-Key"] == "refund-7:reverse"


def test_a_connected_account_is_express_with_transfers_and_the_key(stripe_fake):
    stripe_fake.reset({("POST", "/v1/accounts"): fake.account("acct_1New")})

    account_id = StripeGateway().connected_account_create(
        merchant_reference="store-1",
        country="DE",
        email="shop@example.com",
        idempotency_key="merchant-1:acct",
    )

    assert account_id == "acct_1New"
    sent = _only("POST", "/v1/accounts")
    assert sent["params"]["type"] == "express"
    assert sent["params"]["country"] == "DE"
    assert sent["params"]["email"] == "shop@example.com"
    assert sent["params"]["capabilities[transfers][requested]"] == "true"
    assert sent["params"]["metadata[merchant]"] == "store-1"
    assert sent["headers"]["Idempotency-Key"] == "merchant-1:acct"


def test_an_account_link_is_for_onboarding(stripe_fake):
    stripe_fake.reset(
        {("POST", "/v1/account_links"): fake.account_link("https://connect.stripe.com/setup/e/x")}
    )

    url = StripeGateway().account_link(
        account_id="acct_1New", refresh_url="https://shop/refresh", return_url="https://shop/return"
    )

    assert url == "https://connect.stripe.com/setup/e/x"
    assert _only("POST", "/v1/account_links")["params"] == {
        "account": "acct_1New",
        "refresh_url": "https://shop/refresh",
        "return_url": "https://shop/return",
        "type": "account_onboarding",
    }


def test_stripe_errors_map_to_results_or_gateway_errors(stripe_fake, settings):
    gateway = StripeGateway()
    stripe_fake.reset(
        {
            ("GET", "/v1/payment_intents/pi_1"): {
                "id": "pi_1",
                "object": "payment_intent",
                "currency": "eur",
            },
            ("POST", "/v1/refunds"): fake.error(
                400, "invalid_request_error", "Refund exceeds charge.", "amount_too_large"
            ),
        }
    )
    result = gateway.refund(payment_id="pi_1", amount=Decimal("5.00"), idempotency_key="r1")
    assert (result.status, result.error_code) == ("error", "amount_too_large")
    assert _only("POST", "/v1/refunds")["params"] == {"payment_intent": "pi_1", "amount": "500"}

    stripe_fake.reset(
        {("POST", "/v1/payment_intents"): fake.error(401, "invalid_request_error", "Invalid API Key")}
    )
    with pytest.raises(GatewayError):
        gateway.create_payment(amount=Decimal("1"), currency="EUR", reference="P", idempotency_key="k")

    no_retry = StripeGateway()
    no_retry.client._requestor._options.max_network_retries = 0  # noqa: SLF001  (keep the test quick)
    stripe_fake.reset({("POST", "/v1/transfers"): (500, stripe.APIConnectionError("connection refused"))})
    with pytest.raises(GatewayError):
        no_retry.transfer(
            amount=Decimal("1"),
            currency="EUR",
            destination="acct_1",
            transfer_group="P",
            source_transaction="",
            idempotency_key="k",
        )


def test_records_list_charges_refunds_transfers_and_reversals(stripe_fake):
    def listing(path, data):
        return {"object": "list", "data": data, "has_more": False, "url": path}

    charge = {
        "id": "ch_1",
        "object": "charge",
        "amount": 9990,
        "currency": "cny",
        "status": "succeeded",
        "created": fake.NOW,
        "transfer_group": "P2601010000A",
        "metadata": {},
    }
    refund = {
        "id": "re_1",
        "object": "refund",
        "amount": 1000,
        "currency": "cny",
        "status": "succeeded",
        "created": fake.NOW,
    }
    transfer = fake.transfer(
        "tr_1", amount=1500, currency="jpy", reversals=[fake.reversal("trr_1", amount=500, currency="jpy")]
    )
    stripe_fake.reset(
        {
            ("GET", "/v1/charges"): listing("/v1/charges", [charge]),
            ("GET", "/v1/refunds"): listing("/v1/refunds", [refund]),
            ("GET", "/v1/transfers"): listing("/v1/transfers", [transfer]),
        }
    )

    since, until = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC)
    records = StripeGateway().records(since=since, until=until)

    assert [(r.kind, r.reference, r.amount, r.currency) for r in records] == [
        ("charge", "ch_1", Decimal("99.90"), "CNY"),
        ("refund", "re_1", Decimal("10.00"), "CNY"),
        ("transfer", "tr_1", Decimal("1500"), "JPY"),
        ("transfer_reversal", "trr_1", Decimal("500"), "JPY"),
    ]
    assert records[0].payment_reference == "P2601010000A"
    sent = _only("GET", "/v1/charges")
    assert sent["params"]["created[gte]"] == str(int(since.timestamp()))
    assert sent["params"]["created[lt]"] == str(int(until.timestamp()))


# ------------------------------------------------------------------ the seller connects its account


@pytest.mark.django_db
def test_the_owner_connects_a_stripe_account_and_comes_back(client, stripe_fake):
    member = MerchantMemberFactory(merchant__country="DE")
    merchant = member.merchant
    client.force_login(member.user)
    stripe_fake.reset(
        {
            ("POST", "/v1/accounts"): fake.account("acct_1Shop", country="DE"),
            ("POST", "/v1/account_links"): fake.account_link(
                "https://connect.stripe.com/setup/e/acct_1Shop/x"
            ),
            ("GET", "/v1/accounts/acct_1Shop"): fake.account("acct_1Shop", details_submitted=True),
        }
    )

    page = client.get(reverse("seller_stripe:connect"))
    assert page.status_code == 200 and b"data-stripe-connect" in page.content
    response = client.post(reverse("seller_stripe:connect"))

    assert response.status_code == 302
    assert response["Location"] == "https://connect.stripe.com/setup/e/acct_1Shop/x"
    account = PayoutAccount.objects.get(merchant=merchant)
    assert (account.stripe_account_id, account.stripe_details_submitted) == ("acct_1Shop", False)
    created = _only("POST", "/v1/accounts")
    assert created["headers"]["Idempotency-Key"] == f"merchant-{merchant.pk}:connected-account"
    link = _only("POST", "/v1/account_links")["params"]
    assert link["refresh_url"].endswith(reverse("seller_stripe:connect"))
    assert link["return_url"].endswith(reverse("seller_stripe:return"))

    # A second click makes no second account: a fresh link for the same one.
    client.post(reverse("seller_stripe:connect"))
    assert len([r for r in stripe_fake.requests if r["path"] == "/v1/accounts"]) == 1

    back = client.get(reverse("seller_stripe:return"))
    assert back.status_code == 302
    account.refresh_from_db()
    assert account.stripe_details_submitted is True
    assert b'data-stripe-state="connected"' in client.get(reverse("seller_stripe:connect")).content


@pytest.mark.django_db
def test_only_the_owner_may_connect(client, stripe_fake):
    member = MerchantMemberFactory(role="staff")
    client.force_login(member.user)
    assert client.post(reverse("seller_stripe:connect")).status_code == 403
    assert not PayoutAccount.objects.exists()
    assert stripe_fake.requests == []


@pytest.mark.django_db
def test_without_stripe_connecting_is_refused_clearly(client, settings):
    settings.PAYMENT_GATEWAY_CLASS = "payments.gateways.SandboxGateway"
    member = MerchantMemberFactory()
    client.force_login(member.user)
    assert client.get(reverse("seller_stripe:connect")).status_code == 200
    assert client.post(reverse("seller_stripe:connect")).status_code == 409
    assert not PayoutAccount.objects.exists()


@pytest.mark.django_db
def test_stripe_unreachable_while_connecting_is_a_503_page(client, stripe_fake):
    member = MerchantMemberFactory()
    client.force_login(member.user)
    stripe_fake.reset({("POST", "/v1/accounts"): fake.error(503, "api_error", "Stripe is down")})
    assert client.post(reverse("seller_stripe:connect")).status_code == 503
