"""The merchant's finance section of the seller dashboard, under /seller/finance/: the overview
(balance, escrow, deposit, releases per day), the statement with its exports, and paying the
deposit. Thin: reads through `merchant_selectors`, the one write through `services`."""

from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from marketplace.errors import DomainError
from merchants.permissions import approved_merchant_required

from . import merchant_selectors, services
from .filters import StatementFilter
from .statement_export import statement_response

STATEMENT_PAGE_SIZE = 50


def _payouts_url() -> str | None:
    try:  # the payouts pages arrive separately
        return reverse("seller_payouts:list")
    except NoReverseMatch:
        return None


@approved_merchant_required
def overview(request):
    merchant = request.merchant
    days = merchant_selectors.releases_per_day(merchant)
    chart = {
        "labels": [day.strftime("%m-%d") for day, _amount in days],
        "values": [str(amount) for _day, amount in days],
        "currency": merchant.settlement_currency,
    }
    return render(
        request,
        "payments/seller/finance.html",
        {
            "finance": merchant_selectors.finance_overview(merchant),
            "chart": chart,
            "released_30_days": sum((amount for _day, amount in days), Decimal("0.00")),
            "payouts_url": _payouts_url(),
        },
    )


def _filtered_statement(request):
    merchant = request.merchant
    filters = StatementFilter(request.GET or None, queryset=merchant_selectors.statement(merchant))
    return filters, filters.qs


@approved_merchant_required
def statement(request):
    merchant = request.merchant
    filters, rows = _filtered_statement(request)
    page = Paginator(rows, STATEMENT_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "payments/seller/statement.html",
        {
            "filters": filters,
            "page": page,
            "rows": [merchant_selectors.statement_row(txn, merchant.settlement_currency) for txn in page],
            "query_string": query.urlencode(),
        },
        status=200 if filters.is_bound is False or filters.is_valid() else 400,
    )


@approved_merchant_required
def statement_export(request, fmt):
    merchant = request.merchant
    filters, rows = _filtered_statement(request)
    if filters.is_bound and not filters.is_valid():
        messages.error(request, " ".join(str(e) for errors in filters.errors.values() for e in errors))
        return redirect("seller_finance:statement")
    currency = merchant.settlement_currency
    return statement_response(
        (merchant_selectors.statement_row(txn, currency) for txn in rows.iterator(chunk_size=500)),
        fmt,
        slug=merchant.slug,
    )


@require_POST
@approved_merchant_required
def deposit_pay(request):
    """Start (or resume) the deposit's payment and go to the card page."""
    try:
        payment = services.deposit_payment_start(merchant=request.merchant, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("seller_finance:overview")
    return redirect("payments:pay", reference=payment.reference)
