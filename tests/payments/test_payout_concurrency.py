"""Five payout requests of one merchant at once on PostgreSQL, each in its own thread and connection:
together they never take more than the available balance."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from payments import services
from payments.errors import PayoutExceedsBalance
from payments.models import LedgerAccount, Payout
from tests.factories import MerchantFactory, paid_order

from .payout_helpers import assert_every_transaction_balances, balance, bank_details, member, release

REQUESTS = 5

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite serialises all writers, so there is no race to test",
    ),
]


def test_five_concurrent_requests_never_exceed_the_balance(rates):
    merchant = MerchantFactory(settlement_currency="USD")
    release(paid_order(merchant=merchant, prices=("100.00",)))
    bank_details(merchant)
    users = [member(merchant) for _ in range(REQUESTS)]
    available = services.merchant_available_balance(merchant).amount
    each = (available * Decimal("0.3")).quantize(Decimal("0.01"))  # three fit, two must be refused
    barrier = threading.Barrier(REQUESTS)
    made, refused, errors = [], [], []

    def request(user):
        try:
            barrier.wait(timeout=30)
            made.append(services.payout_request(merchant=merchant, actor=user, amount=each).pk)
        except PayoutExceedsBalance:
            refused.append(user.pk)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert len(made) == 3 and len(refused) == 2
    assert Payout.objects.count() == 3
    left = services.merchant_available_balance(merchant).amount
    assert left == available - 3 * each and left >= 0
    assert balance(LedgerAccount.PAYOUT_IN_TRANSIT, "USD", merchant=merchant) == -3 * each
    assert_every_transaction_balances()
