"""Shared helpers of the payout, refund-after-release and compensation tests."""

import secrets
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.db.models import Sum
from django.utils import timezone

from orders import services as order_services
from payments import services
from payments.gateways import GatewayError, GatewayRecord, GatewayResult, SandboxGateway
from payments.models import LedgerAccount, LedgerEntry, LedgerTransaction, PayoutAccount
from tests.factories import MerchantMemberFactory, StaffFactory


class FakeConnectGateway(SandboxGateway):
    """The sandbox with Connect: records every transfer and reversal call, honours idempotency keys
    like Stripe, and can fail transiently (the money moved but the answer was lost)."""

    name = "sandbox"
    supports_transfers = True
    calls: list = []
    transfers: dict = {}  # key -> GatewayResult
    reversals: dict = {}
    fail_next: list = []  # "transfer" / "reverse": the next such call raises GatewayError after moving
    books: list = []  # GatewayRecord of every transfer and reversal made

    @classmethod
    def reset(cls):
        cls.calls, cls.transfers, cls.reversals, cls.fail_next, cls.books = [], {}, {}, [], []

    def records(self, *, since, until):
        own = [r for r in self.books if since <= r.created < until]
        return super().records(since=since, until=until) + own

    def transfer(self, *, amount, currency, destination, transfer_group, source_transaction, idempotency_key):
        type(self).calls.append(
            (
                "transfer",
                {
                    "amount": amount,
                    "currency": currency,
                    "destination": destination,
                    "transfer_group": transfer_group,
                    "source_transaction": source_transaction,
                    "idempotency_key": idempotency_key,
                },
            )
        )
        result = self.transfers.get(idempotency_key)
        if result is None:
            result = GatewayResult(status="succeeded", reference="tr_" + secrets.token_hex(6))
            type(self).transfers[idempotency_key] = result
            self.books.append(
                GatewayRecord(
                    "transfer", result.reference, amount, currency.lower(), "succeeded", timezone.now()
                )
            )
        if "transfer" in self.fail_next:
            self.fail_next.remove("transfer")
            raise GatewayError("connection reset")
        return result

    def transfer_reverse(self, *, transfer_id, amount, idempotency_key):
        type(self).calls.append(
            ("reverse", {"transfer_id": transfer_id, "amount": amount, "idempotency_key": idempotency_key})
        )
        result = self.reversals.get(idempotency_key)
        if result is None:
            result = GatewayResult(status="succeeded", reference="trr_" + secrets.token_hex(6))
            type(self).reversals[idempotency_key] = result
            currency = next(r.currency for r in self.books if r.reference == transfer_id)
            self.books.append(
                GatewayRecord(
                    "transfer_reversal", result.reference, amount, currency, "succeeded", timezone.now()
                )
            )
        return result


FAKE_GATEWAY = "tests.payments.payout_helpers.FakeConnectGateway"


def finance_staff():
    staff = StaffFactory()
    staff.user_permissions.add(*Permission.objects.filter(codename__in=["view_finance", "manage_finance"]))
    return type(staff).objects.get(pk=staff.pk)


def member(merchant):
    return MerchantMemberFactory(merchant=merchant).user


def balance(account, currency, **filters) -> Decimal:
    total = LedgerEntry.objects.filter(account=account, amount_currency=currency, **filters).aggregate(
        t=Sum("amount")
    )["t"]
    return Decimal(total or 0).quantize(Decimal("0.01"))


def assert_every_transaction_balances():
    for txn in LedgerTransaction.objects.all():
        for currency in set(txn.entries.values_list("amount_currency", flat=True)):
            total = txn.entries.filter(amount_currency=currency).aggregate(t=Sum("amount"))["t"]
            # SQLite sums decimals as floats: compare at the cent
            assert Decimal(total).quantize(Decimal("0.01")) == 0, (txn.kind, currency, total)


def release(order):
    if order.status == "paid":
        order = order_services.order_ship(order=order)
    services.escrow_release(order=order, actor=order.user)
    order.refresh_from_db()
    return order


def bank_details(merchant):
    account = services.payout_account_for(merchant)
    account.bank_account_name = "Store Ltd"
    account.bank_name = "Bank of Example"
    account.bank_account_number = "DE89370400440532013000"
    account.save()
    return account


def connect(merchant, account_id="acct_1TEST"):
    account = services.payout_account_for(merchant)
    account.stripe_account_id = account_id
    account.stripe_details_submitted = True
    account.save()
    return account


def deposit_pay(merchant, amount: Decimal):
    """The merchant's security deposit as held (what the deposits' code posts when it is paid)."""
    from djmoney.money import Money

    money = Money(amount, merchant.settlement_currency)
    return services.ledger_post(
        kind=LedgerTransaction.Kind.DEPOSIT_PAID,
        entries=[
            (LedgerAccount.GATEWAY_CLEARING, None, money),
            (LedgerAccount.MERCHANT_DEPOSIT, None, -money, merchant),
        ],
        merchant=merchant,
    )


def breach_for(order, compensation: Decimal):
    from logistics.models import DeadlineBreach

    return DeadlineBreach.objects.create(
        order=order, kind=DeadlineBreach.Kind.SHIPPED_LATE, deadline=timezone.now(), compensation=compensation
    )


__all__ = [
    "PayoutAccount",
    "FakeConnectGateway",
    "FAKE_GATEWAY",
    "finance_staff",
    "member",
    "balance",
    "assert_every_transaction_balances",
    "release",
    "bank_details",
    "connect",
    "deposit_pay",
    "breach_for",
]
