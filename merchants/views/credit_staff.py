"""The staff list of stores by their credit figures, under /staff/stores/ (platform staff)."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from ..credit import credit_windows, parse_sort, stores_by_credit
from ..permissions import platform_staff_required

# The table's columns: (sort key, heading, numeric); every column sorts.
COLUMNS = [
    ("store", _("Store"), False),
    ("category", _("Main category"), False),
    ("ratings", _("Ratings"), True),
    ("description", _("As described"), True),
    ("service", _("Service"), True),
    ("logistics", _("Logistics"), True),
    ("on_time", _("On-time shipping"), True),
    ("dispute", _("Disputes per 100 orders"), True),
    ("response", _("Median reply time"), True),
    ("penalty", _("Penalty points"), True),
    ("since", _("On the platform since"), True),
]
PAGE_SIZE = 50


@platform_staff_required
def stores(request):
    sort, descending = parse_sort(request.GET.get("sort", ""))
    figures = stores_by_credit(sort=sort, descending=descending)
    page = Paginator(figures, PAGE_SIZE).get_page(request.GET.get("page"))
    current = ("-" if descending else "") + sort
    columns = [
        {
            "key": key,
            "label": label,
            "numeric": numeric,
            # A click on the sorted column turns the order round; another column starts ascending.
            "href": "?" + urlencode({"sort": ("" if descending or key != sort else "-") + key}),
            "sorted": "descending" if key == sort and descending else "ascending" if key == sort else "",
        }
        for key, label, numeric in COLUMNS
    ]
    return render(
        request,
        "merchants/review/stores_credit.html",
        {
            "page": page,
            "rows": page.object_list,
            "columns": columns,
            "query_string": urlencode({"sort": current}),
            "windows": credit_windows(),
        },
    )
