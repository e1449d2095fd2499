"""The shopper's after-sales pages: asking from an order, the list of my cases, one case with what I
can do in its state. Thin: forms check the shape, `services` decide, `selectors` read."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.errors import DomainError

from .. import selectors as order_selectors
from ..models import AfterSalesCase
from . import selectors, services
from .forms import CaseOpenForm, EscalateForm, EvidenceForm, ReturnShipForm
from .pages import actions_for, deadline_lines, evidence_from_form, refused

BUYER = AfterSalesCase.Party.BUYER


def _max_refund(order):
    """The most the order's remaining units may refund, or None when it cannot be computed."""
    lines = [
        {"line_id": line.pk, "quantity": line.quantity - line.refunded_quantity}
        for line in order.lines.all()
        if line.quantity > line.refunded_quantity
    ]
    if not lines:
        return None
    try:
        return services.case_max_refund(order=order, lines=lines)
    except (DomainError, NotImplementedError):
        return None


@login_required
def case_open(request, number):
    order = order_selectors.order_for_user(request.user, number)
    if order is None:
        raise Http404(_("No such order."))
    existing = selectors.open_case_for_order(order)
    if existing is not None:
        messages.info(request, _("This order already has an after-sales request open."))
        return redirect("orders:case_detail", number=existing.number)
    max_refund = _max_refund(order)
    form = CaseOpenForm(
        request.POST or None,
        request.FILES or None,
        order=order,
        allow_changed_mind=order.merchant.accepts_changed_mind,
        max_refund=max_refund,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.case_open(
                user=request.user,
                order_number=order.number,
                kind=data["kind"],
                reason=data["reason"],
                description=data["description"],
                lines=data["lines"],
                amount=data.get("amount"),
                photos=data.get("photos") or (),
            )
        except DomainError as exc:
            if getattr(exc, "status", 400) == 404:
                raise Http404(str(exc)) from exc
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your request is with the store. We will tell you when it answers."))
            return redirect("orders:case_detail", number=case.number)
    return render(
        request,
        "orders/cases/open.html",
        {
            "order": order,
            "form": form,
            "max_refund": max_refund,
            "response_hours": settings.AFTERSALES_MERCHANT_RESPONSE_HOURS,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def case_list(request):
    page = Paginator(selectors.cases_for_buyer(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "orders/cases/list.html", {"page": page, "cases": page.object_list})


@login_required
def case_detail(request, number):
    case = selectors.case_for_buyer(request.user, number)
    if case is None:
        raise Http404(_("No such after-sales request."))
    actions = actions_for(case, BUYER)
    return render(
        request,
        "orders/cases/detail.html",
        {
            "case": case,
            "party": BUYER,
            "actions": actions,
            "answers": actions - {"evidence"},  # the actions section's buttons and forms
            "deadlines": deadline_lines(case, BUYER),
            "info_request": selectors.open_info_request(case, BUYER),
            "return_shipment": selectors.return_shipment(case),
            "return_address": services.case_return_address(case.merchant)
            if "return-ship" in actions
            else None,
            "return_form": ReturnShipForm(providers=selectors.return_providers())
            if "return-ship" in actions
            else None,
            "evidence_form": EvidenceForm() if "evidence" in actions else None,
            "escalate_form": EscalateForm() if "escalate" in actions else None,
            "Status": AfterSalesCase.Status,
        },
    )


@login_required
@require_POST
def case_action(request, number, action):
    case = selectors.case_for_buyer(request.user, number)
    if case is None:
        raise Http404(_("No such after-sales request."))
    back = reverse("orders:case_detail", args=[case.number])
    try:
        if action == "offer-accept":
            services.case_offer_accept(case=case, actor=request.user)
            messages.success(request, _("You accepted the store's offer: the refund is on its way."))
        elif action == "withdraw":
            services.case_withdraw(case=case, actor=request.user)
            messages.success(request, _("You withdrew the request."))
        elif action == "escalate":
            form = EscalateForm(request.POST)
            note = form.cleaned_data["note"] if form.is_valid() else ""
            services.case_escalate(case=case, actor=request.user, note=note)
            messages.success(request, _("The platform's arbitrators will look at the case."))
        elif action == "return-ship":
            form = ReturnShipForm(request.POST, providers=selectors.return_providers())
            if not form.is_valid():
                messages.error(
                    request, _("Choose a carrier and give the parcel's weight in grams (1 to 30000).")
                )
                return redirect(back)
            shipment = services.case_return_ship(
                case=case,
                actor=request.user,
                provider_code=form.cleaned_data["provider_code"],
                weight_grams=form.cleaned_data["weight_grams"],
            )
            messages.success(
                request,
                _("Return parcel booked: write the waybill number %(waybill)s on the parcel.")
                % {"waybill": shipment.waybill_number},
            )
        elif action == "evidence":
            evidence_from_form(request, case, request.user)
        else:
            raise Http404(_("No such action."))
    except DomainError as exc:
        return refused(request, exc, back)
    return redirect(back)
