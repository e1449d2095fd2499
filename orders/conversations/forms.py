from django import forms
from django.utils.translation import gettext_lazy as _

from .services import BODY_LIMIT


class MessageForm(forms.Form):
    """What a person writes; the rules (length, NUL, image content) are the service's."""

    body = forms.CharField(
        label=_("Message"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": BODY_LIMIT, "data-message-body": ""}),
    )
    image = forms.FileField(
        label=_("Image"),
        required=False,
        help_text=_("JPEG, PNG or WebP, up to 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
