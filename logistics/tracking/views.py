"""Tracking pages: the public tracking page by waybill number (nothing personal on it), and the page
where the store or platform staff add an event by hand. Thin: selectors read, the service decides."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from marketplace.errors import DomainError
from merchants.permissions import approved_merchant_required, platform_staff_required

from ..services import tracking
from . import selectors
from .forms import ManualEventForm, TrackForm


def track(request):
    """The form; `?waybill=` goes to that parcel's page."""
    form = TrackForm(request.GET or None)
    if form.is_valid():
        number = selectors.canonical_waybill(form.cleaned_data["waybill"])
        if number:
            return redirect("tracking:detail", waybill=number)
        form.add_error("waybill", _("A waybill number has 6 to 40 letters and digits."))
    return render(request, "logistics/track.html", {"form": form}, status=400 if form.errors else 200)


def track_detail(request, waybill):
    shipment = selectors.shipment_public(waybill)
    if shipment is None:
        return render(
            request,
            "logistics/track.html",
            {"form": TrackForm(initial={"waybill": waybill[:60]}), "not_found": waybill[:60]},
            status=404,
        )
    if shipment.waybill_number != waybill:
        return redirect("tracking:detail", waybill=shipment.waybill_number)
    return render(request, "logistics/track.html", {"form": TrackForm(), "shipment": shipment})


def _event_add(request, shipment, template, done_url):
    form = ManualEventForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                tracking.shipment_event_add_by_hand(shipment=shipment, user=request.user, **form.cleaned_data)
            except DomainError as exc:
                if exc.status == 404:
                    raise Http404(str(exc)) from exc
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The event was added to the parcel's timeline."))
                return redirect(done_url)
        status = 400
    shipment = selectors.shipment_public(shipment.waybill_number)  # with the events just added
    return render(request, template, {"form": form, "shipment": shipment}, status=status)


@approved_merchant_required
def seller_event_add(request, waybill):
    shipment = selectors.shipment_for_merchant(request.merchant, waybill)
    if shipment is None:
        raise Http404(_("No such parcel."))
    return _event_add(request, shipment, "logistics/seller_event_add.html", request.path)


@platform_staff_required
def staff_event_add(request, waybill):
    shipment = selectors.shipment_public(waybill)
    if shipment is None:
        raise Http404(_("No such parcel."))
    return _event_add(request, shipment, "logistics/staff_event_add.html", request.path)
