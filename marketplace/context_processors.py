from django.utils.functional import SimpleLazyObject

from . import selectors


def storefront(request):
    """The category tree for the header menu (one query per page, lazily), and the catalogue version
    the rendered menu is kept under."""
    return {
        "category_tree": selectors.category_tree,
        "catalog_version": SimpleLazyObject(selectors.catalog_version),
    }
