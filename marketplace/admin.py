from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from . import services
from .errors import DomainError
from .models import (
    Brand,
    Category,
    ExchangeRate,
    ExchangeRateChange,
    Product,
    ProductImage,
    ProductVariant,
    TaxCategory,
    User,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "email", "role", "is_staff", "is_active", "date_joined")
    list_filter = ("role", "is_staff", "is_active")
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
    readonly_fields = ("updated_at",)

    def save_model(self, request, obj, form, change):
        try:
            services.exchange_rate_set(
                currency=obj.currency, rate=obj.rate, changed_by=request.user, source="staff console"
            )
        except DomainError as exc:
            messages.error(request, str(exc))


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


class ProductVariantInline(admin.TabularInline):
    model = ProductVariant
    extra = 0


class ProductImageInline(admin.TabularInline):
    model = ProductImage
    extra = 0


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
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
