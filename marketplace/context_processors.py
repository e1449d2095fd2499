from . import selectors


def storefront(request):
    """The category tree for the header menu (one query per page, lazily)."""
    return {"category_tree": selectors.category_tree}
