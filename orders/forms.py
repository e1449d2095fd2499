from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace import identifiers
from marketplace.errors import InvalidIdentifier

from . import rules
from .errors import InvalidIdentityNumber
from .models import Address


class AddressForm(forms.ModelForm):
    class Meta:
        model = Address
        fields = ["recipient", "phone", "province", "city", "district", "street"]

    def clean_phone(self):
        try:
            return identifiers.mainland_mobile(self.cleaned_data["phone"])
        except InvalidIdentifier as exc:
            raise forms.ValidationError(str(exc)) from exc


class IdentityForm(forms.Form):
    real_name = forms.CharField(label=_("Real name (as on the ID card)"), max_length=60)
    id_number = forms.CharField(
        label=_("Resident ID number"),
        max_length=20,
        help_text=_(
            "18 characters. Customs needs it for every cross-border order; "
            "we show it masked after you save it."
        ),
    )

    def clean_id_number(self):
        try:
            return rules.resident_id_validate(self.cleaned_data["id_number"])
        except InvalidIdentityNumber as exc:
            raise forms.ValidationError(str(exc)) from exc


class AddToCartForm(forms.Form):
    variant = forms.IntegerField(min_value=1)
    quantity = forms.IntegerField(min_value=1, max_value=rules.MAX_QUANTITY_PER_LINE, required=False)

    def clean_quantity(self):
        return self.cleaned_data.get("quantity") or 1
