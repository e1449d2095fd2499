from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.errors import DomainError

from .cards import card_from_input


class CardForm(forms.Form):
    holder = forms.CharField(label=_("Name on card"), max_length=100, required=False)
    number = forms.CharField(
        label=_("Card number"),
        max_length=23,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "cc-number", "placeholder": "4242 4242 4242 4242"}
        ),
    )
    expiry = forms.CharField(
        label=_("Expiry (MM/YY)"),
        max_length=7,
        widget=forms.TextInput(attrs={"autocomplete": "cc-exp", "placeholder": "12/30"}),
    )
    cvc = forms.CharField(
        label=_("Security code (CVC)"),
        max_length=4,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "cc-csc", "placeholder": "123"}
        ),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        month, _sep, year = data["expiry"].replace(" ", "").partition("/")
        try:
            data["card"] = card_from_input(
                number=data["number"],
                exp_month=month,
                exp_year=year,
                cvc=data["cvc"],
                holder=data.get("holder"),
            )
        except DomainError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return data
