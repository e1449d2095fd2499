"""The logistics console for platform staff, under /staff/logistics/: parcels held by customs and
late deliveries. Every action is a POST that calls a service."""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from marketplace.errors import DomainError
from merchants.permissions import platform_staff_required

from . import selectors
from .models import CustomsDeclaration, DeadlineBreach
from .services import customs, deadlines


class ResolveHoldForm(forms.Form):
    action = forms.ChoiceField(
        label=gettext_lazy("Resolution"),
        choices=[
            (customs.RESOLVE_CORRECTED, gettext_lazy("Corrected document: match again")),
            (customs.RESOLVE_RETURN, gettext_lazy("Return to the sender and refund the buyer in full")),
        ],
        widget=forms.RadioSelect,
    )
    corrected_name = forms.CharField(
        label=gettext_lazy("Buyer's name, corrected"), max_length=60, required=False
    )
    corrected_id_number = forms.CharField(
        label=gettext_lazy("Buyer's ID number, corrected"), max_length=40, required=False
    )
    note = forms.CharField(
        label=gettext_lazy("What was checked or decided"), widget=forms.Textarea, max_length=1000
    )


class ResolveNoteForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("What was done"), widget=forms.Textarea, max_length=1000)


@platform_staff_required
def customs_queue(request):
    return render(
        request, "logistics/staff/customs_queue.html", {"declarations": selectors.customs_held_queue()}
    )


@platform_staff_required
def customs_detail(request, pk):
    declaration = selectors.customs_declaration_for_staff(pk)
    if declaration is None:
        raise Http404
    return render(
        request,
        "logistics/staff/customs_detail.html",
        {
            "declaration": declaration,
            "order": declaration.order,
            "payment": declaration.order.payment,
            "shipment": declaration.order.shipments.filter(kind="outbound")
            .select_related("provider")
            .first(),
            "form": ResolveHoldForm(initial={"action": customs.RESOLVE_CORRECTED}),
        },
    )


@require_POST
@platform_staff_required
def customs_resolve(request, pk):
    declaration = get_object_or_404(CustomsDeclaration, pk=pk)
    form = ResolveHoldForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose a resolution and write down what was checked."))
        return redirect("logistics_staff:customs_detail", pk=pk)
    data = form.cleaned_data
    try:
        declaration = customs.customs_hold_resolve(
            declaration=declaration,
            staff_user=request.user,
            action=data["action"],
            note=data["note"],
            corrected_name=data["corrected_name"] or None,
            corrected_id_number=data["corrected_id_number"] or None,
        )
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("logistics_staff:customs_detail", pk=pk)
    if declaration.status == declaration.Status.HELD:
        messages.error(request, _("Still held: %(reasons)s") % {"reasons": declaration.hold_reason})
        return redirect("logistics_staff:customs_detail", pk=pk)
    messages.success(
        request,
        _("Order %(number)s: %(status)s.")
        % {"number": declaration.order.number, "status": declaration.get_status_display()},
    )
    return redirect("logistics_staff:customs_queue")


@platform_staff_required
def late_deliveries(request):
    return render(
        request,
        "logistics/staff/late_deliveries.html",
        {"breaches": selectors.late_deliveries_queue(), "form": ResolveNoteForm()},
    )


@require_POST
@platform_staff_required
def late_delivery_resolve(request, pk):
    breach = get_object_or_404(DeadlineBreach, pk=pk, kind=DeadlineBreach.Kind.DELIVERY_LATE)
    form = ResolveNoteForm(request.POST)
    form.is_valid()
    try:
        deadlines.late_delivery_resolve(
            breach=breach, staff_user=request.user, note=form.cleaned_data.get("note", "")
        )
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Order %(number)s: resolved.") % {"number": breach.order.number})
    return redirect("logistics_staff:late_deliveries")
