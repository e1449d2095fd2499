"""The seller connects its Stripe account (Connect Express), under /seller/finance/stripe/.

`connect`: GET shows whether an account is connected and a button; POST makes the connected account
if the store has none and sends the owner to Stripe's onboarding (an account link). Stripe sends the
owner back to `return`, which reads the account from Stripe and records whether onboarding is done;
an expired link sends it back to `connect` (the link's refresh address) for a fresh one. Thin: the
services (`payments.services.connect`) check the rules."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from merchants.permissions import approved_merchant_required

from . import services
from .gateways import get_gateway
from .models import PayoutAccount


@approved_merchant_required
@require_http_methods(["GET", "POST"])
def connect(request):
    merchant = request.merchant
    if request.method == "POST":
        url = services.payout_account_connect(
            merchant=merchant,
            actor=request.user,
            refresh_url=request.build_absolute_uri(reverse("seller_stripe:connect")),
            return_url=request.build_absolute_uri(reverse("seller_stripe:return")),
        )
        return redirect(url)
    return render(
        request,
        "payments/seller_stripe.html",
        {
            "merchant": merchant,
            "account": PayoutAccount.objects.filter(merchant=merchant).first(),
            "stripe_enabled": get_gateway().supports_transfers,
        },
    )


@require_GET
@approved_merchant_required
def connect_return(request):
    account = services.payout_account_refresh(merchant=request.merchant, actor=request.user)
    if account is not None and account.stripe_details_submitted:
        messages.success(request, _("Your Stripe account is connected: payouts go to it."))
    else:
        messages.info(request, _("Stripe still needs some details from you before payouts can start."))
    return redirect("seller_stripe:connect")
