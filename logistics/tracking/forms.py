from django import forms
from django.utils.translation import gettext_lazy as _

from ..services.tracking import kinds_addable_by_hand


class TrackForm(forms.Form):
    waybill = forms.CharField(
        label=_("Waybill number"),
        max_length=60,
        widget=forms.TextInput(
            attrs={"placeholder": "EA123456785JP", "autocomplete": "off", "spellcheck": "false"}
        ),
    )


class ManualEventForm(forms.Form):
    kind = forms.ChoiceField(label=_("What happened"))
    occurred_at = forms.DateTimeField(
        label=_("When"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    location = forms.CharField(label=_("Where"), max_length=120, required=False)
    reason = forms.CharField(
        label=_("Why you are adding it by hand"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the buyer on the order page."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds_addable_by_hand(user)
