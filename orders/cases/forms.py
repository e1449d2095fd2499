"""Forms of the after-sales pages. They check the shape of the input only; the rules (who, when, how
much) are the services' (`orders.cases.services`), whose refusals the views show on the form."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import AfterSalesCase
from ..rules import MAX_QUANTITY_PER_LINE

MAX_PHOTOS = 6
TEXT_MAX = 2000
AMOUNT_MAX = Decimal("999999.99")


class MultipleImageInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several image files under one name; each is checked by content by the service."""

    def __init__(self, *args, max_files=MAX_PHOTOS, **kwargs):
        self.max_files = max_files
        kwargs.setdefault("widget", MultipleImageInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        files = [super(MultipleImageField, self).clean(f, initial) for f in files if f]
        if len(files) > self.max_files:
            raise forms.ValidationError(
                _("Attach at most %(max)d photos.") % {"max": self.max_files}, code="too_many"
            )
        return files


def _amount_field(label, required=False, help_text=""):
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=Decimal("0.01"),
        max_value=AMOUNT_MAX,
        max_digits=8,
        decimal_places=2,
        help_text=help_text,
    )


class CaseOpenForm(forms.Form):
    """What the buyer asks for. The lines come as `line_<id>` (ticked) and `quantity_<id>` fields,
    one pair per line of the order."""

    kind = forms.ChoiceField(
        label=_("What do you need?"), choices=AfterSalesCase.Kind.choices, widget=forms.RadioSelect
    )
    reason = forms.ChoiceField(label=_("Reason"), choices=AfterSalesCase.Reason.choices)
    description = forms.CharField(
        label=_("Describe the problem"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Describe the problem: what you received, what is wrong, what you expected."),
    )
    photos = MultipleImageField(
        label=_("Photos"),
        help_text=_("Up to 6 JPEG, PNG or WebP images of the goods, the parcel or the label."),
    )
    amount = _amount_field(_("Amount to refund (CNY)"))

    def __init__(self, *args, order, allow_changed_mind: bool, max_refund=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.order = order
        self.order_lines = list(order.lines.all())
        if not allow_changed_mind:
            self.fields["reason"].choices = [
                (value, label)
                for value, label in AfterSalesCase.Reason.choices
                if value != AfterSalesCase.Reason.CHANGED_MIND
            ]
        if max_refund is not None:
            self.fields["amount"].help_text = _(
                "Leave empty to ask for the most the chosen items allow (at most %(amount)s for "
                "everything still refundable)."
            ) % {"amount": f"¥{max_refund:,.2f}"}
            self.fields["amount"].widget.attrs["placeholder"] = f"{max_refund:.2f}"
        for line in self.order_lines:
            left = max(line.quantity - line.refunded_quantity, 0)
            self.fields[f"line_{line.pk}"] = forms.BooleanField(required=False, label=line.shown_product_name)
            self.fields[f"quantity_{line.pk}"] = forms.IntegerField(
                required=False, min_value=1, max_value=max(left, 1), initial=left or 1
            )
            line.left = left
            line.check_field = self[f"line_{line.pk}"]
            line.quantity_field = self[f"quantity_{line.pk}"]

    def visible_main_fields(self):
        return [self[name] for name in ("kind", "reason", "description", "photos", "amount")]

    def clean(self):
        data = super().clean()
        chosen = []
        for line in self.order_lines:
            if data.get(f"line_{line.pk}"):
                quantity = data.get(f"quantity_{line.pk}") or line.left
                if quantity < 1 or quantity > MAX_QUANTITY_PER_LINE:
                    raise forms.ValidationError(_("Choose a quantity for each item you tick."))
                chosen.append({"line_id": line.pk, "quantity": quantity})
        if not chosen:
            raise forms.ValidationError(_("Tick at least one item the request is about."), code="no_lines")
        data["lines"] = chosen
        return data


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the store refuses"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The buyer and, if they escalate, the platform's arbitrator read this."),
    )


class OfferForm(forms.Form):
    amount = _amount_field(_("Partial refund offered (CNY)"), required=True)
    note = forms.CharField(
        label=_("Message to the buyer"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EscalateForm(forms.Form):
    note = forms.CharField(
        label=_("Why the platform should look at it"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EvidenceForm(forms.Form):
    """A statement, photos, or both (one `case_evidence_add` per photo; the statement with the first)."""

    note = forms.CharField(
        label=_("Your statement"),
        max_length=TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    photos = MultipleImageField(label=_("Photos"), help_text=_("Up to 6 JPEG, PNG or WebP images."))

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("note") or "").strip() and not data.get("photos"):
            raise forms.ValidationError(_("Write a statement or attach a photo."), code="empty")
        return data


class ReturnShipForm(forms.Form):
    provider_code = forms.ChoiceField(label=_("Carrier"))
    weight_grams = forms.IntegerField(
        label=_("Parcel weight (grams)"), min_value=1, max_value=30000, initial=500
    )

    def __init__(self, *args, providers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider_code"].choices = [(p.code, p.name) for p in providers]


class InfoRequestForm(forms.Form):
    party = forms.ChoiceField(
        label=_("Which side to ask"), choices=AfterSalesCase.Party.choices, widget=forms.RadioSelect
    )
    message = forms.CharField(
        label=_("What you need from them"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_at = forms.DateTimeField(
        label=_("Answer by"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        help_text=_("Empty: the default number of days."),
    )


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Arbitration decision"), choices=AfterSalesCase.Outcome.choices, widget=forms.RadioSelect
    )
    amount = _amount_field(_("Partial refund (CNY)"), help_text=_("Only for a partial refund."))
    reason = forms.CharField(
        label=_("Reason (both sides read it)"), max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )

    def clean(self):
        data = super().clean()
        if data.get("outcome") == AfterSalesCase.Outcome.PARTIAL and not data.get("amount"):
            self.add_error("amount", _("Give the amount of the partial refund."))
        return data


class ReturnSettingsForm(forms.Form):
    """The store's after-sales settings (Merchant fields; saved by `merchants.services`)."""

    return_recipient = forms.CharField(label=_("Return recipient"), max_length=60, required=False)
    return_phone = forms.CharField(label=_("Return phone"), max_length=20, required=False)
    return_address = forms.CharField(
        label=_("Return address in mainland China"),
        max_length=400,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Your own address or your bonded warehouse's. Left empty, returns go to your registered address."
        ),
    )
    accepts_changed_mind = forms.BooleanField(
        label=_("Accept returns when the buyer changed their mind"), required=False
    )
    service_hours_start = forms.TimeField(
        label=_("Customer service from (China time)"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    service_hours_end = forms.TimeField(
        label=_("Customer service until (China time)"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        # A store abroad may answer at night in China: the window may cross midnight
        # (`orders.conversations.hours`), so any pair of times is valid.
        help_text=_(
            "An end before the start crosses midnight (20:00 to 02:00); the same time twice means around "
            "the clock."
        ),
    )
