"""Staff console views of orders: read-only, since every change goes through `services` (state
machine, ledger). Staff see the ID number masked like everyone else."""

from django.contrib import admin

from .models import Order, OrderEvent, OrderLine


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = (
        "sku",
        "product_name",
        "variant_name",
        "quantity",
        "unit_price",
        "unit_price_cny",
        "goods_cny",
        "tax_cny",
    )
    readonly_fields = fields


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ("created_at", "kind", "from_status", "to_status", "note", "actor")
    readonly_fields = fields


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "status",
        "merchant",
        "user",
        "shipping_mode",
        "total",
        "created_at",
        "paid_at",
        "ship_by",
    )
    list_filter = ("status", "shipping_mode", "merchant")
    search_fields = ("number", "user__username", "payment__reference")
    list_select_related = ("merchant", "user")
    date_hierarchy = "created_at"
    fields = (
        "number",
        "status",
        "user",
        "merchant",
        "payment",
        "shipping_mode",
        "recipient",
        "address",
        "buyer_name_masked",
        "buyer_id_masked",
        "currency",
        "exchange_rate",
        "goods_total",
        "shipping_fee",
        "tax_total",
        "total",
        "created_at",
        "paid_at",
        "ship_by",
        "shipped_at",
        "closed_at",
    )
    readonly_fields = fields
    inlines = [OrderLineInline, OrderEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
