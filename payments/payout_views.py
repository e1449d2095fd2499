"""Payout pages: the merchant's (/seller/finance/payouts/: its payouts, a request, its bank account)
and finance staff's (/staff/finance/payouts/: bank payouts, batches, CSV export, paid and failed;
/staff/finance/refunds/: refund an order before or after release). Thin: every action calls a
service; a refusal is shown as the service words it."""

import uuid
from decimal import Decimal
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.errors import DomainError
from marketplace.money import format_money, minor_unit
from merchants.permissions import approved_merchant_required

from . import services
from .gateways import get_gateway
from .models import Payout, PayoutAccount, PayoutBatch
from .payout_forms import (
    BankReferenceForm,
    PayoutAccountForm,
    PayoutFailForm,
    PayoutRequestForm,
    StaffRefundForm,
)
from .permissions import is_finance_staff

# ------------------------------------------------------------------------------------------- seller


def _connect_url(gateway) -> str:
    """The Stripe onboarding link (built by the Stripe part), only when the gateway can transfer."""
    if not gateway.supports_transfers:
        return ""
    try:
        return reverse("seller_stripe:connect")
    except NoReverseMatch:
        return ""


def _seller_page(request, *, request_form=None, account_form=None, status=200):
    merchant = request.merchant
    # Read only: a page (even one answering a refused form) writes nothing.
    account = PayoutAccount.objects.filter(merchant=merchant).first() or PayoutAccount(merchant=merchant)
    available = services.merchant_available_balance(merchant)
    gateway = get_gateway()
    try:
        minimum = services.payout_minimum(merchant)
    except DomainError:
        minimum = None
    request_form = request_form or PayoutRequestForm(initial={"amount": available.amount})
    step = minor_unit(str(available.currency))
    request_form.fields["amount"].widget.attrs.update(step=str(step), min=str(step))
    return render(
        request,
        "payments/seller/payouts.html",
        {
            "available": available,
            "minimum": minimum,
            "minimum_cny": Decimal(str(settings.PAYOUT_MINIMUM_CNY)),
            "payouts": services.merchant_payouts(merchant)[:100],
            "account": account,
            "stripe_ready": services.transfers_available(account, gateway),
            "connect_url": _connect_url(gateway),
            "request_form": request_form,
            "account_form": account_form or PayoutAccountForm(instance=account),
        },
        status=status,
    )


@approved_merchant_required
def seller_payouts(request):
    return _seller_page(request)


@require_POST
@approved_merchant_required
def seller_payout_request(request):
    form = PayoutRequestForm(request.POST)
    if not form.is_valid():
        return _seller_page(request, request_form=form, status=400)
    try:
        payout = services.payout_request(
            merchant=request.merchant, actor=request.user, amount=form.cleaned_data["amount"]
        )
    except DomainError as exc:
        form.add_error("amount", str(exc))
        return _seller_page(request, request_form=form, status=exc.status)
    messages.success(
        request,
        _("Payout %(reference)s of %(amount)s requested.")
        % {"reference": payout.reference, "amount": format_money(payout.amount)},
    )
    return redirect("seller_payouts:list")


@require_POST
@approved_merchant_required
def seller_payout_account(request):
    form = PayoutAccountForm(request.POST, instance=services.payout_account_for(request.merchant))
    if not form.is_valid():
        return _seller_page(request, account_form=form, status=400)
    services.payout_account_update(merchant=request.merchant, actor=request.user, **form.cleaned_data)
    messages.success(request, _("Bank account saved."))
    return redirect("seller_payouts:list")


# -------------------------------------------------------------------------------------------- staff


def finance_staff_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_finance_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _with_accounts(payouts):
    """Each payout with `.account`, its merchant's payout account (None when it has none)."""
    payouts = list(payouts)
    accounts = PayoutAccount.objects.in_bulk([p.merchant_id for p in payouts], field_name="merchant_id")
    for payout in payouts:
        payout.account = accounts.get(payout.merchant_id)
    return payouts


