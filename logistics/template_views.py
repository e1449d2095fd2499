"""Seller dashboard: the store's shipping templates (one per shipping mode, with regional fees).
Thin: forms read the input, `logistics.services.templates` decides; a refusal shows on the form."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.errors import DomainError
from marketplace.models import Product
from merchants.permissions import approved_merchant_required
from orders import rules

from . import template_selectors as selectors
from .provinces import province_label
from .services import templates as services
from .template_forms import REGION_ROWS_BLANK, RegionFormSet, ShippingTemplateForm


def _mode(mode: str) -> str:
    if mode not in Product.ShippingMode.values:
        raise Http404(_("No such shipping mode."))
    return mode


@approved_merchant_required
def template_list(request):
    templates = {t.shipping_mode: t for t in selectors.merchant_templates(request.merchant)}
    rows = []
    for mode, label in Product.ShippingMode.choices:
        template = templates.get(mode)
        regions = []
        if template is not None:
            regions = [
                {"region": region, "provinces": [province_label(p) for p in region.provinces]}
                for region in template.regions.all()
            ]
        rows.append(
            {
                "mode": mode,
                "label": label,
                "template": template,
                "regions": regions,
                "default_fee": rules.SHIPPING_FEES[mode],
            }
        )
    return render(
        request,
        "logistics/seller/shipping_templates.html",
        {"rows": rows, "free_from_default": rules.FREE_SHIPPING_FROM},
    )


def _initial(template):
    if template is None:
        return {}, []
    initial = {
        "name": template.name,
        "first_weight_grams": template.first_weight_grams,
        "first_fee": template.first_fee.amount,
        "additional_step_grams": template.additional_step_grams,
        "additional_fee": template.additional_fee.amount,
        "free_from": template.free_from.amount if template.free_from is not None else None,
    }
    regions = [
        {"provinces": r.provinces, "first_fee": r.first_fee.amount, "additional_fee": r.additional_fee.amount}
        for r in template.regions.all()
    ]
    return initial, regions


@approved_merchant_required
def template_edit(request, mode):
    mode = _mode(mode)
    template = next(
        (t for t in selectors.merchant_templates(request.merchant) if t.shipping_mode == mode), None
    )
    initial, region_initial = _initial(template)
    if request.method == "POST":
        form = ShippingTemplateForm(request.POST)
        regions = RegionFormSet(request.POST, prefix="regions")
    else:
        form = ShippingTemplateForm(initial=initial or {"name": Product.ShippingMode(mode).label})
        regions = RegionFormSet(
            prefix="regions", initial=region_initial + [{} for _ in range(REGION_ROWS_BLANK)]
        )
        regions.extra = 0
    if request.method == "POST" and form.is_valid() and regions.is_valid():
        rows = [
            {"provinces": r["provinces"], "first_fee": r["first_fee"], "additional_fee": r["additional_fee"]}
            for r in regions.cleaned_data
            if r.get("provinces")
        ]
        try:
            if template is None:
                services.shipping_template_create(
                    user=request.user, shipping_mode=mode, regions=rows, **form.cleaned_data
                )
            else:
                services.shipping_template_update(
                    user=request.user, template_id=template.pk, regions=rows, **form.cleaned_data
                )
        except DomainError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Shipping template saved."))
            return redirect("seller_templates:list")
    return render(
        request,
        "logistics/seller/shipping_template_edit.html",
        {
            "form": form,
            "regions": regions,
            "template": template,
            "mode": mode,
            "mode_label": Product.ShippingMode(mode).label,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@approved_merchant_required
def template_delete(request, mode):
    mode = _mode(mode)
    template = next(
        (t for t in selectors.merchant_templates(request.merchant) if t.shipping_mode == mode), None
    )
    if template is None:
        raise Http404(_("No such shipping template in your store."))
    services.shipping_template_delete(user=request.user, template_id=template.pk)
    messages.success(request, _("Shipping template deleted: this mode ships at the platform's default fee."))
    return redirect("seller_templates:list")
