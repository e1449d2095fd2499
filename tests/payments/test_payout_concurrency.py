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


def _race(count, action):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def worker(index):
        try:
            barrier.wait(timeout=30)
            results.append(action(index))
        except Exception as exc:  # noqa: BLE001 - inspected by the caller
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


def test_one_compensation_paid_once_when_the_job_runs_three_times_at_once(rates):
    from payments.models import LedgerTransaction, Refund

    from .payout_helpers import breach_for

    order = paid_order(prices=("60.00",))
    breach = breach_for(order, Decimal("6.00"))
    results, errors = _race(3, lambda _i: services.compensation_pay(breach=breach))
    # A run that meets another's refund still processing either completes it with the same key or is
    # told a refund is in progress; none pays twice.
    assert all(getattr(e, "code", "") == "refund_in_progress" for e in errors), errors
    assert Refund.objects.filter(status="succeeded").count() == 1
    assert LedgerTransaction.objects.filter(kind="compensation").count() == 1
    breach.refresh_from_db()
    assert breach.compensation_paid_at is not None
    assert_every_transaction_balances()


def test_two_staff_refunds_after_release_at_once_refund_once(rates):
    from payments.models import LedgerTransaction, Refund

    from .payout_helpers import finance_staff

    merchant = MerchantFactory(settlement_currency="USD")
    order = release(paid_order(merchant=merchant, prices=("100.00",)))
    staff = finance_staff()
    results, errors = _race(
        2, lambda i: services.order_refund_by_staff(order=order, actor=staff, idempotency_key=f"race-{i}")
    )
    assert len(results) == 1, errors
    refusals = ("refund_in_progress", "order_not_refundable")
    assert all(getattr(e, "code", "") in refusals for e in errors), errors
    assert Refund.objects.filter(status="succeeded").count() == 1
    assert LedgerTransaction.objects.filter(kind="refund_released").count() == 1
    assert_every_transaction_balances()
