from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from . import services
from .accounts import admin as accounts_admin  # noqa: F401  (API tokens: ApiTokenAdmin)
from .errors import DomainError
from .models import (
    Brand,
    Category,
    ExchangeRate,
    ExchangeRateChange,
    Product,
    ProductImage,
    ProductVariant,
    SearchSynonym,
    TaxCategory,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "role", "is_staff", "is_active", "date_joined")
    list_filter = ("role", "is_staff", "is_active")
    actions = ["lift_login_lockout"]
    fieldsets = BaseUserAdmin.fieldsets + (("Marketplace", {"fields": ("role",)}),)
    # Email is unique and required: ask for it when staff create an account.
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "role", "usable_password", "password1", "password2"),
            },
        ),
    )

    @admin.action(description=_("Lift the login lock-out of the selected accounts"))
    def lift_login_lockout(self, request, queryset):
        from .accounts.services import login_lockout_lift

        cleared = sum(
            login_lockout_lift(username=user.username, actor=request.user) for user in queryset
        )
        self.message_user(
            request, _("Lock-out lifted: %(count)d failed attempts cleared.") % {"count": cleared}
        )


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("slug", "name_zh", "name_en", "parent", "position")
    list_filter = ("parent",)
    search_fields = ("slug", "name_zh", "name_en")


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ("name", "name_zh", "country", "status", "created_at")
    list_filter = ("status", "country")
    search_fields = ("name", "name_zh", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(TaxCategory)
class TaxCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name_en", "vat_rate", "consumption_tax_rate", "effective_rate", "permitted")


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    """Staff edit rates here; saving goes through `exchange_rate_set`, which records the change and
    reprices that currency's listings."""

    list_display = ("currency", "rate", "updated_at")

    def get_readonly_fields(self, request, obj=None):
        # A rate belongs to its currency; set another currency's rate on its own row.
        return ("currency", "updated_at") if obj else ("updated_at",)

    def has_delete_permission(self, request, obj=None):
        return False  # products priced in that currency would have no price

    def save_model(self, request, obj, form, change):
        try:
            saved = services.exchange_rate_set(
                currency=obj.currency, rate=obj.rate, changed_by=request.user, source="staff console"
            )
        except DomainError as exc:
            messages.error(request, str(exc))
            return
        obj.pk, obj.rate, obj.updated_at = saved.pk, saved.rate, saved.updated_at


@admin.register(ExchangeRateChange)
class ExchangeRateChangeAdmin(admin.ModelAdmin):
    list_display = ("currency", "old_rate", "new_rate", "changed_by", "source", "created_at")
    list_filter = ("currency",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ProductAdminForm(forms.ModelForm):
    class Meta:
        model = Product
        # Not the listing price or sales count: derived, and kept by the services.
        fields = [
            "merchant", "brand", "category", "tax_category", "origin_country", "shipping_mode",
            "name_zh", "name_en", "description_zh", "description_en", "status", "is_featured",
        ]  # fmt: skip

    def clean(self):
        data = super().clean()
        if all(data.get(key) for key in ("merchant", "brand", "tax_category")):
            try:
                services.product_check_listable(
                    merchant=data["merchant"],
                    brand=data["brand"],
                    tax_category=data["tax_category"],
                    publish=data.get("status") == Product.Status.PUBLISHED,
                )
            except DomainError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return data


class ProductVariantFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        merchant = self.instance.merchant if self.instance.merchant_id else None
        for form in self.forms:
            price = getattr(form, "cleaned_data", {}).get("price")
            if (
                merchant
                and price is not None
                and not form.cleaned_data.get("DELETE")
                and str(price.currency) != merchant.settlement_currency
            ):
                form.add_error(
                    "price",
                    _("Prices must be in the merchant's settlement currency (%(currency)s).")
                    % {"currency": merchant.settlement_currency},
                )


class ProductVariantInline(admin.TabularInline):
    model = ProductVariant
    formset = ProductVariantFormSet
    extra = 0


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 0


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    """Staff edits obey the same listing rules as merchants (`services.product_check_listable`)."""

    form = ProductAdminForm
    list_display = (
        "id",
        "name_zh",
        "name_en",
        "merchant",
        "brand",
        "origin_country",
        "shipping_mode",
        "price_cny",
        "status",
    )
    list_filter = ("status", "shipping_mode", "origin_country", "is_featured")
    search_fields = ("name_zh", "name_en", "brand__name")
    list_select_related = ("merchant", "brand")
    raw_id_fields = ("merchant", "brand", "category")
    inlines = [ProductVariantInline, ProductImageInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.products_refresh_listing_prices(product_ids=[form.instance.pk])


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    """Staff keep the groups of words shoppers use for the same thing; a change reaches search at once
    (it starts a new catalogue version)."""

    list_display = ("terms", "note", "updated_at")
    search_fields = ("terms", "note")
