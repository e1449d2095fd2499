"""Writes of shipping templates (what the shopper pays for shipping; the rule is
`logistics.shipping_fees`, docs/rules.md "Shipping templates"). Only the store's own staff change its
templates; every amount is checked here with a message (the database's CheckConstraints hold the same
bounds). A store has at most one template per shipping mode."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from djmoney.money import Money

from marketplace.errors import StoreNotApproved
from marketplace.models import Product

from ..errors import (
    InvalidShippingTemplate,
    ShippingTemplateExists,
    ShippingTemplateNotAllowed,
    ShippingTemplateNotFound,
)
from ..models import (
    TEMPLATE_FEE_MAX,
    TEMPLATE_FREE_FROM_MAX,
    TEMPLATE_GRAMS_MAX,
    TEMPLATE_NAME_MAX,
    ShippingTemplate,
    ShippingTemplateRegion,
)
from ..provinces import PROVINCE_NAMES, province_canonical, province_label

MAX_REGIONS = len(PROVINCE_NAMES)


@dataclass
class RegionInput:
    """One regional row as the page or the API gives it: province names (any spelling
    `province_canonical` reads) and its two fees in CNY."""

    provinces: list
    first_fee: object
    additional_fee: object


def _merchant_of(user):
    merchant = getattr(user, "merchant", None) if user is not None and user.is_authenticated else None
    if merchant is None:
        raise ShippingTemplateNotAllowed()
    if merchant.status == merchant.Status.PENDING:
        raise StoreNotApproved()
    return merchant


def _decimal(value, label, *, maximum: Decimal) -> Decimal:
    value = getattr(value, "amount", value)
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidShippingTemplate(_("%(field)s is not an amount.") % {"field": label}) from None
    if not amount.is_finite() or amount < 0 or amount > maximum:
        raise InvalidShippingTemplate(
            _("%(field)s must be from 0 to %(max)s CNY.") % {"field": label, "max": maximum}
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidShippingTemplate(_("%(field)s has at most two decimals.") % {"field": label})
    return amount.quantize(Decimal("0.01"))


def _grams(value, label) -> int:
    try:
        grams = int(str(value).strip())
    except (ValueError, TypeError):
        raise InvalidShippingTemplate(
            _("%(field)s is not a whole number of grams.") % {"field": label}
        ) from None
    if not 1 <= grams <= TEMPLATE_GRAMS_MAX:
        raise InvalidShippingTemplate(
            _("%(field)s must be from 1 to %(max)s grams.") % {"field": label, "max": TEMPLATE_GRAMS_MAX}
        )
    return grams


def _clean(
    *, shipping_mode, name, first_weight_grams, first_fee, additional_step_grams, additional_fee, free_from
):
    if shipping_mode not in Product.ShippingMode.values:
        raise InvalidShippingTemplate(_("the shipping mode is not one of direct mail or bonded."))
    name = (name or "").strip()
    visible = any(ch.isprintable() and not ch.isspace() for ch in name)  # not only invisible characters
    if not visible or len(name) > TEMPLATE_NAME_MAX:
        raise InvalidShippingTemplate(
            _("a name of 1 to %(max)s characters is needed.") % {"max": TEMPLATE_NAME_MAX}
        )
    blank = free_from is None or (isinstance(free_from, str) and not free_from.strip())
    return {
        "name": name,
        "first_weight_grams": _grams(first_weight_grams, _("The first weight")),
        "first_fee": Money(_decimal(first_fee, _("The first-weight fee"), maximum=TEMPLATE_FEE_MAX), "CNY"),
        "additional_step_grams": _grams(additional_step_grams, _("The additional weight step")),
        "additional_fee": Money(
            _decimal(additional_fee, _("The fee per additional step"), maximum=TEMPLATE_FEE_MAX), "CNY"
        ),
        "free_from": None
        if blank
        else Money(
            _decimal(free_from, _("The free-shipping threshold"), maximum=TEMPLATE_FREE_FROM_MAX), "CNY"
        ),
    }


def _clean_regions(regions) -> list[dict]:
    regions = list(regions or [])
    if len(regions) > MAX_REGIONS:
        raise InvalidShippingTemplate(_("at most %(max)s regions.") % {"max": MAX_REGIONS})
    seen: set[str] = set()
    cleaned = []
    for index, region in enumerate(regions, start=1):
        if isinstance(region, dict):  # a field left out is refused below, like a wrong one
            region = RegionInput(
                region.get("provinces"), region.get("first_fee"), region.get("additional_fee")
            )
        names = []
        provinces = region.provinces if isinstance(region.provinces, (list, tuple)) else []
        for raw in provinces:
            name = province_canonical(raw if isinstance(raw, str) else None)
            if name is None:
                raise InvalidShippingTemplate(
                    _("region %(n)s: %(province)s is not a province of mainland China.")
                    % {"n": index, "province": str(raw)[:40]}
                )
            if name in seen:
                raise InvalidShippingTemplate(
                    _("%(province)s is in more than one region.") % {"province": province_label(name)}
                )
            seen.add(name)
            names.append(name)
        if not names:
            raise InvalidShippingTemplate(_("region %(n)s names no province.") % {"n": index})
        label = _("Region %(n)s") % {"n": index}
        cleaned.append(
            {
                "provinces": sorted(names, key=PROVINCE_NAMES.index),
                "first_fee": Money(
                    _decimal(region.first_fee, f"{label}: {_('first-weight fee')}", maximum=TEMPLATE_FEE_MAX),
                    "CNY",
                ),
                "additional_fee": Money(
                    _decimal(
                        region.additional_fee,
                        f"{label}: {_('fee per additional step')}",
                        maximum=TEMPLATE_FEE_MAX,
                    ),
                    "CNY",
                ),
            }
        )
    return cleaned


def _write_regions(template: ShippingTemplate, regions: list[dict]) -> None:
    ShippingTemplateRegion.objects.filter(template=template).delete()
    ShippingTemplateRegion.objects.bulk_create(
        ShippingTemplateRegion(template=template, position=position, **region)
        for position, region in enumerate(regions)
    )


def shipping_template_create(
    *,
    user,
    shipping_mode: str,
    name: str,
    first_weight_grams,
    first_fee,
    additional_step_grams,
    additional_fee,
    free_from=None,
    regions=(),
) -> ShippingTemplate:
    """The store's template for `shipping_mode`; `ShippingTemplateExists` (409) when it has one."""
    merchant = _merchant_of(user)
    fields = _clean(
        shipping_mode=shipping_mode,
        name=name,
        first_weight_grams=first_weight_grams,
        first_fee=first_fee,
        additional_step_grams=additional_step_grams,
        additional_fee=additional_fee,
        free_from=free_from,
    )
    cleaned_regions = _clean_regions(regions)
    label = Product.ShippingMode(shipping_mode).label
    if ShippingTemplate.objects.filter(merchant=merchant, shipping_mode=shipping_mode).exists():
        raise ShippingTemplateExists(label)
    try:
        with transaction.atomic():
            template = ShippingTemplate.objects.create(
                merchant=merchant, shipping_mode=shipping_mode, **fields
            )
            _write_regions(template, cleaned_regions)
    except IntegrityError:  # another request created it meanwhile (the unique constraint decides)
        raise ShippingTemplateExists(label) from None
    return template


