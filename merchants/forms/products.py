"""Seller dashboard forms for products, variants, images and imports. They only validate input; the
catalog services (`marketplace.services`) decide and write."""

from django import forms
from django.forms import BaseModelFormSet, modelformset_factory
from django.utils.translation import gettext_lazy as _

from marketplace import identifiers, limits
from marketplace.errors import InvalidIdentifier
from marketplace.models import Brand, Category, Product, ProductVariant, TaxCategory

from ..selectors import brands_sellable

PRODUCT_FIELDS = [
    "name_zh",
    "name_en",
    "brand",
    "category",
    "tax_category",
    "origin_country",
    "shipping_mode",
    "description_zh",
    "description_en",
]


def leaf_categories():
    """Products go in the most specific category: one without sub-categories."""
    return (
        Category.objects.filter(children__isnull=True)
        .select_related("parent")
        .order_by("parent__position", "parent__slug", "position", "slug")
    )


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, category):
        return f"{category.parent.name} › {category.name}" if category.parent else category.name


class TaxCategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, tax_category):
        rate = tax_category.effective_rate * 100
        return f"{tax_category.name} ({rate:.1f}%)"


class ProductForm(forms.ModelForm):
    """A product's description. Brands are those the store may sell (plus the current one, so an
    expired authorization shows as the service's clear refusal rather than a vanished choice)."""

    category = CategoryChoiceField(queryset=Category.objects.none(), label=_("category"))
    tax_category = TaxCategoryChoiceField(queryset=TaxCategory.objects.none(), label=_("tax category"))

    class Meta:
        model = Product
        fields = PRODUCT_FIELDS
        labels = {"brand": _("brand"), "tax_category": _("tax category")}
        widgets = {
            "description_zh": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, merchant, **kwargs):
        super().__init__(*args, **kwargs)
        brands = brands_sellable(merchant)
        if self.instance.pk:
            brands = Brand.objects.filter(pk__in=brands.values("pk")) | Brand.objects.filter(
                pk=self.instance.brand_id
            )
        self.fields["brand"].queryset = brands.order_by("name")
        self.fields["brand"].help_text = _("Only brands your store holds an approved authorization for.")
        self.fields["category"].queryset = leaf_categories()
        self.fields["tax_category"].queryset = TaxCategory.objects.filter(permitted=True)
        self.fields["tax_category"].help_text = _("Only goods on the cross-border import positive list.")

    def clean(self):
        data = super().clean()
        if not (data.get("name_zh") or data.get("name_en")):
            raise forms.ValidationError(_("Give the product a name in Chinese or English."))
        return data

    def product_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in PRODUCT_FIELDS}


def _price_field(currency):
    return forms.DecimalField(
        label=_("price (%(currency)s)") % {"currency": currency},
        max_digits=14,
        decimal_places=2,
        validators=limits.price_validators,
    )


# Stock and weight carry the bounds of `marketplace.limits` (the database's check constraints), so a
# stock of 2**31 is a form error, not a database error.
def _stock_field():
    return forms.IntegerField(label=_("stock"), initial=0, validators=limits.stock_validators)


def _weight_field():
    return forms.IntegerField(label=_("weight (g)"), initial=500, validators=limits.weight_validators)


def clean_sku(value) -> str:
    """The SKU's canonical form (upper-case ASCII, no spaces): what uniqueness applies to."""
    try:
        return identifiers.sku(value)
    except InvalidIdentifier as exc:
        raise forms.ValidationError(str(exc)) from exc


class ProductCreateForm(ProductForm):
    """A new product with its first variant (more variants are added on the edit page)."""

    sku = forms.CharField(label=_("SKU"), max_length=64)
    option_zh = forms.CharField(label=_("option (Chinese)"), max_length=120, required=False)
    option_en = forms.CharField(label=_("option (English)"), max_length=120, required=False)
    stock = _stock_field()
    weight_grams = _weight_field()

    def __init__(self, *args, merchant, **kwargs):
        super().__init__(*args, merchant=merchant, **kwargs)
        self.fields["price"] = _price_field(merchant.settlement_currency)
        self.order_fields(
            [*PRODUCT_FIELDS, "sku", "price", "option_zh", "option_en", "stock", "weight_grams"]
        )

    def clean_sku(self):
        return clean_sku(self.cleaned_data["sku"])

    def first_variant(self) -> dict:
        data = self.cleaned_data
        return {
            "sku": data["sku"],
            "name_zh": data["option_zh"],
            "name_en": data["option_en"],
            "price": data["price"],
            "stock": data["stock"],
            "weight_grams": data["weight_grams"],
        }


class VariantForm(forms.ModelForm):
    stock = _stock_field()
    weight_grams = _weight_field()

    class Meta:
        model = ProductVariant
        fields = ["sku", "name_zh", "name_en", "stock", "weight_grams", "is_active"]

    def clean_sku(self):
        return clean_sku(self.cleaned_data["sku"])

    def __init__(self, *args, currency="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price"] = _price_field(currency)
        if self.instance.pk:
            self.fields["price"].initial = self.instance.price.amount
        self.fields["is_active"].initial = True

    def variant_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "name_zh": data["name_zh"],
            "name_en": data["name_en"],
            "price": data["price"],
            "stock": data["stock"],
            "weight_grams": data["weight_grams"],
            "is_active": data["is_active"],
        }


class BaseVariantFormSet(BaseModelFormSet):
    def __init__(self, *args, currency="", **kwargs):
        self.currency = currency
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "currency": self.currency}

    @property
    def empty_form(self):
        form = self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            currency=self.currency,
            renderer=self.renderer,
        )
        self.add_fields(form, None)
        return form


VariantFormSet = modelformset_factory(
    ProductVariant, form=VariantForm, formset=BaseVariantFormSet, extra=1, can_delete=True
)


class ProductImageForm(forms.Form):
    image = forms.FileField(label=_("image"), help_text=_("JPEG or PNG, at most 5 MB."))
    alt = forms.CharField(label=_("description for screen readers"), max_length=200, required=False)


class ProductImportForm(forms.Form):
    file = forms.FileField(
        label=_("spreadsheet"), help_text=_("CSV (UTF-8 or GB18030) or Excel XLSX, at most 5 MB, 5,000 rows.")
    )


class ProductFilterForm(forms.Form):
    q = forms.CharField(label=_("name or SKU"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("status"), required=False, choices=[("", _("All"))] + list(Product.Status.choices)
    )
