"""Shopper pages: cart, checkout, address book, buyer identities, my orders. Thin: they validate input,
call `services` and render what `selectors` read."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.confirm import confirmation_page, is_confirmed
from marketplace.errors import DomainError
from marketplace.money import format_cny
from payments.models import Payment

from . import rules, selectors, services
from .cases import selectors as case_selectors
from .context_processors import CART_SESSION_KEY
from .forms import AddressForm, AddToCartForm, IdentityForm
from .models import Cart, Order
from .reviews import selectors as review_selectors

ORDERS_PER_PAGE = 20
HELD_STATUSES = (Order.Status.PAID, Order.Status.SHIPPED, Order.Status.DELIVERED)


def _next_or(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _current_cart(request, *, create=False) -> Cart | None:
    if request.user.is_authenticated:
        if create:
            return services.cart_get_or_create(user=request.user)
        return Cart.objects.filter(user=request.user).first()
    cart_id = request.session.get(CART_SESSION_KEY)
    if not create:
        return Cart.objects.filter(pk=cart_id, user__isnull=True).first() if cart_id else None
    cart = services.cart_get_or_create(cart_id=cart_id)
    request.session[CART_SESSION_KEY] = cart.pk
    return cart


def cart(request):
    priced = selectors.cart_priced(user=request.user, cart_id=request.session.get(CART_SESSION_KEY))
    return render(
        request,
        "orders/cart.html",
        # The header's count from the lines at hand, not another query.
        {
            "priced": priced,
            "limit": rules.ORDER_GOODS_LIMIT,
            "cart_count": sum(line.quantity for line in priced.lines),
        },
    )


@require_POST
def cart_add(request):
    form = AddToCartForm(request.POST)
    back = _next_or(request, "/cart/")
    if not form.is_valid():
        messages.error(request, _("Please choose an option and a quantity between 1 and 99."))
        return redirect(back)
    try:
        services.cart_add(
            cart=_current_cart(request, create=True),
            variant_id=form.cleaned_data["variant"],
            quantity=form.cleaned_data["quantity"],
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    messages.success(request, _("Added to your cart."))
    return redirect(back)


@require_POST
def cart_update(request):
    cart = _current_cart(request)
    if cart is None:
        return redirect("orders:cart")
    try:
        if "remove" in request.POST:
            services.cart_remove(cart=cart, variant_id=request.POST.get("remove"))
        else:
            services.cart_set_quantity(
                cart=cart, variant_id=request.POST.get("variant"), quantity=request.POST.get("quantity")
            )
    except DomainError as exc:
        messages.error(request, str(exc))
    return redirect("orders:cart")


@login_required
def checkout(request):
    key = (request.POST.get("idempotency_key") or "")[:64]
    if request.method == "POST" and key:
        # The same form submitted again after it went through: back to its payment, not a new checkout.
        placed = Payment.objects.filter(user=request.user, checkout_key=key).first()
        if placed:
            return redirect("payments:pay", reference=placed.reference)
    cart = _current_cart(request)
    addresses = list(selectors.addresses_for(request.user))
    chosen_address = _int(request.POST.get("address") or request.GET.get("address"))
    if chosen_address not in {a.pk for a in addresses}:
        chosen_address = addresses[0].pk if addresses else None
    # Shipping to the chosen address (the most recent one until the shopper picks another).
    province = next((a.province for a in addresses if a.pk == chosen_address), None)
    priced = selectors.cart_priced(cart, province=province)
    if not priced.lines:
        messages.info(request, _("Your cart is empty."))
        return redirect("orders:cart")
    identities = selectors.identities_with_quota(request.user)
    error, status = None, 200
    if request.method == "POST":
        try:
            payment = services.checkout_place(
                user=request.user,
                address_id=_int(request.POST.get("address")),
                identity_id=_int(request.POST.get("identity")),
                idempotency_key=key or uuid.uuid4().hex,
            )
        except DomainError as exc:
            error, status = str(exc), exc.status if exc.status != 404 else 400
        else:
            return redirect("payments:pay", reference=payment.reference)
    chosen_identity = _int(request.POST.get("identity")) or (identities[0].pk if identities else None)
    return render(
        request,
        "orders/checkout.html",
        {
            "priced": priced,
            "addresses": addresses,
            "identities": identities,
            "chosen_address": chosen_address,
            "chosen_identity": chosen_identity,
            "error": error,
            "idempotency_key": uuid.uuid4().hex,
            "order_limit": rules.ORDER_GOODS_LIMIT,
            "annual_limit": rules.ANNUAL_LIMIT,
            "timeout_minutes": rules.payment_timeout_minutes(),
        },
        status=status,
    )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def addresses(request):
    form = AddressForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.address_create(user=request.user, **form.cleaned_data)
        messages.success(request, _("Address saved."))
        return redirect(_next_or(request, request.path))
    return render(
        request,
        "orders/addresses.html",
        {"form": form, "addresses": selectors.addresses_for(request.user), "next": _next_or(request, "")},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def address_delete(request, pk):
    services.address_delete(user=request.user, address_id=pk)
    messages.success(request, _("Address deleted."))
    return redirect("orders:addresses")


@login_required
def identities(request):
    form = IdentityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.identity_create(user=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error("id_number", str(exc))
        else:
            messages.success(request, _("Buyer identity saved."))
            return redirect(_next_or(request, request.path))
    return render(
        request,
        "orders/identities.html",
        {
            "form": form,
            "identities": selectors.identities_with_quota(request.user),
            "annual_limit": rules.ANNUAL_LIMIT,
            "next": _next_or(request, ""),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def identity_delete(request, pk):
    services.identity_delete(user=request.user, identity_id=pk)
    messages.success(request, _("Buyer identity deleted."))
    return redirect("orders:identities")


@login_required
def order_list(request):
    page = Paginator(selectors.orders_for_user(request.user), ORDERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "orders/order_list.html", {"orders": page.object_list, "page": page})


@login_required
def order_detail(request, number):
    order = selectors.order_for_user(request.user, number)
    if order is None:
        raise Http404(_("No such order."))
    from logistics.models import CustomsDeclaration, Shipment
    from logistics.tracking.selectors import shipment_for_order

    shipment = shipment_for_order(order)  # with its carrier and events: a fixed number of queries
    hold_reason = ""
    if shipment is not None and shipment.status == Shipment.Status.CUSTOMS_HELD:
        declaration = CustomsDeclaration.objects.filter(order=order).first()
        if declaration is not None and declaration.status == CustomsDeclaration.Status.HELD:
            hold_reason = declaration.hold_reason
    auto_release_at = order.auto_release_at
    auto_release_days = None
    if auto_release_at is not None:
        # Whole days left, rounded up: "in 1 day" until the moment itself.
        left = auto_release_at - timezone.now()
        auto_release_days = max(0, -(-int(left.total_seconds()) // 86400))
    return render(
        request,
        "orders/order_detail.html",
        {
            "order": order,
            "auto_release_at": auto_release_at,
            "auto_release_days": auto_release_days,
            # An open hold matters while the money is still held (paid, shipped, delivered).
            "payment_on_hold": order.release_on_hold and order.status in HELD_STATUSES,
            "idempotency_key": uuid.uuid4().hex,
            "Status": Order.Status,
            "shipment": shipment,
            "hold_reason": hold_reason,
            # After-sales: this order's requests and whether a new one may be asked for.
            "order_cases": list(order.cases.order_by("-created_at", "-id")),
            "case_allowed": case_selectors.order_case_allowed(order),
            # Review each line and rate the store (orders/reviews): completed orders only, two queries.
            "review_state": review_selectors.order_review_state(order)
            if order.status == Order.Status.COMPLETED
            else None,
        },
    )


@login_required
@require_POST
def order_confirm_receipt(request, number):
    """The shopper says the parcel arrived: the held payment goes to the store (asked twice first)."""
    from payments.services import order_confirm_receipt as confirm_receipt

    order = selectors.order_for_user(request.user, number)
    if order is None:
        raise Http404(_("No such order."))
    if order.can_confirm_receipt and not is_confirmed(request):
        return confirmation_page(
            request,
            title=_("Confirm receipt of order %(number)s?") % {"number": order.number},
            message=_(
                "Confirm only if the parcel has arrived and is as described. The payment of %(amount)s "
                "goes to %(store)s, and this button cannot take it back."
            )
            % {"amount": format_cny(order.escrow_amount.amount), "store": order.merchant.name},
            button=_("Yes, I received it"),
            back_url=order.get_absolute_url(),
        )
    try:
        confirm_receipt(user=request.user, number=number)
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(str(exc)) from exc
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _(
                "Thank you for confirming receipt. The order is completed and the payment has been "
                "released to the store."
            ),
        )
    return redirect("orders:detail", number=number)


@login_required
@require_POST
def order_cancel(request, number):
    order = selectors.order_for_user(request.user, number)
    if order is None:
        raise Http404(_("No such order."))
    if order.status == Order.Status.PAID and not is_confirmed(request):
        # Money goes back: nothing is cancelled without an explicit yes (marketplace/confirm.py).
        return confirmation_page(
            request,
            title=_("Cancel order %(number)s?") % {"number": order.number},
            message=_(
                "The order will be cancelled and %(amount)s refunded to your card. This cannot be undone."
            )
            % {"amount": format_cny(order.total.amount)},
            button=_("Yes, cancel and refund"),
            back_url=order.get_absolute_url(),
        )
    try:
        refund = services.order_cancel(
            user=request.user,
            number=number,
            idempotency_key=(request.POST.get("idempotency_key") or uuid.uuid4().hex)[:64],
        )
    except DomainError as exc:
        if exc.status == 404:
            raise Http404(str(exc)) from exc
        messages.error(request, str(exc))
    else:
        if refund is None:
            messages.success(request, _("The order was cancelled."))
        else:
            messages.success(
                request,
                _("The order was cancelled and %(amount)s refunded to your card.")
                % {"amount": format_cny(refund.amount)},
            )
    return redirect("orders:detail", number=number)