def _locked(merchant, template_id) -> ShippingTemplate:
    template = ShippingTemplate.objects.select_for_update().filter(merchant=merchant, pk=template_id).first()
    if template is None:
        raise ShippingTemplateNotFound()
    return template


def shipping_template_update(*, user, template_id, regions=None, **changes) -> ShippingTemplate:
    """Change the store's template `template_id` (its mode stays). Fields not given keep their value;
    `regions`, when given, replace all the template's regions (an empty list removes them)."""
    merchant = _merchant_of(user)
    allowed = {
        "name",
        "first_weight_grams",
        "first_fee",
        "additional_step_grams",
        "additional_fee",
        "free_from",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"unknown fields {sorted(unknown)}")
    with transaction.atomic():
        template = _locked(merchant, template_id)
        current = {name: getattr(template, name) for name in allowed}
        current.update(changes)
        fields = _clean(shipping_mode=template.shipping_mode, **current)
        cleaned_regions = None if regions is None else _clean_regions(regions)
        for name, value in fields.items():
            setattr(template, name, value)
        template.save()
        if cleaned_regions is not None:
            _write_regions(template, cleaned_regions)
    return template


def shipping_template_delete(*, user, template_id) -> None:
    """The store's orders of that mode pay the platform default again."""
    merchant = _merchant_of(user)
    with transaction.atomic():
        _locked(merchant, template_id).delete()