@finance_staff_required
def staff_payouts(request):
    return render(
        request,
        "payments/staff/payouts.html",
        {
            "waiting": _with_accounts(services.bank_payouts_waiting().filter(batch__isnull=True)),
            "batches": PayoutBatch.objects.select_related("created_by", "paid_by").order_by("-created_at")[
                :50
            ],
        },
    )


def _refused(request, exc, fallback):
    messages.error(request, str(exc))
    return redirect(fallback)


@require_POST
@finance_staff_required
def staff_batch_create(request):
    try:
        batch = services.payout_batch_create(actor=request.user)
    except DomainError as exc:
        return _refused(request, exc, "staff_payouts:list")
    messages.success(request, _("Batch %(reference)s made.") % {"reference": batch.reference})
    return redirect("staff_payouts:batch", pk=batch.pk)


@finance_staff_required
def staff_batch(request, pk):
    batch = get_object_or_404(PayoutBatch, pk=pk)
    return render(
        request,
        "payments/staff/batch.html",
        {
            "batch": batch,
            "payouts": _with_accounts(batch.payouts.select_related("merchant").order_by("pk")),
            "paid_form": BankReferenceForm(),
            "fail_form": PayoutFailForm(),
        },
    )


@finance_staff_required
def staff_batch_export(request, pk):
    batch = get_object_or_404(PayoutBatch, pk=pk)
    try:
        text = services.payout_batch_csv(batch=batch, actor=request.user)
    except DomainError as exc:
        return _refused(request, exc, reverse("staff_payouts:batch", args=[pk]))
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{batch.reference}.csv"'
    return response


@require_POST
@finance_staff_required
def staff_batch_paid(request, pk):
    batch = get_object_or_404(PayoutBatch, pk=pk)
    form = BankReferenceForm(request.POST)
    target = reverse("staff_payouts:batch", args=[pk])
    if not form.is_valid():
        messages.error(request, _("Enter the bank's reference for this payment."))
        return redirect(target)
    try:
        services.payout_batch_mark_paid(
            batch=batch, actor=request.user, bank_reference=form.cleaned_data["bank_reference"]
        )
    except DomainError as exc:
        return _refused(request, exc, target)
    messages.success(request, _("Batch marked paid."))
    return redirect(target)


@require_POST
@finance_staff_required
def staff_payout_failed(request, pk):
    payout = get_object_or_404(Payout, pk=pk)
    form = PayoutFailForm(request.POST)
    target = (
        reverse("staff_payouts:batch", args=[payout.batch_id]) if payout.batch_id else "staff_payouts:list"
    )
    if not form.is_valid():
        messages.error(request, _("Say why the payout failed."))
        return redirect(target)
    try:
        services.payout_mark_failed(payout=payout, actor=request.user, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        return _refused(request, exc, target)
    messages.success(
        request,
        _("Payout %(reference)s failed: the money is back on the store's balance.")
        % {"reference": payout.reference},
    )
    return redirect(target)


@finance_staff_required
def staff_refund(request):
    """Refund an order in full: out of escrow before release, from the store after release."""
    from orders.models import Order

    form = StaffRefundForm(request.POST or None, initial={"idempotency_key": uuid.uuid4().hex})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            order = Order.objects.filter(number=form.cleaned_data["order_number"].strip()).first()
            if order is None:
                form.add_error("order_number", _("No order has this number."))
                status = 404
            else:
                try:
                    refund = services.order_refund_by_staff(
                        order=order, actor=request.user, idempotency_key=form.cleaned_data["idempotency_key"]
                    )
                except DomainError as exc:
                    form.add_error(None, str(exc))
                    status = exc.status
                else:
                    messages.success(
                        request,
                        _("Order %(number)s: %(amount)s refunded to the buyer's card.")
                        % {"number": order.number, "amount": format_money(refund.amount)},
                    )
                    return redirect("staff_refunds:refund")
        # Shown again with its errors and a fresh key: the next submit is a new attempt.
        data = request.POST.copy()
        data["idempotency_key"] = uuid.uuid4().hex
        form.data = data
    return render(request, "payments/staff/refund.html", {"form": form}, status=status)
