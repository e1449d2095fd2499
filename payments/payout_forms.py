"""Forms of the payout pages (seller and staff)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PayoutAccount


class PayoutRequestForm(forms.Form):
    amount = forms.DecimalField(label=_("Amount"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2)


class PayoutAccountForm(forms.ModelForm):
    class Meta:
        model = PayoutAccount
        fields = ["bank_account_name", "bank_name", "bank_account_number"]


class BankReferenceForm(forms.Form):
    bank_reference = forms.CharField(label=_("Bank reference"), max_length=80)


class PayoutFailForm(forms.Form):
    reason = forms.CharField(label=_("Why the bank could not pay it"), max_length=300)


class StaffRefundForm(forms.Form):
    order_number = forms.CharField(label=_("Order number"), max_length=24)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    confirm = forms.BooleanField(
        label=_(
            "I confirm: the whole order is refunded to the buyer's card; after release the money is "
            "taken from the store's balance, then its deposit."
        ),
    )


__all__ = ["PayoutRequestForm", "PayoutAccountForm", "BankReferenceForm", "PayoutFailForm", "StaffRefundForm"]
