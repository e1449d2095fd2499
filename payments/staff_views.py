"""The finance pages of platform finance staff, under /staff/finance/: the figures of a period per day
and per merchant with charts, and the reconciliation report. Reads come from `payments.finance`;
running a reconciliation calls the service."""

from datetime import timedelta
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

from . import finance
from .finance import day_bounds, finance_period
from .models import ReconciliationRun
from .permissions import is_finance_staff
from .services import reconciliation


def finance_staff_required(view):
    """Anonymous visitors log in first; anyone but platform finance staff gets 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_finance_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


class PeriodForm(forms.Form):
    since = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def _period(request, data):
    """The period asked for, or the default with an error message when it cannot be used."""
    form = PeriodForm(data)
    since = until = None
    if form.is_valid():
        since, until = form.cleaned_data["since"], form.cleaned_data["until"]
    else:
        messages.error(request, _("Please enter dates as YYYY-MM-DD."))
    try:
        return finance_period(since, until)
    except DomainError as exc:
        messages.error(request, str(exc))
        return finance_period(None, None)


def _chart_names():
    return {
        "released": _("Released"),
        "refunded_before": _("Refunded before release"),
        "refunded_after": _("Refunded after release"),
        "commission": _("Commission"),
        "escrow_held": _("Escrow held"),
    }


@finance_staff_required
def overview(request):
    since, until = _period(request, request.GET)
    summary = finance.finance_summary(since=since, until=until)
    return render(
        request,
        "payments/staff/finance.html",
        {
            "summary": summary,
            "chart_data": {**finance.finance_chart_data(summary), "names": _chart_names()},
            "form": PeriodForm(initial={"since": since, "until": until}),
            "alert_run": reconciliation.reconciliation_latest_alert(),
        },
    )


@finance_staff_required
def reconciliation_list(request):
    runs = ReconciliationRun.objects.select_related("actor").order_by("-started_at", "-id")[:50]
    yesterday = finance.local_today() - timedelta(days=1)
    return render(
        request,
        "payments/staff/reconciliation_list.html",
        {
            "runs": runs,
            "form": PeriodForm(initial={"since": yesterday, "until": yesterday}),
            "alert_run": reconciliation.reconciliation_latest_alert(),
        },
    )


@finance_staff_required
def reconciliation_detail(request, pk):
    run = get_object_or_404(ReconciliationRun.objects.select_related("actor"), pk=pk)
    return render(
        request,
        "payments/staff/reconciliation_detail.html",
        {"run": run, "differences": run.differences.all()},
    )


@require_POST
@finance_staff_required
def reconciliation_run_now(request):
    form = PeriodForm(request.POST)
    if not form.is_valid() or not form.cleaned_data["since"] or not form.cleaned_data["until"]:
        messages.error(request, _("Please choose the first and the last day to reconcile."))
        return redirect("staff_finance:reconciliation")
    since, until = day_bounds(form.cleaned_data["since"], form.cleaned_data["until"])
    try:
        run = reconciliation.reconciliation_run(since=since, until=until, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("staff_finance:reconciliation")
    if run.status == ReconciliationRun.Status.CLEAN:
        messages.success(request, _("The ledger and the gateway agree."))
    elif run.status == ReconciliationRun.Status.FAILED:
        messages.error(request, _("The gateway could not be reached: %(error)s") % {"error": run.error})
    else:
        messages.warning(request, _("%(count)s difference(s) found.") % {"count": run.difference_count})
    return redirect("staff_finance:reconciliation_detail", pk=run.pk)
