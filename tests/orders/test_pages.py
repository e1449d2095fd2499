"""The shopper's pages and the merchant's order list, through the test client."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from orders import services
from orders.models import Order
from payments.models import SandboxOperation
from tests.factories import (
    MerchantFactory,
    MerchantMemberFactory,
    ProductFactory,
    UserFactory,
    checkout,
    pay,
    shopper_with_cart,
)

pytestmark = pytest.mark.django_db


def variant_of(product):
    return product.variants.get()


def key_in(html, name="idempotency_key"):
    return re.search(rf'name="{name}" value="([^"]+)"', html).group(1)


def test_cart_merges_into_the_account_at_login(client, rates):
    a, b = ProductFactory(prices=["10.00"]), ProductFactory(prices=["12.00"])
    user = UserFactory(username="lin")
    account_cart = services.cart_get_or_create(user=user)
    services.cart_add(cart=account_cart, variant_id=variant_of(a).pk, quantity=1)
    client.post("/cart/add/", {"variant": variant_of(a).pk, "quantity": 2})
    client.post("/cart/add/", {"variant": variant_of(b).pk, "quantity": 1})
    assert "3" in client.get("/cart/").content.decode()  # the header count before login
    response = client.post("/accounts/login/", {"username": "lin", "password": "pass12345word"})
    assert response.status_code == 302
    quantities = {i.variant_id: i.quantity for i in account_cart.items.all()}
    assert quantities == {variant_of(a).pk: 3, variant_of(b).pk: 1}


def test_cart_page_shows_each_store_with_shipping_tax_and_total(client, rates):
    us, jp = MerchantFactory(name_zh="美国店"), MerchantFactory(settlement_currency="JPY", name_zh="日本店")
    client.post(
        "/cart/add/", {"variant": variant_of(ProductFactory(merchant=us, prices=["10.00"])).pk, "quantity": 2}
    )
    client.post("/cart/add/", {"variant": variant_of(ProductFactory(merchant=jp, prices=["1000"])).pk})
    html = client.get("/cart/").content.decode()
    assert "美国店" in html and "日本店" in html
    assert "¥142.40" in html and "¥12.96" in html and "¥180.36" in html  # goods, tax, order total
    assert "¥47.20" in html  # JPY 1000 at 0.0472


def test_bad_cart_input_is_a_message_not_a_500(client, rates):
    product = ProductFactory(stock=2)
    response = client.post("/cart/add/", {"variant": variant_of(product).pk, "quantity": 5}, follow=True)
    assert response.status_code == 200
    assert "2" in str(list(response.context["messages"])[0])
    response = client.post("/cart/add/", {"variant": "abc"}, follow=True)
    assert response.status_code == 200
    response = client.post("/cart/add/", {"variant": 999999}, follow=True)
    assert response.status_code == 200


def test_checkout_pay_and_see_the_orders_paid(client, rates):
    a = ProductFactory(merchant=MerchantFactory(), prices=["10.00"])
    b = ProductFactory(merchant=MerchantFactory(settlement_currency="JPY"), prices=["1000"])
    user, address, identity = shopper_with_cart((variant_of(a), 1), (variant_of(b), 1))
    client.force_login(user)
    page = client.get("/checkout/")
    html = page.content.decode()
    assert identity.id_number not in html and identity.id_number_masked in html
    assert "¥26,000.00" in html  # remaining annual quota
    form = {"address": address.pk, "identity": identity.pk, "idempotency_key": key_in(html)}
    response = client.post("/checkout/", form)
    assert response.status_code == 302 and response["Location"].startswith("/pay/")
    again = client.post("/checkout/", form)  # the place-order button clicked twice
    assert again["Location"] == response["Location"] and Order.objects.count() == 2
    pay_page = client.get(response["Location"])
    form_key = key_in(pay_page.content.decode())
    card = {"number": "4000 0000 0000 0002", "expiry": "12/30", "cvc": "123", "idempotency_key": form_key}
    declined = client.post(response["Location"], card)
    assert declined.status_code == 402
    assert "拒绝" in declined.content.decode() or "declined" in declined.content.decode()
    good = dict(card, number="4242 4242 4242 4242", idempotency_key=key_in(declined.content.decode()))
    first = client.post(response["Location"], good)
    second = client.post(response["Location"], good)  # the same form submitted twice
    assert first.status_code == 302 and second.status_code == 302
    assert SandboxOperation.objects.filter(kind="charge", outcome="succeeded").count() == 1
    assert set(Order.objects.values_list("status", flat=True)) == {"paid"}
    orders_page = client.get("/orders/").content.decode()
    assert orders_page.count('data-status="paid"') == 2


def test_card_form_errors_are_400_with_a_message(client, rates):
    user, address, identity = shopper_with_cart((variant_of(ProductFactory()), 1))
    payment = checkout(user, address, identity)
    client.force_login(user)
    response = client.post(
        f"/pay/{payment.reference}/",
        {"number": "1234", "expiry": "01/20", "cvc": "1", "idempotency_key": "k"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors


def test_checkout_over_the_limit_explains_and_keeps_the_cart(client, rates):
    product = ProductFactory(prices=["400.00"], stock=10)  # 2 x USD 400 x 7.12 = 5,696 CNY
    user, address, identity = shopper_with_cart((variant_of(product), 2))
    client.force_login(user)
    response = client.post(
        "/checkout/", {"address": address.pk, "identity": identity.pk, "idempotency_key": "x"}
    )
    assert response.status_code == 400
    assert "¥5,696.00" in response.content.decode()
    assert Order.objects.count() == 0


def test_checkout_without_an_address_answers_400(client, rates):
    user, _address, identity = shopper_with_cart((variant_of(ProductFactory()), 1))
    client.force_login(user)
    response = client.post("/checkout/", {"address": "nope", "identity": identity.pk})
    assert response.status_code == 400


def test_identity_form_rejects_a_bad_checksum_and_masks_a_good_one(client, rates):
    user = UserFactory()
    client.force_login(user)
    bad = client.post("/account/identities/", {"real_name": "王琳", "id_number": "110105194912310021"})
    assert bad.status_code == 400 and bad.context["form"].errors["id_number"]
    good = client.post(
        "/account/identities/", {"real_name": "王琳", "id_number": "11010519491231002X"}, follow=True
    )
    html = good.content.decode()
    assert "110105********002X" in html and "11010519491231002X" not in html


def test_cancel_a_paid_order_from_its_page_twice_refunds_once(client, rates):
    user, address, identity = shopper_with_cart((variant_of(ProductFactory()), 1))
    payment = checkout(user, address, identity)
    pay(payment)
    order = payment.orders.get()
    client.force_login(user)
    html = client.get(order.get_absolute_url()).content.decode()
    key = key_in(html)
    client.post(f"/orders/{order.number}/cancel/", {"idempotency_key": key, "confirm": "yes"})
    client.post(f"/orders/{order.number}/cancel/", {"idempotency_key": key, "confirm": "yes"})
    assert SandboxOperation.objects.filter(kind="refund", outcome="succeeded").count() == 1
    order.refresh_from_db()
    assert order.status == "refunded"
    timeline = client.get(order.get_absolute_url()).content.decode()
    assert timeline.count('<li class="timeline__item') == 3  # placed, paid, refunded


def test_other_shoppers_orders_are_404(client, rates):
    user, address, identity = shopper_with_cart((variant_of(ProductFactory()), 1))
    order = checkout(user, address, identity).orders.get()
    client.force_login(UserFactory())
    assert client.get(order.get_absolute_url()).status_code == 404
    assert client.post(f"/orders/{order.number}/cancel/", {"idempotency_key": "k"}).status_code == 404


def test_seller_sees_only_their_paid_orders_with_time_left_to_ship(client, rates):
    member = MerchantMemberFactory()
    mine = ProductFactory(merchant=member.merchant, shipping_mode="bonded")
    theirs = ProductFactory()
    user, address, identity = shopper_with_cart((variant_of(mine), 1), (variant_of(theirs), 1))
    payment = checkout(user, address, identity)
    pay(payment)
    client.force_login(member.user)
    html = client.get("/seller/orders/").content.decode()
    mine_order = payment.orders.get(merchant=member.merchant)
    other_order = payment.orders.exclude(merchant=member.merchant).get()
    assert mine_order.number in html and other_order.number not in html
    assert re.search(r"7[01] 小时", html)  # 72 hours for bonded stock, minus the seconds gone
    Order.objects.filter(pk=mine_order.pk).update(ship_by=timezone.now() - timedelta(hours=2))
    assert "已超时 2 小时" in client.get("/seller/orders/").content.decode()


def test_seller_orders_need_a_merchant_account(client):
    assert client.get("/seller/orders/").status_code == 302
    client.force_login(UserFactory())
    assert client.get("/seller/orders/").status_code == 403


# --- Query counts: constant in the number of items ---------------------------------------------------


def count_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_cart_page_queries_do_not_grow_with_items(client, rates):
    user, address, identity = shopper_with_cart((variant_of(ProductFactory(images=1)), 1))
    client.force_login(user)
    one = count_queries(client, "/cart/")
    # session, user, the user's store membership (the header's seller link), the items with all they
    # show, the stores' shipping templates, the header bell's unread count; on PostgreSQL the catalogue
    # counter (the menu's)
    assert one <= 6
    cart = services.cart_get_or_create(user=user)
    for _ in range(8):
        services.cart_add(cart=cart, variant_id=variant_of(ProductFactory(images=1)).pk)
    assert count_queries(client, "/cart/") == one


def test_order_list_queries_do_not_grow_with_orders(client, rates):
    user, address, identity = shopper_with_cart((variant_of(ProductFactory()), 1))
    checkout(user, address, identity)
    client.force_login(user)
    one = count_queries(client, "/orders/")
    for _ in range(5):
        cart = services.cart_get_or_create(user=user)
        services.cart_add(cart=cart, variant_id=variant_of(ProductFactory()).pk)
        services.cart_add(cart=cart, variant_id=variant_of(ProductFactory()).pk)
        checkout(user, address, identity)
    assert count_queries(client, "/orders/") == one


def test_a_shoppers_orders_come_in_pages_newest_first_with_their_unit_counts(client, rates, monkeypatch):
    from orders import views

    monkeypatch.setattr(views, "ORDERS_PER_PAGE", 2)
    user, address, identity = shopper_with_cart((variant_of(ProductFactory()), 3))
    numbers = [checkout(user, address, identity).orders.get().number]
    for quantity in (1, 2):
        cart = services.cart_get_or_create(user=user)
        services.cart_add(cart=cart, variant_id=variant_of(ProductFactory()).pk, quantity=quantity)
        numbers.append(checkout(user, address, identity).orders.get().number)
    client.force_login(user)
    first = client.get("/orders/")
    assert [o.number for o in first.context["orders"]] == numbers[:0:-1]
    assert [o.item_count for o in first.context["orders"]] == [2, 1]
    assert 'rel="next" href="?page=2"' in first.content.decode()
    second = client.get("/orders/?page=2")
    assert [(o.number, o.item_count) for o in second.context["orders"]] == [(numbers[0], 3)]


def test_seller_order_list_queries_do_not_grow(client, rates):
    member = MerchantMemberFactory()
    client.force_login(member.user)
    product = ProductFactory(merchant=member.merchant)
    user, address, identity = shopper_with_cart((variant_of(product), 1))
    pay(checkout(user, address, identity))
    one = count_queries(client, "/seller/orders/")
    for _ in range(4):
        services.cart_add(cart=services.cart_get_or_create(user=user), variant_id=variant_of(product).pk)
        pay(checkout(user, address, identity))
    assert count_queries(client, "/seller/orders/") == one


def test_staff_console_shows_orders_payments_and_the_ledger_read_only(client, rates):
    from tests.factories import StaffFactory

    user, address, identity = shopper_with_cart((variant_of(ProductFactory()), 1))
    payment = checkout(user, address, identity)
    pay(payment)
    order = payment.orders.get()
    client.force_login(StaffFactory(is_superuser=True))
    for url in [
        "/staff/orders/order/",
        f"/staff/orders/order/{order.pk}/change/",
        "/staff/payments/payment/",
        f"/staff/payments/payment/{payment.pk}/change/",
        "/staff/payments/ledgertransaction/",
        "/staff/payments/refund/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
    detail = client.get(f"/staff/orders/order/{order.pk}/change/").content.decode()
    assert identity.id_number not in detail


def test_the_pay_page_can_cancel_the_whole_checkout(client, rates):
    a = ProductFactory(merchant=MerchantFactory())
    b = ProductFactory(merchant=MerchantFactory(settlement_currency="JPY"), prices=["1000"])
    user, address, identity = shopper_with_cart((variant_of(a), 1), (variant_of(b), 1))
    payment = checkout(user, address, identity)
    client.force_login(user)
    html = client.get(f"/pay/{payment.reference}/").content.decode()
    action = re.search(r'action="(/orders/\d+/cancel/)"', html).group(1)
    client.post(action, {"idempotency_key": key_in(html.split("data-cancel-checkout")[0].split(action)[1])})
    assert set(payment.orders.values_list("status", flat=True)) == {"cancelled"}
    assert variant_of(a).stock == 50 and variant_of(b).stock == 50
