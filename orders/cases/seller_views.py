"""The store's after-sales pages in the seller dashboard: its cases (open first, the answer due
soonest on top, with the time left), one case with the store's actions, and the store's after-sales
settings (return address, changed-mind returns, service hours). Only the store's own cases are read
(`selectors.case_for_merchant`)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.errors import DomainError
from merchants.permissions import approved_merchant_required, merchant_member_required

from ..models import AfterSalesCase
from . import selectors, services
from .forms import EscalateForm, EvidenceForm, OfferForm, RefuseForm, ReturnSettingsForm
from .pages import actions_for, deadline_lines, evidence_from_form, refused

MERCHANT = AfterSalesCase.Party.MERCHANT
STATES = ("open", "closed", "all")


@approved_merchant_required
def case_list(request):
    state = request.GET.get("state", "open")
    if state not in STATES:
        state = "open"
    page = Paginator(selectors.cases_for_merchant(request.merchant, state=state), 50).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    for case in page.object_list:
        case.time_left = (
            case.respond_by - now
            if case.respond_by and case.status == AfterSalesCase.Status.REQUESTED
            else None
        )
        case.overdue = case.time_left is not None and case.time_left.total_seconds() < 0
        if case.time_left is not None:
            seconds = abs(int(case.time_left.total_seconds()))
            case.hours_left, case.minutes_left = seconds // 3600, seconds % 3600 // 60
    return render(
        request,
        "orders/cases/seller_list.html",
        {"page": page, "cases": page.object_list, "state": state, "query_string": f"state={state}"},
    )


@approved_merchant_required
def case_detail(request, number):
    case = selectors.case_for_merchant(request.merchant, number)
    if case is None:
        raise Http404(_("No such after-sales request."))
    actions = actions_for(case, MERCHANT)
    return render(
        request,
        "orders/cases/seller_detail.html",
        {
            "case": case,
            "party": MERCHANT,
            "actions": actions,
            "answers": actions - {"evidence"},  # the actions section's buttons and forms
            "deadlines": deadline_lines(case, MERCHANT),
            "info_request": selectors.open_info_request(case, MERCHANT),
            "return_shipment": selectors.return_shipment(case),
            "offer_form": OfferForm() if "offer" in actions else None,
            "refuse_form": RefuseForm() if "refuse" in actions else None,
            "evidence_form": EvidenceForm() if "evidence" in actions else None,
            "escalate_form": EscalateForm() if "escalate" in actions else None,
            "Status": AfterSalesCase.Status,
        },
    )


@approved_merchant_required
@require_POST
def case_action(request, number, action):
    case = selectors.case_for_merchant(request.merchant, number)
    if case is None:
        raise Http404(_("No such after-sales request."))
    back = reverse("seller:case_detail", args=[case.number])
    actor = request.user
    try:
        if action == "accept":
            services.case_accept(case=case, actor=actor)
            messages.success(request, _("You accepted the request."))
        elif action == "offer":
            form = OfferForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Give the amount you offer, in CNY (for example 35.00)."))
                return redirect(back)
            services.case_offer(
                case=case, actor=actor, amount=form.cleaned_data["amount"], note=form.cleaned_data["note"]
            )
            messages.success(request, _("Your offer is with the buyer."))
        elif action == "refuse":
            form = RefuseForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Write why the store refuses: the buyer and the platform read it."))
                return redirect(back)
            services.case_refuse(case=case, actor=actor, reason=form.cleaned_data["reason"])
            messages.success(
                request, _("You refused the request. The buyer may escalate it to the platform.")
            )
        elif action == "return-received":
            services.case_return_received(case=case, actor=actor)
            messages.success(request, _("You confirmed the returned goods: the buyer is refunded."))
        elif action == "escalate":
            form = EscalateForm(request.POST)
            services.case_escalate(
                case=case, actor=actor, note=form.cleaned_data["note"] if form.is_valid() else ""
            )
            messages.success(request, _("The platform's arbitrators will look at the case."))
        elif action == "evidence":
            evidence_from_form(request, case, actor)
        else:
            raise Http404(_("No such action."))
    except DomainError as exc:
        return refused(request, exc, back)
    return redirect(back)


@merchant_member_required
def store_settings(request):
    """The store's after-sales settings."""
    from merchants.services import RETURN_SETTINGS_FIELDS, merchant_return_settings_update

    merchant = request.merchant
    initial = {name: getattr(merchant, name) for name in RETURN_SETTINGS_FIELDS}
    form = ReturnSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            merchant_return_settings_update(merchant=merchant, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Your store's after-sales settings are saved."))
            return redirect("seller:store_settings")
    return render(
        request,
        "orders/cases/seller_settings.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )
