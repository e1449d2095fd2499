from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = _("Platform and catalog")

    def ready(self):
        from . import converters

        converters.register()  # before any URLconf is built: `<id:pk>` in every app's routes
        from django.core.signals import request_finished, request_started
        from django.db.models.signals import post_delete, post_save

        from merchants.models import Merchant

        from . import page_cache, selectors

        # The catalogue's change counter is read once per request (page_cache.catalog_counter).
        request_started.connect(page_cache.request_started, dispatch_uid="catalog-counter-start")
        request_finished.connect(page_cache.request_finished, dispatch_uid="catalog-counter-finish")
        from .models import Brand, Category, Product, ProductImage, SearchSynonym, TaxCategory

        # Categories are edited in the staff console; the cached menu tree follows every change.
        for signal in (post_save, post_delete):
            signal.connect(
                selectors.category_tree_invalidate, sender=Category, dispatch_uid=f"category-tree-{signal}"
            )
            # Cached counts and facets belong to one catalogue version; a change to what they count starts
            # a new one (images: the product page caches them). Variants and stock are never cached
            # (listing prices change through products_refresh_listing_prices, which starts one itself).
            for model in (Product, ProductImage, Brand, Merchant, TaxCategory, Category, SearchSynonym):
                signal.connect(
                    selectors.catalog_changed, sender=model, dispatch_uid=f"catalog-{model.__name__}-{signal}"
                )

        from .accounts import schema  # noqa: F401  (registers the API token scheme with drf-spectacular)
