import pytest
from django.core.management import call_command
from django.utils import timezone

from logistics.models import Shipment
from orders.models import Order
from payments import selectors
from payments.services import order_held

pytestmark = pytest.mark.django_db


def test_demo_shopper_has_an_address_an_identity_and_orders_and_reset_still_works():
    call_command("seed_demo", products=40, no_images=True, verbosity=0)
    orders = Order.objects.filter(user__username="shopper")
    # The demo parcels (logistics/demo.py) are shipped orders of the shopper's; the after-sales demo
    # (orders/cases/demo.py) opens its cases on delivered ones.
    assert set(orders.values_list("status", flat=True)) == {"paid", "pending_payment", "shipped", "delivered"}
    held = orders.filter(status__in=["paid", "shipped", "delivered"])
    assert selectors.escrow_held() == sum(order_held(o)[0] for o in held)
    # The demo merchant's store has paid orders waiting to be shipped, one past its deadline.
    waiting = orders.filter(merchant__members__user__username="merchant", status="paid")
    assert waiting.count() >= 5
    assert any(o.ship_by < timezone.now() for o in waiting)
    assert Shipment.objects.filter(order__user__username="shopper").count() >= 5
    count = orders.count()
    call_command("seed_demo", products=40, no_images=True, reset=True, verbosity=0)
    assert Order.objects.filter(user__username="shopper").count() == count
