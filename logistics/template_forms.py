"""Seller dashboard forms for shipping templates. They read the input; the bounds and rules are
checked again by `logistics.services.templates`, whose refusals the view shows on the form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import TEMPLATE_FEE_MAX, TEMPLATE_FREE_FROM_MAX, TEMPLATE_GRAMS_MAX, TEMPLATE_NAME_MAX
from .provinces import PROVINCE_CHOICES

REGION_ROWS_BLANK = 2  # empty regional rows offered under the existing ones


def _fee(label, *, required=True, maximum=TEMPLATE_FEE_MAX, help_text=""):
    return forms.DecimalField(
        label=label,
        min_value=0,
        max_value=maximum,
        max_digits=9,
        decimal_places=2,
        required=required,
        help_text=help_text,
    )


class ShippingTemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=TEMPLATE_NAME_MAX)
    first_weight_grams = forms.IntegerField(
        label=_("First weight (g)"),
        min_value=1,
        max_value=TEMPLATE_GRAMS_MAX,
        help_text=_("An order up to this weight pays the first-weight fee."),
    )
    first_fee = _fee(_("First-weight fee (CNY)"))
    additional_step_grams = forms.IntegerField(
        label=_("Additional weight step (g)"),
        min_value=1,
        max_value=TEMPLATE_GRAMS_MAX,
        help_text=_("Each started step beyond the first weight adds the fee per step."),
    )
    additional_fee = _fee(_("Fee per additional step (CNY)"))
    free_from = _fee(
        _("Free shipping from (CNY of goods)"),
        required=False,
        maximum=TEMPLATE_FREE_FROM_MAX,
        help_text=_("Orders whose goods are worth this much or more ship free. Leave empty: never free."),
    )


class RegionForm(forms.Form):
    provinces = forms.MultipleChoiceField(
        label=_("Provinces"), choices=PROVINCE_CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )
    first_fee = _fee(_("First-weight fee (CNY)"), required=False)
    additional_fee = _fee(_("Fee per additional step (CNY)"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("provinces") and (data.get("first_fee") is None or data.get("additional_fee") is None):
            raise forms.ValidationError(_("A region with provinces needs both fees."))
        return data


RegionFormSet = forms.formset_factory(RegionForm, extra=0, max_num=len(PROVINCE_CHOICES), absolute_max=40)
