"""Filters of the merchant's statement (pages and API share them)."""

import django_filters
from django.forms import DateInput
from django.utils.translation import gettext_lazy as _

from .merchant_selectors import STATEMENT_KINDS
from .models import LedgerTransaction


class StatementFilter(django_filters.FilterSet):
    """`date_from` and `date_to` (China time, both days included) and `kind`."""

    date_from = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__gte",
        label=_("From"),
        widget=DateInput(attrs={"type": "date"}),
    )
    date_to = django_filters.DateFilter(
        field_name="created_at",
        lookup_expr="date__lte",
        label=_("To"),
        widget=DateInput(attrs={"type": "date"}),
    )
    kind = django_filters.ChoiceFilter(
        choices=[(kind.value, kind.label) for kind in STATEMENT_KINDS],
        label=_("Kind"),
        empty_label=_("All kinds"),
    )

    class Meta:
        model = LedgerTransaction
        fields = ["date_from", "date_to", "kind"]
