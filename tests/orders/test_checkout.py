"""Cart, checkout (split per merchant and shipping mode, limits, stock, locked rate), the state
machine, cancellation and the expiry of unpaid orders."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace import services as catalog_services
from marketplace.models import Product
from orders import selectors, services
from orders.errors import (
    AnnualLimitExceeded,
    CartEmpty,
    IllegalTransition,
    InsufficientStock,
    ItemOverOrderLimit,
    NotFound,
    OrderLimitExceeded,
)
from orders.models import Order, OrderEvent
from payments.models import Payment
from tests.factories import (
    MerchantFactory,
    ProductFactory,
    UserFactory,
    checkout,
    pay,
    shopper_with_cart,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def hkd(rates):
    """HKD at exactly 1 CNY, so prices in HKD are prices in CNY (boundary tests)."""
    catalog_services.exchange_rate_set(currency="HKD", rate="1", source="tests")
    return MerchantFactory(settlement_currency="HKD")


def variant_of(product):
    return product.variants.get()


def test_checkout_splits_per_merchant_and_shipping_mode_under_one_payment(rates):
    us, jp = MerchantFactory(), MerchantFactory(settlement_currency="JPY")
    a = ProductFactory(merchant=us, prices=["10.00"])
    b = ProductFactory(merchant=us, prices=["20.00"], shipping_mode=Product.ShippingMode.BONDED)
    c = ProductFactory(merchant=jp, prices=["1000"])
    user, address, identity = shopper_with_cart((variant_of(a), 2), (variant_of(b), 1), (variant_of(c), 3))
    payment = checkout(user, address, identity)
    orders = list(payment.orders.order_by("id"))
    assert len(orders) == 3
    assert {(o.merchant_id, o.shipping_mode) for o in orders} == {
        (us.pk, "direct_mail"),
        (us.pk, "bonded"),
        (jp.pk, "direct_mail"),
    }
    first = orders[0]
    assert first.goods_total.amount == Decimal("142.40")  # 2 x USD 10 at 7.12
    assert first.tax_total.amount == Decimal("12.96")  # 142.40 x 9.1% = 12.9584
    assert first.shipping_fee.amount == Decimal("25.00")
    assert first.total.amount == Decimal("180.36")
    assert first.exchange_rate == Decimal("7.12")
    assert payment.amount.amount == sum(o.total.amount for o in orders)
    assert all(o.status == Order.Status.PENDING_PAYMENT for o in orders)
    assert variant_of(a).stock == 48 and variant_of(c).stock == 47
    assert selectors.cart_count(user=user) == 0
    assert OrderEvent.objects.filter(kind=OrderEvent.Kind.PLACED).count() == 3


def test_exchange_rate_is_locked_on_the_order(rates):
    product = ProductFactory(prices=["10.00"])
    user, address, identity = shopper_with_cart((variant_of(product), 1))
    payment = checkout(user, address, identity)
    catalog_services.exchange_rate_set(currency="USD", rate="8.00")
    order = payment.orders.get()
    order.refresh_from_db()
    assert order.exchange_rate == Decimal("7.12")
    assert order.lines.get().unit_price_cny.amount == Decimal("71.20")


def test_same_checkout_key_twice_places_the_orders_once(rates):
    product = ProductFactory(prices=["10.00"])
    user, address, identity = shopper_with_cart((variant_of(product), 1))
    first = checkout(user, address, identity, key="same-key")
    second = checkout(user, address, identity, key="same-key")
    assert first == second
    assert Order.objects.count() == 1 and Payment.objects.count() == 1


def test_empty_cart_cannot_check_out(rates):
    user, address, identity = shopper_with_cart()
    with pytest.raises(CartEmpty):
        checkout(user, address, identity)


def test_someone_elses_address_is_refused(rates):
    product = ProductFactory()
    user, _address, identity = shopper_with_cart((variant_of(product), 1))
    _other, other_address, _ = shopper_with_cart()
    with pytest.raises(NotFound):
        checkout(user, other_address, identity)


@pytest.mark.parametrize("second, allowed", [("2500.00", True), ("2500.01", False)])
def test_order_goods_limit_at_and_just_over_5000(hkd, second, allowed):
    a = ProductFactory(merchant=hkd, prices=["2500.00"])
    b = ProductFactory(merchant=hkd, prices=[second])
    user, address, identity = shopper_with_cart((variant_of(a), 1), (variant_of(b), 1))
    if allowed:
        assert checkout(user, address, identity).orders.get().goods_total.amount == Decimal("5000.00")
    else:
        with pytest.raises(OrderLimitExceeded) as caught:
            checkout(user, address, identity)
        assert "¥5,000.01" in str(caught.value) and "¥5,000.00" in str(caught.value)
        assert variant_of(b).stock == 50 and Order.objects.count() == 0


@pytest.mark.parametrize("price, allowed", [("5000.00", True), ("5000.01", False)])
def test_one_unit_over_the_order_limit_cannot_enter_the_cart(hkd, price, allowed):
    product = ProductFactory(merchant=hkd, prices=[price])
    cart = services.cart_get_or_create(user=UserFactory())
    if allowed:
        services.cart_add(cart=cart, variant_id=variant_of(product).pk)
        assert cart.items.count() == 1
    else:
        with pytest.raises(ItemOverOrderLimit) as caught:
            services.cart_add(cart=cart, variant_id=variant_of(product).pk)
        assert "¥5,000.01" in str(caught.value) and "¥5,000.00" in str(caught.value)
        assert cart.items.count() == 0


def test_a_unit_pushed_over_the_limit_by_a_rate_change_is_refused_at_checkout(hkd):
    product = ProductFactory(merchant=hkd, prices=["4000.00"])
    user, address, identity = shopper_with_cart((variant_of(product), 1))
    catalog_services.exchange_rate_set(currency="HKD", rate="1.5", source="tests")  # now ¥6,000 a unit
    with pytest.raises(ItemOverOrderLimit) as caught:
        checkout(user, address, identity)
    assert "¥6,000.00" in str(caught.value)
    assert variant_of(product).stock == 50 and Order.objects.count() == 0


def test_the_limit_is_per_order_so_two_merchants_may_total_more(hkd):
    other = MerchantFactory(settlement_currency="HKD")
    a = ProductFactory(merchant=hkd, prices=["4000.00"])
    b = ProductFactory(merchant=other, prices=["4000.00"])
    user, address, identity = shopper_with_cart((variant_of(a), 1), (variant_of(b), 1))
    assert checkout(user, address, identity).orders.count() == 2


def _past_order(identity, goods, *, status=Order.Status.PAID, paid_at=None):
    merchant = MerchantFactory()
    return Order.objects.create(
        number=f"T{Order.objects.count():09d}",
        user=identity.user,
        merchant=merchant,
        shipping_mode="direct_mail",
        recipient="x",
        phone="1",
        address="x",
        buyer_name=identity.real_name,
        buyer_id_number=identity.id_number,
        currency="USD",
        exchange_rate=Decimal("7"),
        goods_total=Decimal(goods),
        shipping_fee=Decimal("0"),
        tax_total=Decimal("0"),
        total=Decimal(goods),
        status=status,
        paid_at=paid_at or timezone.now(),
    )


@pytest.mark.parametrize("used, allowed", [("21000.00", True), ("21000.01", False)])
def test_annual_limit_at_and_just_over_26000(hkd, used, allowed):
    product = ProductFactory(merchant=hkd, prices=["5000.00"])
    user, address, identity = shopper_with_cart((variant_of(product), 1))
    _past_order(identity, used)
    assert selectors.quota_remaining(identity.id_number) == Decimal("26000.00") - Decimal(used)
    if allowed:
        checkout(user, address, identity)
        assert selectors.quota_remaining(identity.id_number) == Decimal("0.00")
    else:
        with pytest.raises(AnnualLimitExceeded) as caught:
            checkout(user, address, identity)
        assert "¥4,999.99" in str(caught.value)  # the remaining quota


def test_annual_quota_ignores_refunded_orders_and_last_year(hkd):
    product = ProductFactory(merchant=hkd, prices=["5000.00"])
    user, address, identity = shopper_with_cart((variant_of(product), 1))
    _past_order(identity, "20000", status=Order.Status.REFUNDED)
    _past_order(identity, "20000", paid_at=timezone.now() - timedelta(days=400))
    _past_order(identity, "1000", status=Order.Status.CANCELLED)
    assert selectors.quota_remaining(identity.id_number) == Decimal("26000.00")
    checkout(user, address, identity)


def test_the_quota_follows_the_id_number_across_accounts(hkd):
    product = ProductFactory(merchant=hkd, prices=["5000.00"])
    user, address, identity = shopper_with_cart((variant_of(product), 1))
    other_account = UserFactory()
    twin = identity.__class__.objects.create(
        user=other_account, real_name="王琳", id_number=identity.id_number
    )
    _past_order(twin, "25000")
    with pytest.raises(AnnualLimitExceeded):
        checkout(user, address, identity)


def test_stock_is_never_oversold(rates):
    product = ProductFactory(prices=["10.00"], stock=3)
    first, a1, i1 = shopper_with_cart((variant_of(product), 2))
    second, a2, i2 = shopper_with_cart((variant_of(product), 2))
    checkout(first, a1, i1)
    with pytest.raises(InsufficientStock) as caught:
        checkout(second, a2, i2)
    assert "1" in str(caught.value)
    assert variant_of(product).stock == 1


def test_illegal_transition_is_a_domain_error(rates):
    product = ProductFactory()
    user, address, identity = shopper_with_cart((variant_of(product), 1))
    order = checkout(user, address, identity).orders.get()
    with pytest.raises(IllegalTransition):
        services.order_ship(order=order)
    with pytest.raises(IllegalTransition):
        services.order_transition(order, Order.Status.COMPLETED, kind=OrderEvent.Kind.COMPLETED)
    order.refresh_from_db()
    assert order.status == Order.Status.PENDING_PAYMENT


def test_every_transition_leaves_an_event(rates):
    product = ProductFactory(shipping_mode=Product.ShippingMode.BONDED)
    user, address, identity = shopper_with_cart((variant_of(product), 1))
    payment = checkout(user, address, identity)
    pay(payment)
    order = payment.orders.get()
    assert order.ship_by - order.paid_at == timedelta(hours=72)
    services.order_ship(order=order)
    kinds = list(order.events.values_list("kind", "from_status", "to_status"))
    assert kinds == [
        ("placed", "", "pending_payment"),
        ("paid", "pending_payment", "paid"),
        ("shipped", "paid", "shipped"),
    ]


def test_unpaid_orders_expire_after_the_timeout_and_release_stock(rates, settings):
    settings.ORDER_PAYMENT_TIMEOUT_MINUTES = 30
    a = ProductFactory(prices=["10.00"], stock=5)
    b = ProductFactory(prices=["10.00"], stock=5)
    user, address, identity = shopper_with_cart((variant_of(a), 2), (variant_of(b), 1))
    payment = checkout(user, address, identity)
    assert services.orders_cancel_expired(now=timezone.now() + timedelta(minutes=29)) == 0
    from orders.tasks import orders_cancel_expired

    Order.objects.update(created_at=timezone.now() - timedelta(minutes=31))
    assert orders_cancel_expired.delay().get() == 2
    assert set(payment.orders.values_list("status", flat=True)) == {Order.Status.CANCELLED}
    assert variant_of(a).stock == 5 and variant_of(b).stock == 5
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELLED
    assert OrderEvent.objects.filter(kind=OrderEvent.Kind.EXPIRED).count() == 2


def test_paid_orders_do_not_expire(rates):
    product = ProductFactory()
    user, address, identity = shopper_with_cart((variant_of(product), 1))
    payment = checkout(user, address, identity)
    pay(payment)
    Order.objects.update(created_at=timezone.now() - timedelta(hours=2))
    assert services.orders_cancel_expired() == 0


def test_the_beat_schedule_runs_the_expiry_job(settings):
    jobs = {job["task"] for job in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "orders.tasks.orders_cancel_expired" in jobs


def test_cancelling_an_unpaid_order_cancels_its_checkout(rates):
    us, jp = MerchantFactory(), MerchantFactory(settlement_currency="JPY")
    a, b = ProductFactory(merchant=us), ProductFactory(merchant=jp, prices=["1000"])
    user, address, identity = shopper_with_cart((variant_of(a), 1), (variant_of(b), 1))
    payment = checkout(user, address, identity)
    order = payment.orders.first()
    services.order_cancel(user=user, number=order.number, idempotency_key="k1")
    assert set(payment.orders.values_list("status", flat=True)) == {"cancelled"}
    assert variant_of(a).stock == 50 and variant_of(b).stock == 50


def test_an_identity_needs_a_name_and_a_valid_number(rates):
    from orders.errors import InvalidIdentityNumber, MissingRealName

    user = UserFactory()
    with pytest.raises(MissingRealName) as caught:
        services.identity_create(user=user, real_name="  ", id_number="11010519491231002X")
    assert caught.value.status == 400
    with pytest.raises(InvalidIdentityNumber):
        services.identity_create(user=user, real_name="王琳", id_number="110105194912310021")
    identity = services.identity_create(user=user, real_name="王琳", id_number="11010519491231002x")
    assert identity.id_number == "11010519491231002X"
