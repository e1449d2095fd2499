from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "logistics"
    verbose_name = _("Logistics and customs")

    def ready(self):
        # ---- shipping templates
        # The product page shows a store's shipping fee from a copy cached per catalogue version: a
        # template write starts a new version (on PostgreSQL the counter's triggers do it as well).
        from django.db.models.signals import post_delete, post_save

        from marketplace.selectors import catalog_changed

        from .models import ShippingTemplate, ShippingTemplateRegion

        for model in (ShippingTemplate, ShippingTemplateRegion):
            for signal in (post_save, post_delete):
                signal.connect(
                    catalog_changed, sender=model, dispatch_uid=f"catalog-{model.__name__}-{signal}"
                )
