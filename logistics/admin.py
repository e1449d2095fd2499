"""Staff console views of logistics."""

# ---- shipping templates
from django.contrib import admin  # noqa: E402

from .models import ShippingTemplate, ShippingTemplateRegion  # noqa: E402


class ShippingTemplateRegionInline(admin.TabularInline):
    model = ShippingTemplateRegion
    fields = ("provinces", "first_fee", "additional_fee")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ShippingTemplate)
class ShippingTemplateAdmin(admin.ModelAdmin):
    """Read-only: a store's shipping templates are its own staff's to change (seller dashboard, API),
    through `logistics.services.templates`, which checks every rule."""

    list_display = (
        "merchant",
        "shipping_mode",
        "name",
        "first_weight_grams",
        "first_fee",
        "additional_step_grams",
        "additional_fee",
        "free_from",
        "updated_at",
    )
    list_filter = ("shipping_mode",)
    list_select_related = ("merchant",)
    search_fields = ("merchant__name_zh", "merchant__name_en", "name")
    inlines = [ShippingTemplateRegionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
