"""Who has paid the security deposit: /staff/finance/deposits/, for platform finance staff."""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import path

from . import merchant_selectors
from .permissions import is_finance_staff


def deposits(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_finance_staff(request.user):
        raise PermissionDenied
    everyone = merchant_selectors.deposits_for_staff()
    show = request.GET.get("show", "")
    rows = [(m, status) for m, status in everyone if not status.is_paid] if show == "short" else everyone
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "payments/staff/deposits.html",
        {
            "page": page,
            "rows": page.object_list,
            "show": show,
            "query_string": f"show={show}" if show else "",
            "paid_count": sum(1 for _merchant, status in everyone if status.is_paid),
            "store_count": len(everyone),
        },
    )


app_name = "staff_deposits"
urlpatterns = [path("", deposits, name="list")]
