"""The data migration of issue 10: look-alike ID numbers saved before canonical identifiers existed
collapse onto the real number, so what was spent with them counts against its annual quota."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from orders import selectors
from tests.factories import MerchantFactory, UserFactory

REAL = "11010519491231002X"
BYPASS = REAL[:5] + "\u0665" + REAL[6:]  # the reported look-alike: one Arabic-Indic digit

BEFORE = [("orders", "0004_amount_bounds")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_lookalikes_are_repaired_and_merged():
    user, other = UserFactory(), UserFactory()
    merchant = MerchantFactory()
    # Every app's latest migration: rolling orders back also unapplies other apps' migrations that
    # depend on it (payments), and the database must be whole again for the tests that follow.
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    old = _migrate(BEFORE)
    try:
        Identity = old.get_model("orders", "BuyerIdentity")
        Order = old.get_model("orders", "Order")
        Address = old.get_model("orders", "Address")
        Identity.objects.create(user_id=user.pk, real_name="王琳", id_number=REAL)
        Identity.objects.create(user_id=user.pk, real_name="王琳", id_number=BYPASS)  # the bypass
        Identity.objects.create(user_id=other.pk, real_name="王琳", id_number=REAL.lower())
        Address.objects.create(
            user_id=user.pk,
            recipient="x",
            phone="138 0013\u00a08000",
            province="x",
            city="x",
            district="x",
            street="x",
        )
        Order.objects.create(
            number="M000000001",
            user_id=user.pk,
            merchant_id=merchant.pk,
            shipping_mode="direct_mail",
            recipient="x",
            phone="13800138000",
            address="x",
            buyer_name="王琳",
            buyer_id_number=BYPASS,
            currency="USD",
            exchange_rate=Decimal("7"),
            goods_total=Decimal("25000"),
            goods_total_currency="CNY",
            shipping_fee=Decimal("0"),
            shipping_fee_currency="CNY",
            tax_total=Decimal("0"),
            tax_total_currency="CNY",
            total=Decimal("25000"),
            total_currency="CNY",
            status="paid",
            paid_at=timezone.now(),
        )
    finally:
        new = _migrate(latest)

    Identity = new.get_model("orders", "BuyerIdentity")
    assert sorted(Identity.objects.values_list("user_id", "id_number")) == sorted(
        [(user.pk, REAL), (other.pk, REAL)]
    )
    assert new.get_model("orders", "Order").objects.get().buyer_id_number == REAL
    assert new.get_model("orders", "Address").objects.get().phone == "13800138000"
    assert selectors.quota_remaining(REAL) == Decimal("1000.00")
