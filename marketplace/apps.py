from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = _("Platform and catalog")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import selectors
        from .models import Category

        # Categories are edited in the staff console; the cached menu tree follows every change.
        for signal in (post_save, post_delete):
            signal.connect(
                selectors.category_tree_invalidate, sender=Category, dispatch_uid=f"category-tree-{signal}"
            )
