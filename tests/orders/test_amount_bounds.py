"""Orders only ever carry positive money: checkout refuses a cart whose total would not be positive with
nothing written (no order, no payment, no ledger entry, stock and quota unchanged), and the database
refuses negative order amounts and out-of-range quantities whatever code writes them."""

from decimal import Decimal

import pytest
from django.db import DataError, IntegrityError, transaction
from rest_framework.test import APIClient

from marketplace import services as catalog_services
from marketplace.models import ProductVariant
from orders import rules, selectors, services
from orders.errors import CheckoutTotalNotPositive, PriceNotPayable
from orders.models import CartItem, Order, OrderEvent, OrderLine
from payments.models import LedgerEntry, LedgerTransaction, Payment, SandboxOperation
from tests.factories import MerchantFactory, ProductFactory, UserFactory, checkout, pay, shopper_with_cart

pytestmark = pytest.mark.django_db


def nothing_written():
    return not (
        Order.objects.exists()
        or OrderLine.objects.exists()
        or OrderEvent.objects.exists()
        or Payment.objects.exists()
        or LedgerTransaction.objects.exists()
        or LedgerEntry.objects.exists()
        or SandboxOperation.objects.exists()
    )


def test_a_negative_priced_variant_cannot_exist_so_cannot_be_checked_out(rates):
    """The reported hole, end to end: the price the report used is refused by the database even when
    forced past every validator, so the cart keeps the real price and the checkout is positive."""
    product = ProductFactory(merchant=MerchantFactory(settlement_currency="JPY"), prices=["1000"])
    variant = product.variants.get()
    user, address, identity = shopper_with_cart((variant, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductVariant.objects.filter(pk=variant.pk).update(price=Decimal("-100000"))
    payment = checkout(user, address, identity)
    assert payment.amount.amount > 0 and all(o.total.amount > 0 for o in payment.orders.all())


def test_a_line_worth_nothing_in_cny_is_refused_with_nothing_written(rates):
    """0.01 KRW is 0.0000515 CNY, 0.00 at the fen: money moved by a payment must be positive."""
    product = ProductFactory(merchant=MerchantFactory(settlement_currency="KRW"), prices=["0.01"])
    variant = product.variants.get()
    user, address, identity = shopper_with_cart((variant, 3))
    quota = selectors.quota_remaining(identity.id_number)
    with pytest.raises(PriceNotPayable):
        checkout(user, address, identity)
    assert nothing_written()
    assert variant.__class__.objects.get(pk=variant.pk).stock == 50
    assert selectors.quota_remaining(identity.id_number) == quota
    assert CartItem.objects.filter(cart__user=user).count() == 1


def test_a_checkout_whose_total_would_not_be_positive_is_refused_with_nothing_written(rates, monkeypatch):
    """Whatever a future fee or discount rule computes, a checkout of zero or less is never placed."""
    product = ProductFactory(prices=["1.00"])  # USD 1 = CNY 7.12
    user, address, identity = shopper_with_cart((product.variants.get(), 1))
    quota = selectors.quota_remaining(identity.id_number)
    monkeypatch.setattr(rules, "shipping_fee", lambda mode, goods: Decimal("-100.00"))  # a buggy rule
    with pytest.raises(CheckoutTotalNotPositive):
        checkout(user, address, identity)
    assert nothing_written()
    assert product.variants.get().stock == 50
    assert selectors.quota_remaining(identity.id_number) == quota


def test_the_api_answers_400_for_a_checkout_worth_nothing(rates):
    product = ProductFactory(merchant=MerchantFactory(settlement_currency="KRW"), prices=["0.01"])
    user, address, identity = shopper_with_cart((product.variants.get(), 1))
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(user)
    response = api.post(
        "/api/v1/checkout/",
        {"address": address.pk, "identity": identity.pk, "idempotency_key": "zero-1"},
        format="json",
    )
    assert response.status_code == 400 and response.json()["code"] == "price_not_payable"
    assert nothing_written()


# --- Quantities from the outside ----------------------------------------------------------------------------


@pytest.mark.parametrize("quantity", [0, -1, 100, 2**31, 10**20, "abc", "1.5"])
def test_cart_api_refuses_quantities_out_of_bounds(rates, quantity):
    variant = ProductFactory().variants.get()
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(UserFactory())
    added = api.post("/api/v1/cart/", {"variant": variant.pk, "quantity": quantity}, format="json")
    assert added.status_code == 400 and "quantity" in added.json()
    assert not CartItem.objects.exists()
    api.post("/api/v1/cart/", {"variant": variant.pk, "quantity": 1}, format="json")
    if quantity != 0:  # setting 0 removes the line
        changed = api.patch(f"/api/v1/cart/items/{variant.pk}/", {"quantity": quantity}, format="json")
        assert changed.status_code == 400 and "quantity" in changed.json()
        assert CartItem.objects.get().quantity == 1


@pytest.mark.parametrize("number", [2**31, 2**63, 10**20])
def test_ids_beyond_the_column_are_4xx_not_500(rates, number):
    api = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    api.force_authenticate(UserFactory())
    api.post("/api/v1/cart/", {"variant": ProductFactory().variants.get().pk}, format="json")
    assert api.post("/api/v1/cart/", {"variant": number}, format="json").status_code in (400, 404)
    assert api.patch(f"/api/v1/cart/items/{number}/", {"quantity": 1}, format="json").status_code == 404
    assert api.delete(f"/api/v1/cart/items/{number}/").status_code in (200, 204, 404)
    response = api.post(
        "/api/v1/checkout/", {"address": number, "identity": number, "idempotency_key": "k"}, format="json"
    )
    assert response.status_code in (400, 404)


# --- The database ------------------------------------------------------------------------------------------


def refused(queryset, **values):
    try:
        with transaction.atomic():
            queryset.update(**values)
    except (IntegrityError, DataError):
        return True
    return False


@pytest.fixture
def placed(rates):
    product = ProductFactory(prices=["10.00"])
    user, address, identity = shopper_with_cart((product.variants.get(), 2))
    return checkout(user, address, identity).orders.get()


@pytest.mark.parametrize(
    "values",
    [
        {"goods_total": Decimal("-5139.52")},
        {"goods_total": Decimal("0")},
        {"shipping_fee": Decimal("-0.01")},
        {"tax_total": Decimal("-0.01")},
        {"total": Decimal("0")},
        {"total": Decimal("-5139.52")},
        {"exchange_rate": Decimal("0")},
        {"exchange_rate": Decimal("-7.12")},
    ],
    ids=lambda v: ",".join(f"{k}={v[k]}" for k in v),
)
def test_negative_order_amounts_fail_at_the_database(placed, values):
    assert refused(Order.objects.filter(pk=placed.pk), **values)


@pytest.mark.parametrize(
    "values",
    [
        {"quantity": 0},
        {"quantity": rules.MAX_QUANTITY_PER_LINE + 1},
        {"quantity": 2**31},
        {"unit_price": Decimal("-100000")},
        {"unit_price": Decimal("0")},
        {"unit_price_cny": Decimal("0")},
        {"goods_cny": Decimal("-1")},
        {"tax_cny": Decimal("-0.01")},
        {"tax_rate": Decimal("-0.091")},
    ],
    ids=lambda v: ",".join(f"{k}={v[k]}" for k in v),
)
def test_order_lines_out_of_bounds_fail_at_the_database(placed, values):
    assert refused(OrderLine.objects.filter(order=placed), **values)


@pytest.mark.parametrize("quantity", [0, -1, rules.MAX_QUANTITY_PER_LINE + 1, 2**31])
def test_cart_quantities_out_of_bounds_fail_at_the_database(rates, quantity):
    user, _address, _identity = shopper_with_cart((ProductFactory().variants.get(), 1))
    assert refused(CartItem.objects.filter(cart__user=user), quantity=quantity)


def test_returned_stock_never_passes_the_ceiling(rates):
    """A merchant may raise stock to the ceiling while an order is unpaid; cancelling returns the
    units up to the ceiling rather than failing the cancellation on the constraint."""
    product = ProductFactory(prices=["10.00"])
    variant = product.variants.get()
    user, address, identity = shopper_with_cart((variant, 2))
    payment = checkout(user, address, identity)
    catalog_services.variant_save(
        product=product, actor_merchant=product.merchant, variant=variant, sku=variant.sku, stock=1_000_000
    )
    order = payment.orders.get()
    services.order_cancel(user=user, number=order.number, idempotency_key="cancel-1")
    variant.refresh_from_db()
    assert variant.stock == 1_000_000
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED


def test_a_paid_order_refund_returns_positive_money(rates):
    product = ProductFactory(prices=["10.00"])
    user, address, identity = shopper_with_cart((product.variants.get(), 1))
    payment = checkout(user, address, identity)
    pay(payment)
    order = payment.orders.get()
    services.order_cancel(user=user, number=order.number, idempotency_key="refund-1")
    assert all(op.amount > 0 for op in SandboxOperation.objects.all())
    assert not LedgerEntry.objects.filter(amount=0).exists()


@pytest.mark.parametrize(
    "posted",
    [
        {"variant": str(2**63), "quantity": "1"},
        {"variant": str(10**20), "quantity": "1"},
        {"variant": "abc", "quantity": "1"},
        {"quantity": str(2**31)},
        {"quantity": str(10**20)},
        {"quantity": "-1"},
        {"remove": str(2**63)},
    ],
    ids=lambda p: ",".join(f"{k}={v}" for k, v in p.items()),
)
def test_cart_page_answers_hostile_numbers_with_a_message(client, rates, posted):
    variant = ProductFactory().variants.get()
    user, _address, _identity = shopper_with_cart((variant, 2))
    client.force_login(user)
    response = client.post("/cart/update/", {"variant": str(variant.pk), **posted}, follow=True)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]]
    assert CartItem.objects.get(cart__user=user).quantity == 2


@pytest.mark.parametrize("quantity", [str(2**31), str(10**20), "0", "-1", "abc"])
def test_add_to_cart_page_answers_hostile_quantities_with_a_message(client, rates, quantity):
    variant = ProductFactory().variants.get()
    response = client.post("/cart/add/", {"variant": variant.pk, "quantity": quantity}, follow=True)
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]]
    assert not CartItem.objects.exists()
