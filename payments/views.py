"""The sandbox card page: pay a checkout's orders. Thin: the form checks the card, the service pays."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from marketplace.errors import DomainError

from . import services
from .forms import CardForm
from .gateways import SANDBOX_CARDS
from .models import Payment, PaymentAttempt


def _may_pay(user, payment) -> bool:
    """A checkout's payment is its shopper's; a deposit payment is for any of its store's staff."""
    if payment.user_id == user.pk:
        return True
    return (
        payment.purpose == Payment.Purpose.DEPOSIT
        and user.merchant is not None
        and (user.merchant.pk == payment.merchant_id)
    )


@login_required
def pay(request, reference):
    payment = Payment.objects.filter(reference=reference).select_related("merchant").first()
    if payment is None or not _may_pay(request.user, payment):
        raise Http404(_("No such payment."))
    deposit = payment.purpose == Payment.Purpose.DEPOSIT
    done = "seller_finance:overview" if deposit else "orders:list"
    if payment.status == Payment.Status.SUCCEEDED:
        messages.info(request, _("This deposit is paid.") if deposit else _("These orders are paid."))
        return redirect(done)
    form = CardForm(request.POST or None, initial={"idempotency_key": uuid.uuid4().hex})
    error, status = None, 200
    if request.method == "POST" and form.is_valid():
        try:
            attempt = services.payment_confirm(
                payment=payment,
                user=request.user,
                card=form.cleaned_data["card"],
                idempotency_key=form.cleaned_data["idempotency_key"],
            )
        except DomainError as exc:
            if exc.code == "payment_already_made":
                messages.info(request, str(exc))
                return redirect(done)
            error, status = str(exc), exc.status
        else:
            if attempt.status == PaymentAttempt.Status.SUCCEEDED:
                if deposit:
                    messages.success(request, _("Deposit received. Thank you."))
                    return redirect(done)
                messages.success(
                    request, _("Payment received. Your money is held safely until you confirm receipt.")
                )
                return redirect("orders:list")
            if attempt.status == PaymentAttempt.Status.PROCESSING:
                error = _("This payment is still being processed. Please wait a moment and reload.")
            else:
                error = _(
                    "The payment did not go through: %(reason)s "
                    "You have not been charged; try again or use another card."
                ) % {"reason": _(attempt.error_message) if attempt.error_message else ""}
            status = 402
        # A new key for the next try: a retry after a decline is a new attempt.
        form = CardForm(
            initial={"idempotency_key": uuid.uuid4().hex, "holder": request.POST.get("holder", "")}
        )
    elif request.method == "POST":
        status = 400
    payment.refresh_from_db()
    return render(
        request,
        "payments/pay.html",
        {
            "payment": payment,
            "deposit": deposit,
            "orders": payment.orders.select_related("merchant").order_by("pk"),
            "form": form,
            "error": error,
            "cancel_key": uuid.uuid4().hex,
            "test_cards": [(number, outcome) for number, (outcome, _code, _msg) in SANDBOX_CARDS.items()],
        },
        status=status,
    )
