"""Release holds for platform finance staff, under /staff/finance/holds/: place a hold on an order's
payment by its number with a reason, see the open holds and how long each has been held, lift one.
Thin: every action is a POST that calls `services.release_hold_place` / `release_hold_lift`."""

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from marketplace.errors import DomainError

from . import selectors, services
from .models import ReleaseHold
from .permissions import can_manage_finance


class PlaceHoldForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Order number"), max_length=24)
    reason = forms.CharField(
        label=gettext_lazy("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )


class LiftHoldForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), max_length=300, required=False)


def finance_manager_required(view):
    """Platform finance staff who may move money (`payments.manage_finance`)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can_manage_finance(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@finance_manager_required
def hold_list(request):
    return render(
        request,
        "payments/staff_holds.html",
        {"holds": selectors.open_release_holds(), "form": PlaceHoldForm()},
    )


@require_POST
@finance_manager_required
def hold_place(request):
    from orders.models import Order

    form = PlaceHoldForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please give the order number and the reason for the hold."))
        return redirect("staff_holds:list")
    number = form.cleaned_data["number"].strip()
    order = Order.objects.filter(number=number).first()
    if order is None:
        messages.error(request, _("There is no order %(number)s.") % {"number": number})
        return redirect("staff_holds:list")
    try:
        services.release_hold_place(order=order, actor=request.user, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The payment of order %(number)s is on hold.") % {"number": number})
    return redirect("staff_holds:list")


@require_POST
@finance_manager_required
def hold_lift(request, pk):
    hold = get_object_or_404(ReleaseHold.objects.select_related("order"), pk=pk)
    form = LiftHoldForm(request.POST)
    form.is_valid()
    try:
        services.release_hold_lift(hold=hold, actor=request.user, note=form.cleaned_data.get("note", ""))
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The hold on order %(number)s is lifted; its payment can be released again.")
            % {"number": hold.order.number},
        )
    return redirect("staff_holds:list")
