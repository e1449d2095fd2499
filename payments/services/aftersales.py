"""The refund of an after-sales case (docs/rules.md, "After-sales cases"), on the pattern of
`refunds.py`: a `Refund` (reason `after_sales`, `case`) whose idempotency key `case:<case id>:<n>` is
stored before the gateway is called; the gateway is called with no lock held; the outcome is recorded
once, under the order's lock and then the case's.

Where the money comes from (one `aftersales_refund` transaction, balanced per currency):
- the tax part (only when the goods count as never imported: not received, or a customs return
  within AFTERSALES_CUSTOMS_RETURN_DAYS of clearance; `case_customs_return`): from the order's tax
  owed to customs, at most the tax of the case's units;
- the rest, before release: the order's escrow, then (if the escrow holds less, e.g. the tax part
  the merchant makes good) the merchant's balance, then its deposit;
- after release: the platform gives back the commission it took on the case's units, the merchant
  the rest from its balance, then its deposit (converted at the order's locked rate, rounded once).
The refund never exceeds the amount agreed, nor what was paid for the order less what was already
given back.
"""

from decimal import Decimal

from django.db import transaction
from djmoney.money import Money

from marketplace.money import round_cny

from ..errors import RefundFailed
from ..models import LedgerAccount, LedgerTransaction, Refund
from .core import ledger_post, order_check_no_refund_processing, order_held, order_refunded_total
from .refunds import (
    _deposit_followups,
    _gateway_refund,
    _money_back_entries,
    _order_account,
    _refund_failed,
    order_is_released,
)
from .release import category_commission_rate

__all__ = ["case_refund_pay", "case_refund_key_prefix"]


def case_refund_key_prefix(case) -> str:
    return f"case:{case.pk}:"


def _case_commission(parsed) -> Decimal:
    """The commission taken at release on these units (CNY, rounded once to the fen)."""
    exact = sum(
        (
            line.goods_cny.amount
            * quantity
            / line.quantity
            * category_commission_rate(line.variant.product.category)
            for line, quantity in parsed
        ),
        Decimal("0"),
    )
    return round_cny(exact)


def _parsed(case):
    return [
        (cl.order_line, cl.quantity)
        for cl in case.lines.select_related("order_line__variant__product__category__parent")
    ]


def case_refund_pay(*, case, actor=None) -> Refund | None:
    """Pay the agreed refund of a case in `refunding`. Idempotent: a case is refunded once (a
    succeeded refund returns itself); an attempt left processing (a run that stopped after calling the
    gateway) is completed with its own key; after a refusal a new attempt gets the next key.
    Returns the refund (None: the case is not waiting for one)."""
    from orders.cases import services as case_services
    from orders.models import AfterSalesCase, Order

    prefix = case_refund_key_prefix(case)
    with transaction.atomic():
        order = Order.objects.select_for_update(of=("self",)).select_related("payment").get(pk=case.order_id)
        case = AfterSalesCase.objects.select_for_update().get(pk=case.pk)
        attempts = Refund.objects.filter(case=case, reason=Refund.Reason.AFTER_SALES)
        done = attempts.filter(status=Refund.Status.SUCCEEDED).first()
        if done is not None or case.status != AfterSalesCase.Status.REFUNDING:
            return done
        refund = attempts.filter(status=Refund.Status.PROCESSING).first()
        if refund is None:
            order_check_no_refund_processing(order=order)
            agreed = case.amount_agreed.amount if case.amount_agreed is not None else Decimal("0")
            amount = min(agreed, order.total.amount - order_refunded_total(order))
            if amount <= 0:
                # Everything paid was given back meanwhile (the order refunded in full another way):
                # the case closes with nothing more to pay.
                case_services.case_close_nothing_left(case=case, order=order, actor=actor)
                return None
            refund = Refund.objects.create(
                payment=order.payment,
                order=order,
                case=case,
                amount=Money(amount, "CNY"),
                idempotency_key=f"{prefix}{attempts.count() + 1}",
                reason=Refund.Reason.AFTER_SALES,
            )

    result = _gateway_refund(refund)

    with transaction.atomic():
        order = Order.objects.select_for_update(of=("self",)).select_related("merchant").get(pk=order.pk)
        case = AfterSalesCase.objects.select_for_update().get(pk=case.pk)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status != Refund.Status.PROCESSING:
            return refund  # a concurrent run recorded it
        if not result.succeeded:
            _refund_failed(refund, order, result, actor)
            case_services.case_refund_failed(
                case=case, note=result.error_message or result.error_code, actor=actor
            )
        else:
            refund.status = Refund.Status.SUCCEEDED
            refund.gateway_reference = result.reference
            refund.save(update_fields=["status", "gateway_reference"])
            amount = refund.amount.amount
            parsed = _parsed(case)
            customs_return = case_services.case_customs_return(case, order)
            tax_part = Decimal("0")
            if customs_return:
                _escrow, tax_owed = order_held(order)
                tax_share = case_services.case_lines_amounts(order, parsed)["tax"]
                tax_part = max(Decimal("0"), min(tax_share, amount, tax_owed))
            commission = Decimal("0")
            if order_is_released(order):
                taken = max(-_order_account(LedgerAccount.PLATFORM_REVENUE, order), Decimal("0"))
                commission = min(_case_commission(parsed), taken, amount - tax_part)
            entries, drawn = _money_back_entries(order, amount - tax_part, commission=commission)
            ledger_post(
                kind=LedgerTransaction.Kind.AFTER_SALES_REFUND,
                entries=[
                    (LedgerAccount.GATEWAY_CLEARING, None, -amount),
                    (LedgerAccount.TAX_PAYABLE, order, tax_part),
                    *entries,
                ],
                payment=refund.payment,
                refund=refund,
                order=order,
                merchant=order.merchant,
                description=f"after-sales refund {case.number} order {order.number}",
            )
            case_services.case_refund_recorded(
                case=case,
                order=order,
                refund=refund,
                tax_part=tax_part,
                quota_restored=customs_return,
                actor=actor,
            )
            if drawn > 0:
                _deposit_followups(order.merchant_id)
    if not result.succeeded:
        raise RefundFailed(result.error_message or result.error_code)
    return refund
