from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace import identifiers
from marketplace.errors import InvalidIdentifier
from marketplace.forms import SignupForm
from marketplace.models import Brand, User

from ..models import BrandAuthorization, MerchantApplication, QualificationDocument


class MerchantSignupForm(SignupForm):
    """A company's first account: the person who applies becomes the store's owner."""

    def save(self, commit=True):
        user = super().save(commit=False)
        user.role = User.Role.MERCHANT
        if commit:
            user.save()
        return user


def _canonical(kind, value) -> str:
    """`value` in the canonical ASCII form of `kind` (`marketplace.identifiers`), as a form error."""
    try:
        return kind(value)
    except InvalidIdentifier as exc:
        raise forms.ValidationError(str(exc)) from exc


class CompanyForm(forms.ModelForm):
    class Meta:
        model = MerchantApplication
        fields = ("legal_name", "country", "registration_number", "address")
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "country": _("Mainland China is not accepted; Hong Kong, Macau and Taiwan count as overseas."),
            "registration_number": _("As printed on the company registration certificate."),
        }

    def clean_registration_number(self):
        return _canonical(identifiers.registration_number, self.cleaned_data["registration_number"])


class StoreContactForm(forms.ModelForm):
    class Meta:
        model = MerchantApplication
        fields = (
            "store_name_zh",
            "store_name_en",
            "contact_name",
            "contact_email",
            "contact_phone",
            "settlement_currency",
        )
        help_texts = {"settlement_currency": _("You price products and receive payouts in this currency.")}

    def clean_contact_phone(self):
        return _canonical(identifiers.contact_phone, self.cleaned_data["contact_phone"])


class BrandAuthorizationForm(forms.Form):
    brand = forms.ModelChoiceField(
        label=_("Brand"),
        queryset=Brand.objects.exclude(status=Brand.Status.REJECTED).order_by("name"),
        required=False,
        empty_label=_("— choose a brand, or enter a new one below —"),
    )
    new_brand_name = forms.CharField(label=_("New brand name"), max_length=100, required=False)
    new_brand_country = forms.ChoiceField(label=_("New brand's country"), required=False)
    kind = forms.ChoiceField(label=_("Basis"), choices=BrandAuthorization.Kind.choices)
    authorized_by = forms.CharField(
        label=_("Authorized by"),
        max_length=200,
        required=False,
        help_text=_(
            "For an authorization: the brand owner, or the chain from it (owner → distributor → you)."
        ),
    )
    valid_from = forms.DateField(
        label=_("Valid from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    document = forms.FileField(
        label=_("Trademark certificate or authorization letter"),
        required=False,
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django_countries import countries

        self.fields["new_brand_country"].choices = [("", "—")] + list(countries)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=QualificationDocument.Kind.choices)
    brand_authorization = forms.ModelChoiceField(
        label=_("For brand"), queryset=BrandAuthorization.objects.none(), required=False
    )
    file = forms.FileField(label=_("File"), help_text=_("PDF, JPEG or PNG, at most 10 MB."))

    def __init__(self, *args, merchant=None, **kwargs):
        super().__init__(*args, **kwargs)
        if merchant is not None:
            self.fields["brand_authorization"].queryset = merchant.brand_authorizations.select_related(
                "brand"
            )
            self.fields["brand_authorization"].label_from_instance = lambda a: a.brand.name
