from django import forms
from django.utils.translation import gettext_lazy as _

STARS = [(n, str(n)) for n in range(5, 0, -1)]


class ReviewForm(forms.Form):
    """The review's fields; the photos come from `request.FILES.getlist("photos")` and are checked by
    the service (count and content)."""

    rating = forms.TypedChoiceField(
        label=_("Rating"), choices=STARS, coerce=int, widget=forms.RadioSelect(attrs={"class": "stars-input"})
    )
    text = forms.CharField(
        label=_("Your review"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    anonymous = forms.BooleanField(
        label=_("Show my review without my name"),
        required=False,
        help_text=_("Your name is then shown masked, e.g. “s***r”."),
    )


class StoreRatingForm(forms.Form):
    description = forms.TypedChoiceField(
        label=_("Item as described"), choices=STARS, coerce=int, widget=forms.RadioSelect
    )
    service = forms.TypedChoiceField(
        label=_("Seller's service"), choices=STARS, coerce=int, widget=forms.RadioSelect
    )
    logistics = forms.TypedChoiceField(
        label=_("Logistics"), choices=STARS, coerce=int, widget=forms.RadioSelect
    )


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Your reply"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
