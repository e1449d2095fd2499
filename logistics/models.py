# Models arrive with the issue that builds this app (see DESIGN.md).

# ---- shipping templates
# What the shopper pays for shipping (Tmall's 运费模板): one template per store and shipping mode, with
# regional fees for remote provinces. The fee rule is `logistics.shipping_fees` (docs/rules.md,
# "Shipping templates"); writes go through `logistics.services.templates`.
from decimal import Decimal  # noqa: E402

from django.db import models  # noqa: E402
from django.utils.translation import gettext_lazy as _  # noqa: E402
from djmoney.models.fields import MoneyField  # noqa: E402

from marketplace.models import Product  # noqa: E402

# Bounds of a template's amounts (also CheckConstraints below; the services and forms say why).
TEMPLATE_FEE_MAX = Decimal("1000.00")  # CNY per first weight or per additional step
TEMPLATE_FREE_FROM_MAX = Decimal("100000.00")  # CNY of goods; above any order's goods limit is "never"
TEMPLATE_GRAMS_MAX = 100_000  # 100 kg, the heaviest variant
TEMPLATE_NAME_MAX = 60
CNY_ONLY = [("CNY", "CNY")]


def _fee_bounded(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(
            **{f"{field}__gte": 0, f"{field}__lte": TEMPLATE_FEE_MAX, f"{field}_currency": "CNY"}
        ),
        name=name,
        violation_error_message=_("A shipping fee is in CNY, from 0 to 1,000."),
    )


class ShippingTemplate(models.Model):
    """A store's shipping fee for one shipping mode: the first `first_weight_grams` cost `first_fee`,
    each started `additional_step_grams` beyond them `additional_fee`; free when the order's goods are
    worth `free_from` or more (empty: never free). Regions override the two fees for their provinces."""

    merchant = models.ForeignKey(
        "merchants.Merchant", on_delete=models.CASCADE, related_name="shipping_templates"
    )
    shipping_mode = models.CharField(_("shipping mode"), max_length=20, choices=Product.ShippingMode.choices)
    name = models.CharField(_("name"), max_length=TEMPLATE_NAME_MAX)
    first_weight_grams = models.PositiveIntegerField(_("first weight (g)"))
    first_fee = MoneyField(
        _("first-weight fee"),
        max_digits=10,
        decimal_places=2,
        default_currency="CNY",
        currency_choices=CNY_ONLY,
    )
    additional_step_grams = models.PositiveIntegerField(_("additional weight step (g)"))
    additional_fee = MoneyField(
        _("fee per additional step"),
        max_digits=10,
        decimal_places=2,
        default_currency="CNY",
        currency_choices=CNY_ONLY,
    )
    free_from = MoneyField(
        _("free shipping from (goods value)"),
        max_digits=12,
        decimal_places=2,
        default_currency="CNY",
        currency_choices=CNY_ONLY,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("shipping template")
        verbose_name_plural = _("shipping templates")
        ordering = ["merchant_id", "shipping_mode"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "shipping_mode"],
                name="shipping_template_one_per_mode",
                violation_error_message=_("The store already has a shipping template for this mode."),
            ),
            models.CheckConstraint(
                condition=models.Q(
                    first_weight_grams__gte=1,
                    first_weight_grams__lte=TEMPLATE_GRAMS_MAX,
                    additional_step_grams__gte=1,
                    additional_step_grams__lte=TEMPLATE_GRAMS_MAX,
                ),
                name="shipping_template_grams_bounded",
                violation_error_message=_("Weights are from 1 gram to 100 kg."),
            ),
            _fee_bounded("first_fee", "shipping_template_first_fee_bounded"),
            _fee_bounded("additional_fee", "shipping_template_additional_fee_bounded"),
            models.CheckConstraint(
                condition=models.Q(free_from__isnull=True)
                | models.Q(free_from__gte=0, free_from__lte=TEMPLATE_FREE_FROM_MAX, free_from_currency="CNY"),
                name="shipping_template_free_from_bounded",
                violation_error_message=_("The free-shipping threshold is in CNY, from 0 to 100,000."),
            ),
            models.CheckConstraint(
                condition=models.Q(shipping_mode__in=Product.ShippingMode.values),
                name="shipping_template_mode_known",
            ),
        ]

    def __str__(self):
        return f"{self.merchant_id} {self.shipping_mode}: {self.name}"

    @property
    def shipping_mode_label(self):
        return Product.ShippingMode(self.shipping_mode).label


class ShippingTemplateRegion(models.Model):
    """Other first-weight and additional-step fees for some provinces (remote regions). `provinces`
    holds canonical names (`logistics.provinces.PROVINCE_NAMES`); a province is in at most one region
    of a template (the service checks both)."""

    template = models.ForeignKey(ShippingTemplate, on_delete=models.CASCADE, related_name="regions")
    provinces = models.JSONField(_("provinces"), default=list)
    first_fee = MoneyField(
        _("first-weight fee"),
        max_digits=10,
        decimal_places=2,
        default_currency="CNY",
        currency_choices=CNY_ONLY,
    )
    additional_fee = MoneyField(
        _("fee per additional step"),
        max_digits=10,
        decimal_places=2,
        default_currency="CNY",
        currency_choices=CNY_ONLY,
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("shipping template region")
        verbose_name_plural = _("shipping template regions")
        ordering = ["template_id", "position", "id"]
        constraints = [
            _fee_bounded("first_fee", "shipping_region_first_fee_bounded"),
            _fee_bounded("additional_fee", "shipping_region_additional_fee_bounded"),
        ]

    def __str__(self):
        return f"{self.template_id}: {', '.join(self.provinces)}"
