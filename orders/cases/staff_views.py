"""Platform arbitration, under /staff/arbitration/: the queue (escalated longest ago first, with the
time waited) and one case with everything on one page (the order, both parcels' tracking, the
conversation, the evidence of both sides, requests for more) and the forms to ask a side for more and
to decide. Staff with the `orders.arbitrate_case` permission only."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.errors import DomainError

from ..models import AfterSalesCase
from . import selectors, services
from .forms import DecideForm, EvidenceForm, InfoRequestForm
from .pages import evidence_from_form, refused


def arbitrator_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not selectors.is_arbitrator(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@arbitrator_required
def queue(request):
    page = Paginator(selectors.arbitration_queue(), 50).get_page(request.GET.get("page"))
    now = timezone.now()
    for case in page.object_list:
        since = case.escalated_at or case.created_at
        case.waited_hours = int((now - since).total_seconds() // 3600)
    return render(request, "orders/cases/staff_queue.html", {"page": page, "cases": page.object_list})


@arbitrator_required
def case_detail(request, number, *, info_form=None, decide_form=None, status=200):
    case = selectors.case_for_arbitrator(number)
    if case is None:
        raise Http404(_("No such after-sales request."))
    order = case.order
    return render(
        request,
        "orders/cases/staff_detail.html",
        {
            "case": case,
            "order": order,
            "order_lines": list(order.lines.all()),
            "refunds": list(order.refunds.all()),
            "shipment": selectors.outbound_shipment(order),
            "return_shipment": selectors.return_shipment(case),
            "conversation": selectors.order_conversation_messages(case),
            "info_form": info_form or InfoRequestForm(),
            "decide_form": decide_form or DecideForm(),
            "can_decide": case.status == AfterSalesCase.Status.ARBITRATION,
            # The arbitrator's own findings (a carrier's answer, a call with a side), which both sides
            # read under "From the platform"; while the case is open.
            "evidence_action": reverse("staff_cases:evidence", args=[case.number]) if case.is_open else "",
            "evidence_form": EvidenceForm() if case.is_open else None,
            "Status": AfterSalesCase.Status,
            "party": "staff",
        },
        status=status,
    )


@arbitrator_required
@require_POST
def info_request(request, number):
    case = selectors.case_for_arbitrator(number)
    if case is None:
        raise Http404(_("No such after-sales request."))
    form = InfoRequestForm(request.POST)
    if not form.is_valid():
        return case_detail(request, number, info_form=form, status=400)
    back = reverse("staff_cases:detail", args=[case.number])
    try:
        services.arbitration_info_request(
            case=case,
            actor=request.user,
            party=form.cleaned_data["party"],
            message=form.cleaned_data["message"],
            due_at=form.cleaned_data.get("due_at"),
        )
    except DomainError as exc:
        return refused(request, exc, back)
    messages.success(request, _("Asked. The side has been told, with the deadline."))
    return redirect(back)


@arbitrator_required
@require_POST
def evidence(request, number):
    case = selectors.case_for_arbitrator(number)
    if case is None:
        raise Http404(_("No such after-sales request."))
    back = reverse("staff_cases:detail", args=[case.number])
    try:
        evidence_from_form(request, case, request.user)
    except DomainError as exc:
        return refused(request, exc, back)
    return redirect(back)


@arbitrator_required
@require_POST
def decide(request, number):
    case = selectors.case_for_arbitrator(number)
    if case is None:
        raise Http404(_("No such after-sales request."))
    form = DecideForm(request.POST)
    if not form.is_valid():
        return case_detail(request, number, decide_form=form, status=400)
    back = reverse("staff_cases:detail", args=[case.number])
    data = form.cleaned_data
    try:
        services.arbitration_decide(
            case=case,
            actor=request.user,
            outcome=data["outcome"],
            reason=data["reason"],
            amount=data.get("amount") if data["outcome"] == AfterSalesCase.Outcome.PARTIAL else None,
        )
    except DomainError as exc:
        return refused(request, exc, back)
    messages.success(request, _("Decided. Both sides see the decision and its reason."))
    return redirect(back)
