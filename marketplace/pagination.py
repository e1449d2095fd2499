from rest_framework.pagination import PageNumberPagination

from .selectors import CatalogPaginator


class StandardPagination(PageNumberPagination):
    """`?page=N&page_size=M` (at most 100) on every list endpoint."""

    page_size = 24
    page_size_query_param = "page_size"
    max_page_size = 100
    django_paginator_class = CatalogPaginator  # cached totals and page ids: docs/benchmarks.md
