from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import BlacklistEntry, ViolationKind


class ReasonsForm(forms.Form):
    reasons = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ViolationForm(forms.Form):
    kind = forms.ModelChoiceField(label=_("Violation"), queryset=ViolationKind.objects.filter(is_active=True))
    occurred_on = forms.DateField(
        label=_("Occurred on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 3}))


class BlacklistForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason category"), choices=BlacklistEntry.Reason.choices)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))
